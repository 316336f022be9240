# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Recurring invoice templates: an invoice that repeats

A template holds what each invoice gets (customer, lines, payment term,
sales rep, notes), how often (every n days, weeks, months or years from a
start date, until an end date or a number of invoices) and what generation
does with the invoice: leave a draft, post it, or post and email it (with
mentorsig_invoice_email).  Generation itself is in generation.py.
"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from mentorsig_invoicing.access import check_company

from . import recurrence
from .exceptions import RecurringGenerationError, RecurringTemplateError
from .generation import GenerationMixin

FREQUENCIES = [
    ('daily', "Days"),
    ('weekly', "Weeks"),
    ('monthly', "Months"),
    ('yearly', "Years"),
    ]
STATES = [
    ('draft', "Draft"),
    ('running', "Running"),
    ('suspended', "Suspended"),
    ('finished', "Finished"),
    ]
GENERATIONS = [
    ('draft', "Leave a Draft"),
    ('post', "Post"),
    ]  # + ('email', "Post and Email") with mentorsig_invoice_email
PREVIEW = 12

_editable = {
    'readonly': Eval('state') == 'finished',
    }


class RecurringTemplate(GenerationMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'mentorsig.recurring.template'
    __string__ = "Recurring Invoice"

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    name = fields.Char(
        "Name", required=True, states=_editable,
        help="What the template bills, as the users know it.")
    party = fields.Many2One(
        'party.party', "Customer", required=True, states=_editable,
        context={
            'company': Eval('company', -1),
            }, depends={'company'})
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, states=_editable)
    payment_term = fields.Many2One(
        'account.invoice.payment_term', "Payment Term",
        ondelete='RESTRICT', states=_editable,
        help="Empty: the customer's payment term.")
    sales_rep = fields.Many2One(
        'company.employee', "Sales Representative", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ], states=_editable)
    comment = fields.Text(
        "Notes", states=_editable,
        help="Printed on every invoice, under its period.")
    lines = fields.One2Many(
        'mentorsig.recurring.template.line', 'template', "Lines",
        states=_editable)
    frequency = fields.Selection(
        FREQUENCIES, "Every", required=True, sort=False, states=_editable)
    interval = fields.Integer(
        "Interval", required=True, states=_editable,
        domain=[('interval', '>=', 1)],
        help="Every how many days, weeks, months or years.")
    start_date = fields.Date(
        "Start Date", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The first invoice date.  A month end is kept: from 31 "
        "January, the invoices are dated 28 (or 29) February, 31 March...")
    next_date = fields.Date(
        "Next Invoice Date", readonly=True,
        help="The first period not invoiced yet.")
    end_date = fields.Date(
        "End Date", states=_editable,
        domain=[If(Bool(Eval('end_date')),
                ('end_date', '>=', Eval('start_date')), ())],
        help="No invoice after this date; the last period ends on it.")
    max_count = fields.Integer(
        "Number of Invoices", states=_editable,
        domain=[If(Bool(Eval('max_count')), ('max_count', '>=', 1), ())],
        help="Empty: no limit.")
    generation = fields.Selection(
        GENERATIONS, "Generation", required=True, sort=False,
        states=_editable,
        help="What the scheduler does with each invoice it makes.")
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    suspended_on = fields.Date("Suspended on", readonly=True)
    invoices = fields.One2Many(
        'account.invoice', 'recurring_template', "Invoices", readonly=True,
        order=[('recurring_period_start', 'DESC')])
    invoice_count = fields.Function(
        fields.Integer("Invoices Made"), 'get_invoice_count')
    preview = fields.Function(fields.Text(
            "Next Dates",
            help="The next invoice dates and their periods."),
        'get_preview')
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency',
            help="Excluding taxes, at the fixed prices of the lines."),
        'get_amount')
    error = fields.Text(
        "Last Error", readonly=True,
        states={
            'invisible': ~Eval('error'),
            },
        help="Why the last generation failed for this template; the "
        "others went on.")
    error_at = fields.Timestamp(
        "Last Error at", readonly=True,
        states={
            'invisible': ~Eval('error'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('next_date', 'ASC NULLS LAST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'suspended'),
            ('suspended', 'running'),
            ('running', 'finished'),
            ('suspended', 'finished'),
            ('running', 'draft'),
            }
        cls._buttons.update({
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~((Eval('state') == 'running')
                        & ~Eval('invoice_count', 0)),
                    'icon': 'tryton-back',
                    'depends': ['state', 'invoice_count'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'generate_now': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = cls.default_company()
        if company is not None and company >= 0:
            return Company(company).currency.id

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_frequency():
        return 'monthly'

    @staticmethod
    def default_interval():
        return 1

    @staticmethod
    def default_generation():
        return 'post'

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('party', 'company', 'payment_term', 'sales_rep')
    def on_change_party(self):
        # the company comes from the client: the customer's terms and
        # sales rep of another company are not read for it
        check_company(self.company)
        if not self.party:
            return
        if not self.payment_term and self.company:
            self.payment_term = self.party.get_multivalue(
                'customer_payment_term', company=self.company.id)
        if not self.sales_rep and self.company:
            self.sales_rep = self.party.get_multivalue(
                'sales_rep', company=self.company.id)

    def get_invoice_count(self, name):
        return len(self.invoices)

    def get_amount(self, name):
        return self.currency.round(sum(
                (l.amount or Decimal(0) for l in self.lines), Decimal(0)))

    def _recurrence(self):
        "The arguments of the recurrence functions"
        return dict(
            start=self.start_date, frequency=self.frequency,
            interval=self.interval or 1, end_date=self.end_date)

    @property
    def remaining(self):
        "How many invoices the template may still make, None: no limit"
        if not self.max_count:
            return None
        return max(self.max_count - len(self.invoices), 0)

    def get_preview(self, name):
        pool = Pool()
        Lang = pool.get('ir.lang')
        if self.state == 'finished' or not self.start_date:
            return ''
        lang = Lang.get()
        next_date = self.next_date or self.start_date
        remaining = self.remaining
        limit = PREVIEW if remaining is None else min(PREVIEW, remaining)
        dates = recurrence.invoice_dates(
            after=next_date, limit=limit, **self._recurrence())
        lines = []
        for date in dates:
            start, end = recurrence.period_of(date, **self._recurrence())
            lines.append(gettext(
                    'mentorsig_recurring.msg_preview_line',
                    date=lang.strftime(date),
                    start=lang.strftime(start), end=lang.strftime(end)))
        return '\n'.join(lines)

    @classmethod
    def from_invoice(cls, invoice):
        """A draft template that repeats the invoice every month from a
        month after its date"""
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('mentorsig.recurring.template.line')
        with Transaction().set_context(company=invoice.company.id):
            today = Date.today()
        date = invoice.invoice_date or today
        lines = [l for l in invoice.lines if l.type == 'line']
        template = cls(
            company=invoice.company, party=invoice.party,
            currency=invoice.currency, payment_term=invoice.payment_term,
            sales_rep=invoice.sales_rep, comment=invoice.comment,
            frequency='monthly', interval=1, generation='post',
            state='draft')
        template.name = (invoice.description
            or (lines[0].description if lines else None)
            or invoice.party.rec_name)
        template.start_date = recurrence.following_date(
            date, date, 'monthly')
        template.lines = [Line(
                sequence=l.sequence, product=l.product,
                description=l.description, quantity=l.quantity,
                unit=l.unit, price='fixed', unit_price=l.unit_price,
                account=None if l.product else l.account)
            for l in lines]
        return template

    @classmethod
    def validate(cls, templates):
        super().validate(templates)
        for template in templates:
            template.check_lines()

    def check_lines(self):
        if self.state != 'draft' and not self.lines:
            raise RecurringTemplateError(gettext(
                    'mentorsig_recurring.msg_template_no_line',
                    template=self.rec_name))

    @classmethod
    def copy(cls, templates, default=None):
        default = default.copy() if default is not None else {}
        for name in ('invoices', 'next_date', 'suspended_on', 'error',
                'error_at'):
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(templates, default=default)

    @classmethod
    def delete(cls, templates):
        for template in templates:
            if template.invoices:
                raise RecurringTemplateError(gettext(
                        'mentorsig_recurring.msg_template_delete_invoiced',
                        template=template.rec_name))
        super().delete(templates)

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, templates):
        for template in templates:
            if not template.lines:
                raise RecurringTemplateError(gettext(
                        'mentorsig_recurring.msg_template_no_line',
                        template=template.rec_name))
            if not template.next_date:
                template.next_date = template.start_date
            template.suspended_on = None
        cls.save(templates)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, templates):
        cls.write(templates, {'next_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('suspended')
    def suspend(cls, templates):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(templates, {'suspended_on': Date.today()})

    @classmethod
    @ModelView.button_action('mentorsig_recurring.wizard_template_resume')
    def resume(cls, templates):
        pass

    @classmethod
    def resume_templates(cls, templates, bill_gap):
        """Run the suspended templates again; the periods skipped meanwhile
        are billed by the next generation when bill_gap, else skipped"""
        pool = Pool()
        Date = pool.get('ir.date')
        for template in templates:
            if template.state != 'suspended':
                continue
            with Transaction().set_context(company=template.company.id):
                today = Date.today()
            template.next_date = recurrence.resume_date(
                today, template.next_date, bill_gap=bill_gap,
                **template._recurrence())
            template.suspended_on = None
            template.state = 'running' if template.next_date else 'finished'
        cls.save(templates)

    def skipped_periods(self, date):
        "The periods a resumption on date without the gap skips"
        if not self.next_date:
            return []
        return recurrence.due_periods(
            next_date=self.next_date, today=date - dt.timedelta(1),
            remaining=self.remaining, **self._recurrence())

    @classmethod
    @ModelView.button
    def generate_now(cls, templates):
        """Generate what is due today for these templates, as the scheduler
        does; open the invoices made"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = cls.generate([t for t in templates
                if t.state == 'running'], interactive=True)
        if not invoices:
            template, = templates[:1] or [None]
            raise RecurringTemplateError(gettext(
                    'mentorsig_recurring.msg_nothing_due',
                    template=template.rec_name if template else '',
                    next_date=(Pool().get('ir.lang').get().strftime(
                            template.next_date)
                        if template and template.next_date else '-')))
        return Invoice.mentorsig_open_action(invoices)


class RecurringTemplateLine(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'mentorsig.recurring.template.line'
    __string__ = "Recurring Invoice Line"

    template = fields.Many2One(
        'mentorsig.recurring.template', "Template", required=True,
        ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT')
    description = fields.Text("Description")
    quantity = fields.Float(
        "Quantity", digits='unit', required=True)
    unit = fields.Many2One(
        'product.uom', "Unit", ondelete='RESTRICT',
        states={
            'required': Bool(Eval('product')),
            })
    price = fields.Selection([
            ('fixed', "Fixed"),
            ('product', "Product's Price"),
            ], "Price", required=True, sort=False,
        help="Fixed: the unit price below.  Product's price: the product's "
        "list price on the day each invoice is made.")
    unit_price = Monetary(
        "Unit Price", currency='currency', digits='currency',
        states={
            'required': Eval('price') == 'fixed',
            'invisible': Eval('price') != 'fixed',
            })
    account = fields.Many2One(
        'account.account', "Account", ondelete='RESTRICT',
        domain=[
            ('type.revenue', '=', True),
            ('company', '=', Eval('_parent_template', {}).get(
                    'company', -1)),
            ],
        states={
            'required': ~Eval('product'),
            'invisible': Bool(Eval('product')),
            },
        help="The revenue account of a line without product; its default "
        "taxes apply.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency'),
        'on_change_with_amount')

    @staticmethod
    def default_quantity():
        return 1

    @staticmethod
    def default_price():
        return 'fixed'

    @fields.depends('template', '_parent_template.currency')
    def on_change_with_currency(self, name=None):
        return self.template.currency if self.template else None

    @fields.depends('quantity', 'unit_price', 'price',
        methods=['on_change_with_currency'])
    def on_change_with_amount(self, name=None):
        if self.price != 'fixed' or self.unit_price is None:
            return None
        amount = Decimal(str(self.quantity or 0)) * self.unit_price
        currency = self.on_change_with_currency()
        return currency.round(amount) if currency else amount

    @fields.depends('product', 'unit', 'description', 'unit_price')
    def on_change_product(self):
        if not self.product:
            return
        if not self.unit or self.unit.category != (
                self.product.default_uom.category):
            self.unit = self.product.default_uom
        if not self.description:
            self.description = self.product.name
        if self.unit_price is None:
            self.unit_price = self.product.list_price_used

    def get_rec_name(self, name):
        return self.description or (
            self.product.rec_name if self.product else str(self.id))

    def _get_invoice_line(self, invoice, template):
        "The invoice line of this line, on the invoice being made"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        # the product's accounts and taxes are the line's company's
        line = InvoiceLine(type='line', invoice=invoice,
            company=invoice.company, currency=invoice.currency)
        line.on_change_invoice()
        line.description = self.description
        line.quantity = self.quantity
        if self.product:
            line.product = self.product
            line.unit = self.unit
            line.on_change_product()
            if not line.account:
                raise RecurringGenerationError(gettext(
                        'mentorsig_recurring.msg_product_no_account',
                        template=template.rec_name,
                        product=self.product.rec_name))
            if self.unit:
                line.unit = self.unit
        else:
            line.account = self.account
            line.on_change_account()
        if self.price == 'product' and self.product:
            with Transaction().set_context(company=template.company.id):
                line.unit_price = self.product.list_price_used
        else:
            line.unit_price = self.unit_price
        return line


class ResumeStart(ModelView):
    __name__ = 'mentorsig.recurring.template.resume.start'
    __string__ = "Resume Recurring Invoice"

    bill_gap = fields.Boolean(
        "Bill the Skipped Periods",
        help="Checked: the next generation invoices the periods of the "
        "suspension, each on its own invoice.  Unchecked: they are not "
        "invoiced and the template resumes at its next date.")
    skipped = fields.Text("Skipped Periods", readonly=True)


class Resume(Wizard):
    __name__ = 'mentorsig.recurring.template.resume'
    start = StateView(
        'mentorsig.recurring.template.resume.start',
        'mentorsig_recurring.template_resume_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Resume", 'resume', 'tryton-ok', default=True),
            ])
    resume = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        lines = []
        for template in self.records:
            with Transaction().set_context(company=template.company.id):
                today = Date.today()
            for start, end in template.skipped_periods(today):
                lines.append(gettext(
                        'mentorsig_recurring.msg_skipped_line',
                        template=template.rec_name,
                        start=lang.strftime(start), end=lang.strftime(end)))
        return {
            'bill_gap': False,
            'skipped': '\n'.join(lines),
            }

    def transition_resume(self):
        self.model.resume_templates(list(self.records), self.start.bill_gap)
        return 'end'
