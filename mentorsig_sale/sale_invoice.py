# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The invoice side of invoicing sales (see sale.py): the deposits deducted
on an invoice, the sales of an invoice, the check that no order line is
invoiced twice, and the "Invoice" wizard of the sale."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateAction, StateView, Wizard

from mentorsig_invoicing.document import pdf

from . import deposit_rules
from .deposit_block import deposits_block
from .exceptions import SaleInvoiceError


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    deposit_deducted_amount = fields.Function(Monetary(
            "Deposits Deducted", currency='currency', digits='currency',
            help="The deposit invoices given back on this invoice, "
            "taxes included.",
            states={
                'invisible': ~Eval('deposit_deducted_amount'),
                }),
        'get_deposit_amounts')
    total_before_deposits = fields.Function(Monetary(
            "Total Before Deposits", currency='currency', digits='currency',
            help="The total of the invoice before the deposits are "
            "deducted, taxes included.",
            states={
                'invisible': ~Eval('deposit_deducted_amount'),
                }),
        'get_deposit_amounts')

    @classmethod
    def get_deposit_amounts(cls, invoices, names):
        pool = Pool()
        Tax = pool.get('account.tax')
        result = {n: {} for n in names}
        for invoice in invoices:
            deducted = Decimal(0)
            for line in invoice.lines:
                origin = line.origin
                if (line.type != 'line'
                        or origin.__class__.__name__ != 'account.invoice.line'
                        or not origin.invoice
                        or origin.invoice.mentorsig_kind != 'deposit'
                        or invoice.credited_invoice):
                    continue
                taxes = sum((invoice.currency.round(t['amount'])
                        for t in Tax.compute(
                            list(line.taxes), line.unit_price or 0,
                            line.quantity or 0, line.tax_date)),
                    Decimal(0))
                deducted -= (line.amount or 0) + taxes
            values = {
                'deposit_deducted_amount': deducted,
                'total_before_deposits': (
                    (invoice.total_amount or Decimal(0)) + deducted),
                }
            for name in names:
                result[name][invoice.id] = values[name]
        return result

    @classmethod
    def _mentorsig_pdf_blocks(cls):
        return pdf.with_block(super()._mentorsig_pdf_blocks(),
            pdf.Block('deposits', deposits_block), before='totals')

    def mentorsig_document_data(self):
        document = super().mentorsig_document_data()
        if self.deposit_deducted_amount and self.total_amount >= 0:
            # a final invoice after deposits (billing framework B4/S4/M4)
            document.deposits_deducted = True
            document.extensions['deposits'] = {
                'total_before': self.total_before_deposits,
                'deducted': self.deposit_deducted_amount,
                'remaining': self.total_amount,
                }
        return document

    def get_sales(self, name):
        pool = Pool()
        Sale = pool.get('sale.sale')
        sales = set(super().get_sales(name))
        for line in self.lines:
            if isinstance(line.origin, Sale):
                sales.add(line.origin.id)
        return list(sales)

    @classmethod
    def search_sales(cls, name, clause):
        # A reference searched with a target model needs a field of it:
        # ('sales', '=', 1) searches the id of the deposit lines' sale
        nested = clause[0][len(name) + 1:] or 'id'
        return ['OR',
            super().search_sales(name, clause),
            ('lines.origin.' + nested, *clause[1:3], 'sale.sale',
                *clause[3:]),
            ]


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    deposit_deductions = fields.One2Many(
        'account.invoice.line', 'origin', "Deposit Deductions",
        readonly=True,
        states={
            'invisible': ~Eval('deposit_deductions'),
            },
        help="The lines of other invoices that give this deposit back.")

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['sale.sale']

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('deposit_deductions', None)
        return super().copy(lines, default=default)

    @classmethod
    def validate(cls, lines):
        super().validate(lines)
        cls._mentorsig_check_sale_quantities(lines)

    @classmethod
    def _mentorsig_check_sale_quantities(cls, lines):
        "Nothing of an order line is invoiced twice"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Lang = pool.get('ir.lang')
        sale_lines = {
            l.origin for l in lines
            if isinstance(l.origin, SaleLine) and l.type == 'line'
            and l.invoice and l.invoice.state != 'cancelled'}
        for sale_line in sale_lines:
            invoiced = sale_line.mentorsig_invoiced_quantity()
            limit = sale_line.mentorsig_invoice_limit()
            digits = sale_line.unit.digits if sale_line.unit else None
            if deposit_rules.quantity_exceeds(limit, invoiced, digits):
                lang = Lang.get()
                invoices = sorted({
                        l.invoice.rec_name for l in sale_line.invoice_lines
                        if l.invoice and l.invoice.state != 'cancelled'})
                raise SaleInvoiceError(gettext(
                        'mentorsig_sale.msg_sale_line_invoiced_twice',
                        line=sale_line.rec_name,
                        sale=sale_line.sale.rec_name,
                        invoiced=lang.format_number(invoiced, digits),
                        ordered=lang.format_number(limit, digits),
                        invoices=', '.join(invoices)))


class SaleInvoiceStart(ModelView):
    __name__ = 'mentorsig.sale.invoice.start'
    __string__ = "Invoice Sale"

    sale = fields.Many2One('sale.sale', "Sale", readonly=True,
        states={
            'invisible': ~Eval('sale'),
            })
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    method = fields.Selection([
            ('whole', "Whole Order"),
            ('deposit', "Deposit"),
            ('balance', "Remaining Balance"),
            ], "Invoice", required=True, sort=False,
        help="The whole order, a deposit on it, or what remains to invoice "
        "with the posted deposits deducted.")
    deposit_kind = fields.Selection([
            ('percentage', "Percentage of the Order"),
            ('amount', "Fixed Amount"),
            ], "Deposit", sort=False,
        states={
            'invisible': Eval('method') != 'deposit',
            'required': Eval('method') == 'deposit',
            })
    deposit_percentage = fields.Numeric(
        "Percentage", digits=(None, 4),
        states={
            'invisible': ((Eval('method') != 'deposit')
                | (Eval('deposit_kind') != 'percentage')),
            'required': ((Eval('method') == 'deposit')
                & (Eval('deposit_kind') == 'percentage')),
            },
        help="The share of the order's total, split over its tax rates.")
    deposit_amount = Monetary(
        "Amount", currency='currency', digits='currency',
        states={
            'invisible': ((Eval('method') != 'deposit')
                | (Eval('deposit_kind') != 'amount')),
            'required': ((Eval('method') == 'deposit')
                & (Eval('deposit_kind') == 'amount')),
            })
    tax_included = fields.Boolean(
        "Taxes Included",
        states={
            'invisible': ((Eval('method') != 'deposit')
                | (Eval('deposit_kind') != 'amount')),
            },
        help="Checked: the amount is what the customer pays, taxes "
        "included. Unchecked: the amount is before taxes.")
    deposit_preview = fields.Function(fields.Text(
            "Deposit Invoice",
            states={
                'invisible': (Eval('method') != 'deposit') | ~Eval('sale'),
                },
            help="The lines of the deposit invoice, per tax rate, before "
            "it is made."),
        'on_change_with_deposit_preview')
    total_amount = Monetary(
        "Order Total", currency='currency', digits='currency', readonly=True,
        states={
            'invisible': ~Eval('sale'),
            })
    deposit_invoiced = Monetary(
        "Invoiced as Deposit", currency='currency', digits='currency',
        readonly=True,
        states={
            'invisible': ~Eval('sale') | ~Eval('deposit_invoiced'),
            })
    invoiced_amount = Monetary(
        "Invoiced", currency='currency', digits='currency', readonly=True,
        states={
            'invisible': ~Eval('sale'),
            })
    amount_to_invoice = Monetary(
        "Remaining to Invoice", currency='currency', digits='currency',
        readonly=True,
        states={
            'invisible': ~Eval('sale'),
            })

    @classmethod
    def default_deposit_kind(cls):
        return 'percentage'

    @fields.depends('sale', 'method', 'deposit_kind', 'deposit_percentage',
        'deposit_amount', 'tax_included')
    def on_change_with_deposit_preview(self, name=None):
        if self.method != 'deposit' or not self.sale:
            return None
        if self.deposit_kind == 'percentage':
            if self.deposit_percentage is None:
                return None
            return self.sale.mentorsig_deposit_preview(
                ratio=self.deposit_percentage)
        if self.deposit_amount is None:
            return None
        return self.sale.mentorsig_deposit_preview(
            amount=self.deposit_amount,
            tax_included=bool(self.tax_included))

    @classmethod
    def default_tax_included(cls):
        return True


class SaleInvoice(Wizard):
    __name__ = 'mentorsig.sale.invoice'
    start = StateView('mentorsig.sale.invoice.start',
        'mentorsig_sale.sale_invoice_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Invoice", 'invoice', 'tryton-ok', default=True),
            ])
    invoice = StateAction('account_invoice.act_invoice_out_form')

    def default_start(self, fields):
        sales = self.records
        # An order invoiced in part or on a deposit has a balance left
        invoiced = any(
            l.mentorsig_invoiced_quantity()
            for s in sales for l in s.line_lines)
        deposited = any(
            l.invoice and l.invoice.state != 'cancelled'
            for s in sales for l in s.deposit_lines)
        default = {
            'method': 'balance' if invoiced or deposited else 'whole',
            'deposit_kind': 'percentage',
            'tax_included': True,
            }
        if len(sales) == 1:
            sale, = sales
            default.update({
                    'sale': sale.id,
                    'currency': sale.currency.id,
                    'total_amount': sale.total_amount,
                    'deposit_invoiced': sale.deposit_amount,
                    'invoiced_amount': sale.invoiced_amount,
                    'amount_to_invoice': sale.amount_to_invoice,
                    })
        elif sales:
            default['currency'] = sales[0].currency.id
        return default

    def do_invoice(self, action):
        pool = Pool()
        Sale = pool.get('sale.sale')
        start = self.start
        options = {}
        if start.method == 'deposit':
            if start.deposit_kind == 'percentage':
                options['ratio'] = start.deposit_percentage
            else:
                options['amount'] = start.deposit_amount
                options['tax_included'] = bool(start.tax_included)
        invoices = Sale.mentorsig_create_invoices(
            Sale.browse(self.records), start.method, **options)
        data = {'res_id': [i.id for i in invoices]}
        if len(invoices) == 1:
            action['views'].reverse()
        return action, data
