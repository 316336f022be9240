# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .extra_field import CompanyExtraFieldsMixin, carried_extra_fields


class Sale(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.states = {
            'readonly': Eval('state') != 'draft',
            }

    def _get_invoice(self):
        invoice = super()._get_invoice()
        invoice.extra_fields = carried_extra_fields(self, 'account.invoice')
        return invoice


class SaleLine(CompanyExtraFieldsMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.extra_fields.states = {
            'readonly': Eval('sale_state', 'draft') != 'draft',
            }

    def get_invoice_line(self):
        lines = super().get_invoice_line()
        for line in lines:
            line.extra_fields = carried_extra_fields(
                self, 'account.invoice.line')
        return lines
