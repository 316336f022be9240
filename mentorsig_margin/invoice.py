# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cost and margin of customer invoices, frozen at posting.

The host has no margin on invoice lines (its stock margin report covers only
goods moved out of stock): the unit cost is stored on the line and taken
again from the product when the invoice is posted, after which the host's
own check refuses any change to the line (the fields are not in
`_check_modify_exclude`), so later cost changes never rewrite history.
A credit note line keeps the frozen cost of the line it credits.
"""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import check_access
from trytond.wizard import StateTransition, Wizard

from .line import MarginDocumentMixin, MarginLineMixin


class Invoice(MarginDocumentMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['cost', 'margin', 'margin_rate']:
            field = getattr(cls, name)
            field.states = {'invisible': Eval('type') != 'out'}

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        # Frozen at posting: the cost of the day the invoice is posted
        Line.set_unit_costs([
                l for i in invoices
                if i.type == 'out' and i.state in {'draft', 'validated'}
                for l in i.lines])
        super()._post(invoices)

    @classmethod
    def recompute_margin_costs(cls, invoices):
        pool = Pool()
        Line = pool.get('account.invoice.line')
        Line.set_unit_costs([
                l for i in invoices if i.type == 'out' and i.state == 'draft'
                for l in i.lines])


class InvoiceLine(MarginLineMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        customer = Eval('invoice_type') != 'in'
        for name in [
                'cost_source', 'unit_cost', 'cost', 'margin', 'margin_rate',
                'markup_rate']:
            field = getattr(cls, name)
            field.states = field.states.copy()
            field.states['invisible'] = (
                field.states['invisible'] | ~customer)

    @fields.depends(
        'invoice', '_parent_invoice.company', '_parent_invoice.currency',
        '_parent_invoice.invoice_date', '_parent_invoice.type',
        '_parent_invoice.state', 'company', 'currency', 'invoice_type')
    def _margin_values(self):
        if self.invoice:
            return (
                self.invoice.company, self.invoice.currency,
                self.invoice.invoice_date, self.invoice.type == 'out',
                (self.invoice.state or 'draft') == 'draft')
        return (
            self.company, self.currency, None, self.invoice_type == 'out',
            True)

    def _credit(self):
        line = super()._credit()
        line.cost_source = 'credited'
        line.unit_cost = self.unit_cost
        return line


class RecomputeMarginCosts(Wizard):
    "Take the product's cost again on draft lines after a strategy change"
    __name__ = 'mentorsig.margin.recompute'
    __string__ = "Recompute Margin Costs"
    start_state = 'recompute'
    recompute = StateTransition()

    def transition_recompute(self):
        if self.model and hasattr(self.model, 'recompute_margin_costs'):
            # Only the documents the user may read, whatever ids were sent
            with check_access():
                records = self.model.search([
                        ('id', 'in', [r.id for r in self.records]),
                        ])
            self.model.recompute_margin_costs(records)
        return 'end'

