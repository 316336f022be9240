# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The host's Credit wizard, for credit notes as French law wants them: a
reason printed on the credit note, the whole invoice or chosen quantities
of its lines, never more than what is left to credit of a line."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import allocation
from .exceptions import CreditNoteError, FormAccessError


class CreditInvoiceStart(metaclass=PoolMeta):
    __name__ = 'account.invoice.credit.start'

    credit_scope = fields.Selection([
            ('full', "Whole Invoice"),
            ('lines', "Chosen Lines"),
            ], "Credit", required=True, sort=False,
        help="Credit the whole invoice or chosen quantities of its lines.")
    credit_reason = fields.Text("Reason",
        states={
            'required': Eval('mentorsig_enabled', False),
            },
        help="Why the customer is credited, printed on the credit note.")
    mentorsig_enabled = fields.Boolean("MentorSiG Enabled", readonly=True)
    credit_lines = fields.One2Many(
        'mentorsig.invoice.credit.line', None, "Lines",
        states={
            'invisible': Eval('credit_scope') != 'lines',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.with_refund.states['invisible'] = (
            cls.with_refund.states.get('invisible', False)
            | (Eval('credit_scope') == 'lines'))

    @classmethod
    def default_credit_scope(cls):
        return 'full'

    @fields.depends('credit_scope', 'with_refund')
    def on_change_credit_scope(self):
        if self.credit_scope == 'lines':
            self.with_refund = False


class CreditInvoiceLine(ModelView):
    __name__ = 'mentorsig.invoice.credit.line'
    __string__ = "Credit Note Line"

    invoice_line = fields.Many2One(
        'account.invoice.line', "Invoice Line", readonly=True)
    description = fields.Text("Description", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True)
    invoiced_quantity = fields.Float(
        "Invoiced Quantity", digits='unit', readonly=True)
    remaining_quantity = fields.Float(
        "Remaining Quantity", digits='unit', readonly=True,
        help="What was not credited yet.")
    # What is left to credit is checked on Credit, with a message naming
    # the line: as a domain, the web client refused silently (issue 12)
    quantity = fields.Float(
        "Quantity to Credit", digits='unit',
        domain=['OR',
            ('quantity', '=', None),
            ('quantity', '>=', 0),
            ])


class CreditInvoice(metaclass=PoolMeta):
    __name__ = 'account.invoice.credit'

    def default_start(self, fields):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        default = super().default_start(fields)
        default['credit_scope'] = 'full'
        default['mentorsig_enabled'] = bool(
            Invoice.mentorsig_enabled(self.records))
        lines = []
        for invoice in self.records:
            for line in invoice.lines:
                if line.type != 'line':
                    continue
                remaining = allocation.remaining_to_credit(
                    line.quantity or 0, [line.credited_quantity()])
                lines.append({
                        'invoice_line': line.id,
                        'description': line.description or (
                            line.product.rec_name if line.product else ''),
                        'unit': line.unit.id if line.unit else None,
                        'invoiced_quantity': line.quantity,
                        'remaining_quantity': remaining,
                        'quantity': 0,
                        })
        default['credit_lines'] = lines
        return default

    @property
    def _credit_options(self):
        options = super()._credit_options
        options['credit_reason'] = self.start.credit_reason
        if self.start.credit_scope == 'lines':
            quantities = {}
            credited = {l for i in self.records for l in i.lines}
            for line in self.start.credit_lines:
                if not line.quantity:
                    continue
                invoice_line = line.invoice_line
                if invoice_line not in credited:
                    # a form value: not named, it may be another's
                    raise FormAccessError(gettext(
                            'mentorsig_invoicing.msg_credit_line_other'))
                remaining = allocation.remaining_to_credit(
                    invoice_line.quantity or 0,
                    [invoice_line.credited_quantity()])
                if line.quantity < 0 or line.quantity > remaining:
                    raise CreditNoteError(gettext(
                            'mentorsig_invoicing.msg_credit_quantity_too_big',
                            line=invoice_line.rec_name,
                            remaining=remaining))
                quantities[invoice_line.id] = line.quantity
            if not quantities:
                raise CreditNoteError(gettext(
                        'mentorsig_invoicing.msg_credit_no_line'))
            options['mentorsig_quantities'] = quantities
            options['refund'] = False
        else:
            # What was credited already is not credited twice
            quantities, partly = {}, False
            for invoice in self.records:
                for line in invoice.lines:
                    if line.type != 'line':
                        continue
                    credited = line.credited_quantity()
                    partly |= bool(credited)
                    quantities[line.id] = allocation.remaining_to_credit(
                        line.quantity or 0, [credited])
            if partly:
                if not any(quantities.values()):
                    raise CreditNoteError(gettext(
                            'mentorsig_invoicing.msg_credit_no_line'))
                options['mentorsig_quantities'] = quantities
                options['refund'] = False
        return options
