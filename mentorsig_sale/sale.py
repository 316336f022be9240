# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoicing quotations and sale orders: whole, deposit or balance.

One "Invoice" wizard on the sale (button and form action) makes the whole
invoice of an order, a deposit invoice (a percentage, or a fixed amount with
or without taxes) or the invoice of the remaining balance.

How a quotation is invoiced: the host invoices only confirmed or processing
sales, through `Sale.process`, which also creates shipments. The wizard
does not change the state of the sale: it builds the invoice itself with the
host's `Sale.create_invoice` and `SaleLine.get_invoice_line` (in the context
of a manual invoice, `_sale_manual_invoice`), every invoice line keeping its
sale line as origin, the quantity being the ordered quantity less what
invoices not cancelled hold already. The host then sees these lines as
invoiced: a later confirmation invoices only what remains.

Deposits are our own invoice lines, not the host's `sale_advance_payment`
nor `account_deposit`: `sale_advance_payment` creates its advance-payment
invoices from terms when the sale is quoted, as one line per term on one
unearned-revenue account with the taxes of that account, blocks the
invoicing of the order until they are paid, and recalls only paid ones;
`account_deposit` keeps a customer balance on a deposit account and refuses
posting when the balance is short. Neither gives a deposit per tax rate on
demand, from a quotation, deducted once posted. A deposit line has the sale
as origin and the revenue account and taxes of its tax group; the final
invoice gives it back as a line of the opposite sign with the same account,
taxes and tax date (origin: the deposit line), so that each invoice computes
its own taxes and posting cannot fail on a rounding difference.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from mentorsig_invoicing.access import check_company
from mentorsig_invoicing.invoice_document import applied_taxes
from mentorsig_invoicing.label import (
    company_enabled, posting_groups, unnumbered_label)

from . import deposit_rules
from .exceptions import SaleInvoiceError

INVOICEABLE_STATES = {'quotation', 'confirmed', 'processing'}
DEDUCTIBLE_STATES = {'posted', 'paid'}


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    sales_rep = fields.Many2One(
        'company.employee', "Sales Representative", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': ~Eval('state').in_(['draft', 'quotation']),
            },
        help="Put on the invoices of the order.")
    deposit_lines = fields.One2Many(
        'account.invoice.line', 'origin', "Deposit Invoice Lines",
        readonly=True,
        states={
            'invisible': ~Eval('deposit_lines'),
            })
    deposit_amount = fields.Function(Monetary(
            "Invoiced as Deposit", currency='currency', digits='currency',
            help="The deposit invoices of the order not cancelled, "
            "taxes included."),
        'get_invoicing_amounts')
    invoiced_amount = fields.Function(Monetary(
            "Invoiced", currency='currency', digits='currency',
            help="The invoices of the order not cancelled, deposits "
            "included, taxes included."),
        'get_invoicing_amounts')
    amount_to_invoice = fields.Function(Monetary(
            "Remaining to Invoice", currency='currency', digits='currency',
            help="What the invoices of the order do not cover yet, "
            "taxes included."),
        'get_invoicing_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'mentorsig_invoice': {
                    'invisible': ~Eval('state').in_(
                        list(INVOICEABLE_STATES)),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @fields.depends('company', 'sales_rep')
    def on_change_party(self):
        # the company comes from the client: its values are read below
        check_company(self.company)
        super().on_change_party()
        if self.party:
            self.sales_rep = self._mentorsig_default_sales_rep()

    def get_rec_name(self, name):
        # A draft order has no number yet: named as the user knows it
        if (not self.full_number and not self.reference
                and self.id is not None and self.id >= 0
                and company_enabled(self.company)):
            return unnumbered_label(
                self.party, self.sale_date, self.total_amount,
                self.currency)
        return super().get_rec_name(name)

    def _mentorsig_default_sales_rep(self):
        "The customer's sales representative in the sale's company"
        if not self.party or not self.company:
            return None
        return self.party.get_multivalue('sales_rep', company=self.company.id)

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('deposit_lines', None)
        return super().copy(sales, default=default)

    @classmethod
    def quote(cls, sales):
        to_save = []
        for sale in sales:
            if not sale.sales_rep:
                sale.sales_rep = sale._mentorsig_default_sales_rep()
                if sale.sales_rep:
                    to_save.append(sale)
        if to_save:
            cls.save(to_save)
        super().quote(sales)

    @classmethod
    def draft(cls, sales):
        cls._mentorsig_check_not_invoiced(sales)
        super().draft(sales)

    @classmethod
    def cancel(cls, sales):
        if Transaction().context.get('_mentorsig_expire'):
            # An invoiced quotation was accepted: it does not expire
            sales = [s for s in sales if not s._mentorsig_active_invoices()]
        cls._mentorsig_check_not_invoiced(sales)
        super().cancel(sales)

    @classmethod
    def cancel_expired_quotation(cls):
        with Transaction().set_context(_mentorsig_expire=True):
            super().cancel_expired_quotation()

    @classmethod
    def _mentorsig_check_not_invoiced(cls, sales):
        "An order with invoices keeps its lines: they are invoiced"
        for sale in sales:
            if sale.state not in INVOICEABLE_STATES:
                continue
            invoices = sale._mentorsig_active_invoices()
            if invoices:
                raise SaleInvoiceError(gettext(
                        'mentorsig_sale.msg_sale_has_invoices',
                        sale=sale.rec_name,
                        invoices=', '.join(i.rec_name for i in invoices)))

    def get_invoices(self, name):
        invoices = super().get_invoices(name)
        deposits = {l.invoice for l in self.deposit_lines if l.invoice}
        if deposits - set(invoices):
            pool = Pool()
            Invoice = pool.get('account.invoice')
            invoices = Invoice.browse(sorted(
                    {i.id for i in invoices} | {i.id for i in deposits}))
        return invoices

    @classmethod
    def search_invoices(cls, name, clause):
        return ['OR',
            super().search_invoices(name, clause),
            ('deposit_lines.invoice' + clause[0][len(name):], *clause[1:]),
            ]

    @property
    def _invoices_for_state(self):
        # A cancelled deposit was declined, it has nothing to recreate: it
        # does not put the invoicing of the order in exception
        deposits = {l.invoice for l in self.deposit_lines}
        return [i for i in super()._invoices_for_state
            if not (i.state == 'cancelled' and i in deposits)]

    def _mentorsig_active_invoices(self):
        return [i for i in self.invoices
            if i.state != 'cancelled' and i.type == 'out']

    @classmethod
    def get_invoicing_amounts(cls, sales, names):
        result = {n: {} for n in names}
        for sale in sales:
            currency = sale.currency
            invoices = sale._mentorsig_active_invoices()
            deposit = sum((i.total_amount for i in invoices
                    if i.mentorsig_kind == 'deposit'), Decimal(0))
            invoiced = sum((i.total_amount for i in invoices), Decimal(0))
            if all(not l.mentorsig_quantity_to_invoice()
                    for l in sale.line_lines):
                to_invoice = Decimal(0)
            else:
                to_invoice = max(
                    (sale.total_amount or Decimal(0)) - invoiced, Decimal(0))
            values = {
                'deposit_amount': deposit,
                'invoiced_amount': invoiced,
                'amount_to_invoice': to_invoice,
                }
            for name in names:
                result[name][sale.id] = currency.round(values[name])
        return result

    def is_done(self):
        done = super().is_done()
        if done and self.deposit_lines:
            done = all(not l.mentorsig_quantity_to_invoice()
                for l in self.line_lines)
        return done

    @classmethod
    @ModelView.button_action('mentorsig_sale.wizard_sale_invoice')
    def mentorsig_invoice(cls, sales):
        pass

    # Invoicing through the wizard

    @classmethod
    def mentorsig_create_invoices(
            cls, sales, method, ratio=None, amount=None, tax_included=False):
        """Create and return the invoices of the sales for a method:
        'whole', 'balance' or 'deposit' (of ratio, or of a fixed amount
        with or without taxes)"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = []
        for sale in sales:
            sale._mentorsig_check_invoiceable()
            if method == 'deposit':
                invoice = sale._mentorsig_deposit_invoice(
                    ratio=ratio, amount=amount, tax_included=tax_included)
            else:
                invoice = sale._mentorsig_final_invoice(method)
            invoices.append(invoice)
        Invoice.save(invoices)
        for sale, invoice in zip(sales, invoices):
            sale.copy_resources_to(invoice)
        to_process = [s for s in sales if s.state != 'quotation']
        if to_process:
            # The invoice state of the sale follows its invoices
            cls.process(to_process)
        return invoices

    def _mentorsig_check_invoiceable(self):
        if self.state not in INVOICEABLE_STATES:
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_invoice_state',
                    sale=self.rec_name, state=self.state_string))

    def _mentorsig_line_context(self):
        return {
            '_sale_manual_invoice': True,
            '_mentorsig_invoice_ordered': True,
            }

    def _mentorsig_final_invoice(self, method):
        drafts = {l.invoice for l in self.deposit_lines
            if l.invoice and l.invoice.state in {'draft', 'validated'}}
        if drafts:
            groups = posting_groups()
            if groups:
                # A Sales user cannot post: tell them who can
                raise SaleInvoiceError(gettext(
                        'mentorsig_sale.msg_sale_deposit_not_posted_ask',
                        sale=self.rec_name,
                        invoice=', '.join(i.rec_name for i in drafts),
                        groups=', '.join(groups)))
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_deposit_not_posted',
                    sale=self.rec_name,
                    invoice=', '.join(i.rec_name for i in drafts)))
        if method == 'whole':
            invoiced = [l for l in self.line_lines
                if l.mentorsig_invoiced_quantity()]
            if invoiced:
                invoices = {il.invoice for l in invoiced
                    for il in l.invoice_lines
                    if il.invoice and il.invoice.state != 'cancelled'}
                raise SaleInvoiceError(gettext(
                        'mentorsig_sale.msg_sale_invoiced_already',
                        sale=self.rec_name,
                        invoices=', '.join(sorted(
                                i.rec_name for i in invoices))))
        with Transaction().set_context(self._mentorsig_line_context()):
            invoice = self.create_invoice()
        if invoice is None:
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_nothing_to_invoice',
                    sale=self.rec_name))
        invoice.lines = (
            list(invoice.lines) + self._mentorsig_deduction_lines(invoice))
        return invoice

    def _get_invoice(self):
        invoice = super()._get_invoice()
        invoice.sales_rep = (
            self.sales_rep or self._mentorsig_default_sales_rep())
        return invoice

    def _mentorsig_lang(self):
        party = self.invoice_party or self.party
        return party.lang.code if party and party.lang else None

    def _mentorsig_deduction_lines(self, invoice):
        "Lines giving back the posted deposits not deducted yet"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        lines = []
        for deposit_line in self.deposit_lines:
            deposit = deposit_line.invoice
            if (deposit_line.type != 'line' or not deposit
                    or deposit.state not in DEDUCTIBLE_STATES):
                continue
            left = deposit_rules.remaining_to_deduct(
                deposit_line.amount,
                [l.amount for l in deposit_line.deposit_deductions
                    if l.invoice and l.invoice.state != 'cancelled'])
            if not left:
                continue
            with Transaction().set_context(language=self._mentorsig_lang()):
                description = gettext(
                    'mentorsig_sale.msg_sale_deposit_deducted',
                    invoice=deposit.number or deposit.rec_name,
                    rate=rate_label(
                        deposit_line.taxes, deposit_line.tax_date))
            lines.append(InvoiceLine(
                    invoice=invoice,
                    company=invoice.company,
                    currency=invoice.currency,
                    type='line',
                    quantity=-1,
                    unit_price=left,
                    account=deposit_line.account,
                    taxes=deposit_line.taxes,
                    taxes_date=deposit_line.tax_date,
                    description=description,
                    origin=deposit_line,
                    ))
        return lines

    def _mentorsig_tax_groups(self):
        """Return {taxes key: (untaxed base, account, taxes)} of the order
        lines, the account of the largest line of each group"""
        pool = Pool()
        AccountConfiguration = pool.get('account.configuration')
        groups = defaultdict(list)
        for line in self.line_lines:
            if not line.amount:
                continue
            groups[tuple(sorted(t.id for t in line.taxes))].append(line)
        result = {}
        for key, lines in groups.items():
            largest = max(lines, key=lambda l: abs(l.amount))
            if largest.product:
                account = largest.product.account_revenue_used
            else:
                account = AccountConfiguration(1).get_multivalue(
                    'default_category_account_revenue',
                    company=self.company.id)
            result[key] = (
                sum((l.amount for l in lines), Decimal(0)), account,
                largest.taxes)
        return result

    def _mentorsig_tax_function(self, groups):
        "Return tax(key, untaxed) as the invoice computes it"
        pool = Pool()
        Tax = pool.get('account.tax')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        cache = {}

        def tax(key, untaxed):
            if (key, untaxed) not in cache:
                cache[key, untaxed] = sum(
                    (self.currency.round(t['amount'])
                        for t in Tax.compute(
                            list(groups[key][2]), untaxed, 1, today)),
                    Decimal(0))
            return cache[key, untaxed]
        return tax

    def mentorsig_deposit_split(
            self, ratio=None, amount=None, tax_included=False):
        """Return the tax groups of the order, the untaxed deposit of each
        group and the tax function: what a deposit invoice of the order
        would hold; SaleInvoiceError says why it cannot be made"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        groups = self._mentorsig_tax_groups()
        if not groups:
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_deposit_no_line',
                    sale=self.rec_name))
        bases = {k: g[0] for k, g in groups.items()}
        tax = self._mentorsig_tax_function(groups)
        quantum = Decimal(1).scaleb(-self.currency.digits)
        if ratio is not None:
            if not (0 < ratio <= 1):
                raise SaleInvoiceError(gettext(
                        'mentorsig_sale.msg_sale_deposit_percentage',
                        sale=self.rec_name))
            untaxed = deposit_rules.split_percentage(bases, ratio, quantum)
        elif amount is not None and amount > 0:
            if tax_included:
                untaxed = deposit_rules.split_tax_included(
                    bases, amount, tax, quantum)
            else:
                untaxed = deposit_rules.split_untaxed(bases, amount, quantum)
        else:
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_deposit_positive',
                    sale=self.rec_name))
        total = deposit_rules.tax_included(untaxed, tax)
        if total <= 0:
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_deposit_positive',
                    sale=self.rec_name))
        remaining = self.amount_to_invoice
        if total > remaining:
            lang = Lang.get()
            raise SaleInvoiceError(gettext(
                    'mentorsig_sale.msg_sale_deposit_too_big',
                    sale=self.rec_name,
                    amount=lang.currency(total, self.currency),
                    remaining=lang.currency(remaining, self.currency)))
        return groups, untaxed, tax

    def mentorsig_deposit_preview(
            self, ratio=None, amount=None, tax_included=False):
        """Return the text that shows a deposit before it is made: per
        rate, untaxed, tax and total, then the totals; or why it cannot
        be made"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        try:
            groups, untaxed, tax = self.mentorsig_deposit_split(
                ratio=ratio, amount=amount, tax_included=tax_included)
        except SaleInvoiceError as error:
            return error.message
        lang = Lang.get()

        def money(value):
            return lang.currency(value, self.currency)
        lines = []
        for key, value in untaxed.items():
            if not value:
                continue
            lines.append(gettext(
                    'mentorsig_sale.msg_sale_deposit_preview_line',
                    rate=rate_label(groups[key][2]), untaxed=money(value),
                    tax=money(tax(key, value)),
                    total=money(value + tax(key, value))))
        lines.append(gettext(
                'mentorsig_sale.msg_sale_deposit_preview_total',
                untaxed=money(sum(untaxed.values(), Decimal(0))),
                total=money(deposit_rules.tax_included(untaxed, tax))))
        return '\n'.join(lines)

    def _mentorsig_deposit_invoice(
            self, ratio=None, amount=None, tax_included=False):
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Lang = pool.get('ir.lang')
        groups, untaxed, _ = self.mentorsig_deposit_split(
            ratio=ratio, amount=amount, tax_included=tax_included)
        invoice = self._get_invoice()
        invoice.mentorsig_kind = 'deposit'
        lines = []
        with Transaction().set_context(language=self._mentorsig_lang()):
            lang = Lang.get()
            if ratio is not None:
                what = deposit_rules.format_rate(
                    ratio, lang.decimal_point)
            else:
                what = lang.currency(amount, self.currency)
            for key, value in untaxed.items():
                if not value:
                    continue
                _, account, taxes = groups[key]
                lines.append(InvoiceLine(
                        invoice=invoice,
                        company=self.company,
                        currency=self.currency,
                        type='line',
                        quantity=1,
                        unit_price=value,
                        account=account,
                        taxes=taxes,
                        description=gettext(
                            'mentorsig_sale.msg_sale_deposit_line',
                            deposit=what, sale=self.rec_name,
                            rate=rate_label(taxes)),
                        origin=self,
                        ))
        invoice.lines = lines
        return invoice


def rate_label(taxes, date=None):
    """The text of the rate of a set of taxes at a date: '20 %', '5,5 %' or
    their names. Parent taxes (account_fr dates its rates with children)
    count by the children that apply."""
    pool = Pool()
    Lang = pool.get('ir.lang')
    Date = pool.get('ir.date')
    if not taxes:
        return gettext('mentorsig_sale.msg_sale_no_tax')
    applied = applied_taxes(taxes, date or Date.today())
    if applied and all(t.type == 'percentage' for t in applied):
        return deposit_rules.format_rate(
            sum((t.rate for t in applied), Decimal(0)),
            Lang.get().decimal_point)
    return ', '.join(t.rec_name for t in taxes)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    def _get_invoice_line_quantity(self):
        if Transaction().context.get('_mentorsig_invoice_ordered'):
            return self.quantity
        return super()._get_invoice_line_quantity()

    def _get_invoiced_quantity(self):
        if Transaction().context.get('_mentorsig_invoice_ordered'):
            return self.mentorsig_invoiced_quantity()
        return super()._get_invoiced_quantity()

    def get_invoice_line(self):
        lines = super().get_invoice_line()
        if (not Transaction().context.get('_mentorsig_invoice_ordered')
                and self.sale.invoice_method == 'fulfillment'
                and self.quantity and self.quantity > 0
                and not any(
                    m.from_location.type == 'customer' for m in self.moves)):
            # Invoiced ahead of the shipments by the Invoice wizard: a
            # partial shipment gives nothing more to invoice, not a credit
            lines = [l for l in lines if (l.quantity or 0) > 0]
        return lines

    def mentorsig_invoiced_quantity(self):
        "The quantity of the invoices not cancelled, in the line's unit"
        pool = Pool()
        UoM = pool.get('product.uom')
        quantity = 0
        for invoice_line in self.invoice_lines:
            if (invoice_line.type != 'line' or not invoice_line.invoice
                    or invoice_line.invoice.state == 'cancelled'):
                continue
            if self.unit and invoice_line.unit:
                quantity += UoM.compute_qty(
                    invoice_line.unit, invoice_line.quantity, self.unit)
            else:
                quantity += invoice_line.quantity or 0
        return quantity

    def mentorsig_quantity_to_invoice(self):
        "The ordered quantity that no invoice holds (0 when none)"
        if self.type != 'line' or not self.quantity:
            return 0
        left = self.quantity - self.mentorsig_invoiced_quantity()
        if self.unit:
            left = self.unit.round(left)
        if (left > 0) != (self.quantity > 0):
            return 0
        return left

    def mentorsig_invoice_limit(self):
        "The most that the invoices of the line may hold"
        limit = self.quantity or 0
        if self.sale.invoice_method == 'fulfillment':
            shipped = super()._get_invoice_line_quantity() or 0
            if abs(shipped) > abs(limit):
                limit = shipped
        return limit
