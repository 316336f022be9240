# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost and margin of quotations and orders, so that a salesperson sees the
margin before invoicing: the cost follows the product while the sale is a
draft and is kept as it was when the sale was quoted."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .line import MarginDocumentMixin, MarginLineMixin


class Sale(MarginDocumentMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def recompute_margin_costs(cls, sales):
        pool = Pool()
        Line = pool.get('sale.line')
        Line.set_unit_costs([
                l for s in sales if s.state == 'draft' for l in s.lines])


class SaleLine(MarginLineMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'

    @fields.depends(
        'sale', '_parent_sale.company', '_parent_sale.currency',
        '_parent_sale.sale_date', '_parent_sale.state')
    def _margin_values(self):
        if self.sale:
            return (
                self.sale.company, self.sale.currency, self.sale.sale_date,
                True, (self.sale.state or 'draft') == 'draft')
        return (None, None, None, True, True)
