# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction

from . import allocation, invoice_order
from .access import RulesBeforeChecksMixin, check_company, check_records
from .posting import SLICE, BulkPostingLineMixin, BulkPostingMixin
from .validation import DeferredValidationMixin
from .credit import available_credit_lines, line_credit
from .exceptions import CreditNoteError, InvoiceDateError, LegalMentionError
from .label import company_enabled, unnumbered_label

KINDS = [
    ('invoice', "Invoice"),
    ('deposit', "Deposit Invoice"),
    ('credit_note', "Credit Note"),
    ]


class Invoice(
        BulkPostingMixin, DeferredValidationMixin, RulesBeforeChecksMixin,
        metaclass=PoolMeta):
    __name__ = 'account.invoice'
    # an invoice's one2many fields are browsed with those of the whole
    # list, whose ids each line checks again: quadratic in the list size
    _deferred_validation_size = SLICE

    mentorsig_kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False,
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="Printed as the title of the document.")
    credited_invoice = fields.Many2One(
        'account.invoice', "Credited Invoice", readonly=True,
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('party', '=', Eval('party', -1)),
            ],
        states={
            'invisible': ~Eval('credited_invoice'),
            },
        help="The invoice this credit note cancels in full or in part.")
    credit_reason = fields.Text(
        "Credit Reason",
        states={
            'invisible': Eval('mentorsig_kind') != 'credit_note',
            'readonly': Eval('state') != 'draft',
            },
        help="Why the customer is credited, printed on the credit note.")
    credit_notes = fields.One2Many(
        'account.invoice', 'credited_invoice', "Credit Notes", readonly=True,
        states={
            'invisible': ~Eval('credit_notes'),
            })
    sales_rep = fields.Many2One(
        'company.employee', "Sales Representative", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="Credited with the invoice in the statistics.")
    amount_paid = fields.Function(Monetary(
            "Amount Paid", currency='currency', digits='currency',
            help="What the invoice's payments and applied credits settled."),
        'get_amount_paid')
    days_overdue = fields.Function(fields.Integer(
            "Days Overdue",
            help="Days since the oldest unpaid due date passed."),
        'get_days_overdue')
    available_credit = fields.Function(Monetary(
            "Available Credit", currency='currency', digits='currency',
            help="The customer's credit notes and overpayments not used "
            "yet, which can pay this invoice."),
        'get_available_credit')
    mentorsig_due_date = fields.Function(fields.Date(
            "Due Date",
            help="The earliest due date not paid yet."),
        'get_mentorsig_due_date', searcher='search_mentorsig_due_date')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {'credit_notes'}
        cls._buttons.update({
                'mentorsig_apply_credit': {
                    'invisible': (
                        (Eval('type') != 'out')
                        | (Eval('state') != 'posted')
                        | ~Eval('available_credit', 0)),
                    'depends': ['type', 'state', 'available_credit'],
                    },
                })

    @classmethod
    def default_mentorsig_kind(cls):
        return 'invoice'

    @classmethod
    def search_rec_name(cls, name, clause):
        # the list's free text finds the customer too
        domain = super().search_rec_name(name, clause)
        return domain + [('party.rec_name', *clause[1:])]

    @classmethod
    def order_untaxed_amount(cls, tables):
        table, _ = tables[None]
        return [invoice_order.untaxed_amount(table)]

    @classmethod
    def order_total_amount(cls, tables):
        table, _ = tables[None]
        return [invoice_order.total_amount(table)]

    @classmethod
    def order_amount_to_pay(cls, tables):
        table, _ = tables[None]
        return [invoice_order.amount_to_pay(table)]

    @classmethod
    def order_mentorsig_due_date(cls, tables):
        table, _ = tables[None]
        return [invoice_order.due_date(table)]

    @classmethod
    def order_days_overdue(cls, tables):
        pool = Pool()
        Date = pool.get('ir.date')
        table, _ = tables[None]
        return [invoice_order.days_overdue(table, Date.today())]

    @classmethod
    def mentorsig_enabled(cls, invoices):
        """The invoices of companies that enabled MentorSiG: the others are
        left to the host's behaviour"""
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        companies = Configuration.enabled_companies(
            {i.company for i in invoices})
        return [i for i in invoices if i.company in companies]

    @property
    def mentorsig_company_enabled(self):
        "Whether the invoice's company enabled MentorSiG"
        return bool(self.company and self.mentorsig_enabled([self]))

    @classmethod
    def default_party(cls):
        # Set by "Invoice" on the customer card; a "default_party" key would
        # also default the party of the lines and of the accounting move
        party = Transaction().context.get('mentorsig_invoice_party')
        if party is not None:
            return party
        return getattr(super(), 'default_party', lambda: None)()

    @classmethod
    def get_amount_to_pay(cls, invoices, name):
        """What is left to pay, or to refund for a credit note: a line of the
        invoice's that *Apply Credit* attached as payment of another invoice
        is spent there, so only what is left of it stays to refund (the host
        counts every unreconciled line until the other invoice is settled)"""
        pool = Pool()
        Currency = pool.get('currency.currency')
        Date = pool.get('ir.date')
        Line = pool.get('account.move.line')
        amounts = super().get_amount_to_pay(invoices, name)
        posted = [i for i in invoices if i.state == 'posted']
        # the invoices they pay, read in one query for the whole list
        open_lines = Line.browse([l.id for i in posted
                for l in i.lines_to_pay if not l.reconciliation])
        paid_invoice = {l.id: l.invoice_payment for l in open_lines}
        for invoice in posted:
            if name == 'amount_to_pay_today':
                with Transaction().set_context(company=invoice.company.id):
                    today = Date.today()
            spent = Decimal(0)
            for line in invoice.lines_to_pay:
                other = paid_invoice.get(line.id)
                if not other or other == invoice:
                    continue
                if (name == 'amount_to_pay_today'
                        and (not line.maturity_date
                            or line.maturity_date > today)):
                    continue
                spent += line.debit - line.credit
            if spent:
                with Transaction().set_context(date=invoice.currency_date):
                    spent = Currency.compute(
                        invoice.company.currency, spent, invoice.currency)
                if invoice.type == 'in':
                    spent *= -1
                amounts[invoice.id] = amounts.get(
                    invoice.id, Decimal(0)) - spent
        return amounts

    @classmethod
    def get_amount_paid(cls, invoices, name):
        amounts = {}
        for invoice in invoices:
            if invoice.state in {'posted', 'paid'}:
                amounts[invoice.id] = (
                    invoice.total_amount - (invoice.amount_to_pay or 0))
            else:
                amounts[invoice.id] = Decimal(0)
        return amounts

    @classmethod
    def get_days_overdue(cls, invoices, name):
        pool = Pool()
        Date = pool.get('ir.date')
        days = {}
        for invoice in invoices:
            days[invoice.id] = 0
            if invoice.state != 'posted':
                continue
            with Transaction().set_context(company=invoice.company.id):
                today = Date.today()
            days[invoice.id] = allocation.days_overdue(
                [l.maturity_date for l in invoice.lines_to_pay
                    if not l.reconciliation], today)
        return days

    @classmethod
    def get_mentorsig_due_date(cls, invoices, name):
        return {
            i.id: min((l.maturity_date for l in i.lines_to_pay
                    if l.maturity_date and not l.reconciliation),
                default=None)
            for i in invoices}

    @classmethod
    def search_mentorsig_due_date(cls, name, clause):
        _, operator, value = clause
        return [('move.lines', 'where', [
                    ('account.type.receivable', '=', True),
                    ('reconciliation', '=', None),
                    ('maturity_date', operator, value),
                    ])]

    @classmethod
    def get_available_credit(cls, invoices, name):
        amounts = {}
        for invoice in invoices:
            amounts[invoice.id] = Decimal(0)
            if (invoice.type != 'out' or invoice.state != 'posted'
                    or invoice.credited_invoice):
                continue
            amounts[invoice.id] = sum(
                (line_credit(l) for l in available_credit_lines(
                        invoice.party, invoice.company, invoice.account)),
                Decimal(0))
        return amounts

    @fields.depends('type', 'company', 'payment_term', 'sales_rep')
    def on_change_party(self):
        # the company comes from the client: its values are read below
        check_company(self.company)
        super().on_change_party()
        if not self.mentorsig_company_enabled:
            return
        if self.type == 'out' and self.party and not self.payment_term:
            self.payment_term = self._mentorsig_default_payment_term()
        if self.type == 'out' and self.party:
            self.sales_rep = self._mentorsig_default_sales_rep()

    def _mentorsig_default_sales_rep(self):
        "The customer's sales representative in the invoice's company"
        if not self.party or not self.company:
            return None
        return self.party.get_multivalue('sales_rep', company=self.company.id)

    def _mentorsig_default_payment_term(self):
        "The payment term of the MentorSiG configuration of the company"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        if not self.company:
            return None
        return Configuration(1).get_multivalue(
            'default_payment_term', company=self.company.id)

    @classmethod
    def _check_legal_mentions(cls, invoices):
        "Refuse out invoices whose company lacks a mandatory mention"
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        checked = {}
        for invoice in invoices:
            if invoice.type != 'out':
                continue
            company = invoice.company
            if company not in checked:
                checked[company] = Configuration.missing_legal_mentions(
                    company)
            missing = checked[company]
            if missing:
                raise LegalMentionError(gettext(
                        'mentorsig_invoicing.msg_invoice_post_legal_mentions',
                        invoice=invoice.rec_name,
                        company=company.rec_name,
                        mentions='; '.join(gettext(
                                'mentorsig_invoicing.msg_legal_mention_'
                                + key) for key in missing)))

    @classmethod
    def _check_not_future(cls, invoices):
        """Refuse a customer invoice dated after today: numbered in date
        order, it would block every invoice dated before it"""
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        for invoice in invoices:
            if invoice.type != 'out' or not invoice.invoice_date:
                continue
            with Transaction().set_context(company=invoice.company.id):
                today = Date.today()
            if invoice.invoice_date > today:
                lang = Lang.get()
                raise InvoiceDateError(gettext(
                        'mentorsig_invoicing.msg_invoice_date_future',
                        invoice=invoice._mentorsig_label(),
                        date=lang.strftime(invoice.invoice_date),
                        today=lang.strftime(today)))

    def _mentorsig_label(self):
        "The invoice as a user knows it: its number, else customer and total"
        if self.number:
            return self.number
        return unnumbered_label(
            self.party, self.invoice_date, self.total_amount or 0,
            self.currency)

    @classmethod
    def mentorsig_open_action(cls, invoices):
        """The action that opens the invoices an Invoice button made: the
        form of the invoice when it made one, their list otherwise"""
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        action = Action.get_action_values('ir.action.act_window', [
                ModelData.get_id('account_invoice', 'act_invoice_out_form')
                ])[0]
        ids = sorted({i.id for i in invoices})
        action['pyson_domain'] = PYSONEncoder().encode([('id', 'in', ids)])
        action['domains'] = []
        if len(ids) == 1:
            action['res_id'] = ids
            action['views'] = sorted(
                action['views'], key=lambda v: v[1] != 'form')
        return action

    def get_rec_name(self, name):
        # Messages (the host's too) name an unnumbered draft as the user
        # knows it rather than by its id
        if (not self.number and not self.reference and self.id is not None
                and self.id >= 0 and company_enabled(self.company)):
            return self._mentorsig_label()
        return super().get_rec_name(name)

    @classmethod
    def _set_default_payment_terms(cls, invoices):
        to_save = []
        for invoice in invoices:
            if (invoice.type == 'out' and not invoice.payment_term
                    and not invoice.move):
                payment_term = invoice._mentorsig_default_payment_term()
                if payment_term:
                    invoice.payment_term = payment_term
                    to_save.append(invoice)
            if invoice.type == 'out' and not invoice.sales_rep:
                sales_rep = invoice._mentorsig_default_sales_rep()
                if sales_rep:
                    invoice.sales_rep = sales_rep
                    if invoice not in to_save:
                        to_save.append(invoice)
        if to_save:
            cls.save(to_save)

    @classmethod
    def _set_kinds(cls, invoices):
        """A negative invoice typed by hand is a credit note: it says what it
        credits (the credited invoice or a reason)"""
        to_save = []
        for invoice in invoices:
            if (invoice.mentorsig_kind == 'invoice'
                    # not computing the total of most invoices
                    and allocation.total_may_be_negative(
                        [(l.quantity, l.unit_price) for l in invoice.lines
                            if l.type == 'line'],
                        [t.amount for t in invoice.taxes])
                    and invoice.total_amount is not None
                    and invoice.total_amount < 0):
                if not invoice.credited_invoice and not (
                        invoice.credit_reason or '').strip():
                    raise CreditNoteError(gettext(
                            'mentorsig_invoicing.msg_credit_note_no_reason',
                            invoice=invoice._mentorsig_label()))
                invoice.mentorsig_kind = 'credit_note'
                to_save.append(invoice)
        if to_save:
            cls.save(to_save)

    @classmethod
    def _set_missing_journals(cls, invoices):
        """Give a journal to the drafts saved without one

        The host fills the journal only in the client's on_change of the
        type; a draft saved before that answer (or made through RPC) has
        none, and posting it failed deep in the move's checks with an
        AttributeError instead of taking the company's journal.
        """
        to_save = []
        for invoice in invoices:
            if not invoice.journal:
                invoice.set_journal()
                if invoice.journal:
                    to_save.append(invoice)
        if to_save:
            cls.save(to_save)

    @classmethod
    def validate_invoice(cls, invoices):
        cls._set_missing_journals(
            [i for i in invoices if i.state == 'draft'])
        cls._check_legal_mentions(cls.mentorsig_enabled(invoices))
        super().validate_invoice(invoices)

    @classmethod
    def post(cls, invoices):
        cls._set_missing_journals(
            [i for i in invoices if i.state in {'draft', 'validated'}])
        enabled = cls.mentorsig_enabled(
            [i for i in invoices if i.state != 'posted'])
        cls._check_legal_mentions(enabled)
        cls._set_default_payment_terms(enabled)
        cls._set_kinds(enabled)
        cls._check_not_future(enabled)
        super().post(invoices)

    @classmethod
    def post_batch(cls, invoices):
        cls._check_legal_mentions(cls.mentorsig_enabled(invoices))
        super().post_batch(invoices)

    @classmethod
    def get_allow_cancel(cls, invoices, name):
        # a column of the invoice list: the configuration is read once for
        # the rows, not once per row
        refused = set(cls.mentorsig_enabled([i for i in invoices
                    if i.type == 'out' and i.state == 'posted']))
        host_allow_cancel = super().get_allow_cancel
        return {i.id: False if i in refused else host_allow_cancel(i, name)
            for i in invoices}

    @classmethod
    def cancel(cls, invoices):
        # before the host's button checks: the refusal names the invoice
        if Transaction().check_access:
            check_records(invoices, mode='write')
        for invoice in cls.mentorsig_enabled(invoices):
            if (invoice.type == 'out'
                    and invoice.move and invoice.move.state == 'posted'
                    and not invoice.cancel_move):
                raise CreditNoteError(gettext(
                        'mentorsig_invoicing.msg_invoice_cancel_credit_note',
                        invoice=invoice.rec_name))
        super().cancel(invoices)

    def _credit(self, **values):
        quantities = values.pop('mentorsig_quantities', None)
        credit = super()._credit(**values)
        credit.mentorsig_kind = 'credit_note'
        credit.credited_invoice = self
        credit.sales_rep = self.sales_rep
        if quantities is not None:
            lines = []
            for line in credit.lines:
                quantity = quantities.get(line.origin.id) if line.origin else 0
                if quantity:
                    line.quantity = -quantity
                    lines.append(line)
            credit.lines = lines
        return credit

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('credited_invoice', None)
        default.setdefault('credit_notes', None)
        default.setdefault('credit_reason', None)
        return super().copy(invoices, default=default)

    @classmethod
    @ModelView.button_action('mentorsig_invoicing.wizard_apply_credit')
    def mentorsig_apply_credit(cls, invoices):
        pass

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="days_overdue"]', 'visual',
                If(Eval('days_overdue', 0) > 0, 'danger', '')),
            ]


class InvoiceLine(
        BulkPostingLineMixin, RulesBeforeChecksMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @fields.depends('unit_price', 'quantity', 'currency', 'company',
        'description', '_parent_invoice.currency',
        '_parent_invoice.invoice_date', '_parent_invoice.company')
    def on_change_product(self):
        self._mentorsig_check_client_records()
        super().on_change_product()
        if (self.product and self._mentorsig_company_enabled()
                and (self.invoice.type if self.invoice
                    else self.invoice_type) == 'out'):
            # The host leaves the price and the description of a customer
            # line to the user; the documents that set them (sale,
            # contract, intervention) set them first
            if self.unit_price is None:
                self.unit_price = self._mentorsig_sale_price()
            if not self.description:
                self.description = self._mentorsig_product_description()

    @fields.depends('product', 'account', 'description', 'invoice',
        'invoice_type', '_parent_invoice.type', '_parent_invoice.company',
        'company', methods=['on_change_account'])
    def on_change_description(self):
        self._mentorsig_check_client_records()
        # A free line (no product) of a customer invoice takes the default
        # revenue account of the accounting configuration, and the taxes of
        # that account, as soon as it is described: the host leaves both
        # empty and refuses to save the line
        type_ = self.invoice.type if self.invoice else self.invoice_type
        if (not self.product and not self.account and self.description
                and type_ == 'out' and self._mentorsig_company_enabled()):
            account = self._mentorsig_free_line_account()
            if account:
                self.account = account
                self.on_change_account()

    def _mentorsig_check_client_records(self):
        "The invoice and company of an on_change come from the client"
        invoice = self.invoice
        if invoice and invoice.id is not None and invoice.id >= 0:
            check_records([invoice])
        elif invoice:
            check_company(getattr(invoice, 'company', None))
        check_company(self.company)

    def _mentorsig_company_enabled(self):
        pool = Pool()
        Configuration = pool.get('mentorsig.configuration')
        company = self.invoice.company if self.invoice else self.company
        return bool(Configuration.enabled_companies([company]))

    def _mentorsig_free_line_account(self):
        "The account of a customer line without product"
        pool = Pool()
        Configuration = pool.get('account.configuration')
        company = self.invoice.company if self.invoice else self.company
        return Configuration(1).get_multivalue(
            'default_category_account_revenue',
            company=company.id if company else None)

    def _mentorsig_product_description(self):
        "The product's description in the customer's language"
        pool = Pool()
        Product = pool.get('product.product')
        party = self.invoice.party if self.invoice else self.party
        context = {}
        if party and party.lang:
            context['language'] = party.lang.code
        with Transaction().set_context(**context):
            return Product(self.product.id).description

    def _mentorsig_sale_price(self):
        "The product's sale price in the line's unit and currency"
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        invoice = self.invoice
        currency = invoice.currency if invoice else self.currency
        company = invoice.company if invoice else self.company
        party = invoice.party if invoice else self.party
        context = {
            'uom': self.unit.id if self.unit else None,
            'currency': currency.id if currency else None,
            'company': company.id if company else None,
            'customer': party.id if party else None,
            'sale_date': invoice.invoice_date if invoice else None,
            }
        if hasattr(Product, 'get_sale_price'):  # sale is activated
            with Transaction().set_context(**context):
                price = Product.get_sale_price(
                    [self.product], abs(self.quantity or 0))[self.product.id]
        else:
            price = self.product.list_price_used
            if price is not None and self.unit:
                price = Uom.compute_price(
                    self.product.default_uom, price, self.unit)
            if (price is not None and currency and company
                    and company.currency != currency):
                price = Currency.compute(company.currency, price, currency)
        return round_price(price) if price is not None else None

    def credited_quantity(self):
        "The quantity already credited by credit notes not cancelled"
        pool = Pool()
        Line = pool.get('account.invoice.line')
        lines = Line.search([
                ('origin', '=', str(self)),
                ('invoice.state', '!=', 'cancelled'),
                ('invoice.credited_invoice', '!=', None),
                ])
        return sum((-l.quantity for l in lines if l.quantity), 0)
