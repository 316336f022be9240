# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Invoicing of contracts (the host's sale_subscription).

The host already does the invoicing: consumptions are generated for each
period of a contract line, and "Create Invoice" (wizard and cron) turns the
consumptions not invoiced yet into invoice lines whose origin is the
contract line; a consumption keeps its invoice line and cannot be changed
or deleted any more.  MentorSiG adds:

- an "Invoice" button on the contract, which invoices the due periods of
  that contract only and says clearly when there is nothing to invoice
  (the second click for the same period is refused);
- a contract option to post the invoices created for it, by the button and
  by the host's wizard and cron alike, when who runs them may post (a Sales
  user leaves drafts for accounting);
- a consumption is refused for a period of a contract line that is already
  invoiced (the host lets one be typed by hand);
- the contract shows its invoices and the amount still to invoice;
- the Invoice button opens the invoice it made.

Catching up (a contract whose periods lie in the past), for the companies
that enabled MentorSiG: the host dates the invoice on the first period due
and groups every consumption of a line into one line ("quantity 3"); the
host's chronological numbering then refuses to post it after invoices of
later dates.  MentorSiG makes one invoice dated today with one line per
missed invoice date (the consumptions an on-time run would have billed
then), each line stating its service period in its note, printed under
the description on the PDF and in the Factur-X line note (BT-127).  One
invoice rather than one per period: every invoice would be dated today
anyway (numbering must follow the dates), the French rules (CGI art. 242
nonies A) ask for the date of the service on the invoice when it differs
from the invoice date, not for an invoice per period, and the customer
gets one document, one payment and one email instead of several.
"""
import datetime
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access

from mentorsig_invoicing.label import company_enabled

from .exceptions import SubscriptionInvoiceError


# The context key that narrows the searches of contracts, their lines and
# consumptions to the contracts invoiced by the Invoice button
NARROWED = '_mentorsig_invoiced_subscriptions'


def service_period(starts, next_start, end_date=None):
    """The period that consumptions starting on the dates `starts` cover:
    from the first start to the day before the start that follows the last
    one (`next_start(date)`, None when there is none), within end_date"""
    first, last = min(starts), max(starts)
    following = next_start(last)
    until = following - datetime.timedelta(1) if following else None
    if end_date and (until is None or until > end_date):
        until = end_date
    return first, max(until or last, last)


def search_narrowed(domain, path):
    """The domain, restricted to the contracts of the context's NARROWED
    key when it is set (path: from the model searched to the contract)"""
    ids = Transaction().context.get(NARROWED)
    if ids is None:
        return domain
    return [domain, (path, 'in', ids)]


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    post_invoices = fields.Boolean(
        "Post Invoices Automatically",
        help="Post the invoices of the contract as soon as they are created "
        "instead of leaving them as drafts.")
    mentorsig_invoices = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Invoices",
            help="The invoices of the contract's periods."),
        'get_mentorsig_invoices')
    amount_to_invoice = fields.Function(Monetary(
            "Amount to Invoice", currency='currency', digits='currency',
            help="What the Invoice button bills today: the periods due "
            "and not invoiced yet, excluding taxes."),
        'get_amount_to_invoice')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'mentorsig_invoice': {
                    'invisible': ~Eval('state').in_(['running', 'closed']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_post_invoices(cls):
        return False

    @classmethod
    def _mentorsig_consumptions(cls, subscriptions, domain=None):
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        return Consumption.search([
                ('line.subscription', 'in', [s.id for s in subscriptions]),
                ] + (domain or []),
            order=[('date', 'ASC'), ('id', 'ASC')])

    @classmethod
    def get_mentorsig_invoices(cls, subscriptions, name):
        invoices = {s.id: set() for s in subscriptions}
        for consumption in cls._mentorsig_consumptions(
                subscriptions, [('invoice_line', '!=', None)]):
            invoice = consumption.invoice_line.invoice
            if invoice:
                invoices[consumption.line.subscription.id].add(invoice.id)
        return {k: sorted(v) for k, v in invoices.items()}

    @classmethod
    def get_amount_to_invoice(cls, subscriptions, name):
        """What the next Invoice click bills today: nothing before the next
        invoice date, else the consumptions not invoiced yet and the periods
        due that the host has not consumed yet"""
        pool = Pool()
        Date = pool.get('ir.date')
        amounts = defaultdict(Decimal)
        due = {}
        for subscription in subscriptions:
            with Transaction().set_context(company=subscription.company.id):
                today = Date.today()
            if (subscription.state in {'running', 'closed'}
                    and subscription.next_invoice_date
                    and subscription.next_invoice_date <= today):
                due[subscription.id] = today
        for consumption in cls._mentorsig_consumptions(
                [s for s in subscriptions if s.id in due],
                [('invoice_line', '=', None)]):
            line = consumption.line
            if consumption.date <= due[line.subscription.id]:
                amounts[line.subscription.id] += (
                    Decimal(str(consumption.quantity or 0))
                    * (line.unit_price or 0))
        for subscription in subscriptions:
            if subscription.id not in due or subscription.state != 'running':
                continue
            for line in subscription.lines:
                amounts[subscription.id] += (
                    Decimal(str(line.mentorsig_quantity_due(
                                due[subscription.id])))
                    * (line.unit_price or 0))
        return {
            s.id: s.currency.round(amounts[s.id]) for s in subscriptions}

    @classmethod
    def generate_invoice(cls, date=None):
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        company_id = Transaction().context.get('company', -1)
        pending = Consumption.search([
                ('invoice_line', '=', None),
                ('line.subscription.company', '=', company_id),
                ('line.subscription.post_invoices', '=', True),
                ])
        super().generate_invoice(date=date)
        cls._mentorsig_post(Consumption.browse(pending))

    @classmethod
    def _mentorsig_post(cls, consumptions):
        "Post the invoices just created for contracts that ask for it"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = {
            c.invoice_line.invoice for c in consumptions
            if c.invoice_line and c.invoice_line.invoice
            and c.line.subscription.post_invoices}
        invoices = [i for i in invoices if i.state == 'draft']
        if invoices and cls._mentorsig_may_post():
            Invoice.post(invoices)

    @classmethod
    def _mentorsig_may_post(cls):
        """Whether the user who invoices may post: automatic posting is not
        a way around the groups of the invoice's Post button (a Sales user
        leaves drafts for accounting); the scheduler (root) posts with the
        company's rules"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        if not Transaction().user:
            return True
        groups = Button.get_groups('account.invoice', 'post')
        if groups and not (groups & set(User.get_groups())):
            return False
        # checked as for the user's own call, whatever the caller's mode
        with check_access():
            return ModelAccess.check(
                'account.invoice', 'write', raise_exception=False)

    @classmethod
    @ModelView.button
    def mentorsig_invoice(cls, subscriptions, date=None):
        """Invoice the periods of the contracts due on date (today)

        The host's generate_consumption and generate_invoice do the work,
        narrowed to these contracts by the context (see search_narrowed):
        they work on every contract of the company otherwise.
        """
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Date = pool.get('ir.date')
        Invoice = pool.get('account.invoice')
        Line = pool.get('sale.subscription.line')
        if date is None:
            date = Date.today()
        by_company = defaultdict(list)
        for subscription in subscriptions:
            by_company[subscription.company.id].append(subscription)
        invoiced = []
        for company, company_subscriptions in by_company.items():
            with Transaction().set_context(
                    company=company, **{NARROWED: [
                            s.id for s in company_subscriptions]}):
                Line.generate_consumption(date)
                for subscription in cls.browse(company_subscriptions):
                    if not (subscription.next_invoice_date
                            and subscription.next_invoice_date <= date
                            and cls._mentorsig_consumptions([subscription], [
                                    ('invoice_line', '=', None),
                                    ('date', '<=', date),
                                    ])):
                        subscription._mentorsig_raise_nothing_to_invoice(
                            date)
                invoiced += cls._mentorsig_consumptions(
                    company_subscriptions, [('invoice_line', '=', None)])
                cls.generate_invoice(date)
        invoices = {
            c.invoice_line.invoice for c in Consumption.browse(invoiced)
            if c.invoice_line and c.invoice_line.invoice}
        if invoices and Invoice.mentorsig_enabled(list(invoices)):
            # The click shows what it made
            return Invoice.mentorsig_open_action(invoices)

    @classmethod
    def search(cls, domain, *args, **kwargs):
        return super().search(
            search_narrowed(domain, 'id'), *args, **kwargs)

    def _mentorsig_raise_nothing_to_invoice(self, date):
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        invoiced = self._mentorsig_consumptions(
            [self], [('invoice_line', '!=', None)])
        next_date = self.next_invoice_date
        if invoiced:
            last = invoiced[-1]
            until = max(
                (l.consumed_until for l in self.lines if l.consumed_until),
                default=last.date)
            invoice = last.invoice_line.invoice
            raise SubscriptionInvoiceError(gettext(
                    'mentorsig_sale_subscription.msg_subscription_already_invoiced',
                    subscription=self.rec_name,
                    until=lang.strftime(until),
                    invoice=invoice.rec_name if invoice else '',
                    next_date=(
                        lang.strftime(next_date) if next_date else '-')))
        raise SubscriptionInvoiceError(gettext(
                'mentorsig_sale_subscription.msg_subscription_nothing_due',
                subscription=self.rec_name,
                date=lang.strftime(date),
                next_date=lang.strftime(next_date) if next_date else '-'))

    def _get_invoice(self):
        pool = Pool()
        Date = pool.get('ir.date')
        invoice = super()._get_invoice()
        if company_enabled(self.company):
            with Transaction().set_context(company=self.company.id):
                today = Date.today()
            # Dated on a past period, it could not be numbered after the
            # invoices posted since: the lines state their periods instead
            if invoice.invoice_date and invoice.invoice_date < today:
                invoice.invoice_date = today
        return invoice

    @classmethod
    def copy(cls, subscriptions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('post_invoices')
        return super().copy(subscriptions, default=default)


class SubscriptionLine(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line'

    def mentorsig_quantity_due(self, date):
        """The quantity the host's generate_consumption would consume for
        the line by date, computed by its own steps on an unsaved copy"""
        probe = self.__class__(self.id)
        quantity = 0
        while (probe.consumption_recurrence and probe.next_consumption_date
                and probe.get_next_consumption_date_delayed() <= date):
            consumption = probe.get_consumption(probe.next_consumption_date)
            if consumption:
                quantity += consumption.quantity or 0
            probe.next_consumption_date = (
                probe.compute_next_consumption_date())
        return quantity

    def mentorsig_next_consumption(self, date):
        "The start of the consumption period after the one starting on date"
        if not self.consumption_recurrence:
            return None
        rruleset = self.consumption_recurrence.rruleset(self.start_date)
        following = rruleset.after(
            datetime.datetime.combine(date, datetime.time()), inc=False)
        return following.date() if following else None

    def mentorsig_invoice_date_of(self, date):
        """The invoice date of the contract that bills a consumption of
        date: the first one on or after it"""
        subscription = self.subscription
        if not subscription.invoice_recurrence:
            return None
        rruleset = subscription.invoice_recurrence.rruleset(
            subscription.invoice_start_date or subscription.start_date)
        invoice_date = rruleset.after(
            datetime.datetime.combine(date, datetime.time()), inc=True)
        return invoice_date.date() if invoice_date else None

    @classmethod
    def search(cls, domain, *args, **kwargs):
        return super().search(
            search_narrowed(domain, 'subscription'), *args, **kwargs)


class SubscriptionLineConsumption(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line.consumption'

    @classmethod
    def search(cls, domain, *args, **kwargs):
        return super().search(
            search_narrowed(domain, 'line.subscription'), *args, **kwargs)

    @classmethod
    def get_invoice_lines(cls, consumptions, invoice):
        """One line per invoice date the consumptions were due on, each
        stating its service period (see the module's docstring)"""
        if not company_enabled(invoice.company):
            return super().get_invoice_lines(consumptions, invoice)

        def invoice_date(consumption):
            return (consumption.line.mentorsig_invoice_date_of(
                    consumption.date) or datetime.date.max)
        lines, grouped = [], []
        for _, due in groupby(
                sorted(consumptions, key=invoice_date), key=invoice_date):
            due_lines, due_grouped = super().get_invoice_lines(
                list(due), invoice)
            for line, line_consumptions in zip(due_lines, due_grouped):
                line.note = cls._mentorsig_period_note(
                    line_consumptions, invoice)
            lines += due_lines
            grouped += due_grouped
        return lines, grouped

    @classmethod
    def _mentorsig_period_note(cls, consumptions, invoice):
        "The service period of the consumptions, in the customer's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        line = consumptions[0].line
        end_dates = [d for d in [line.end_date, line.subscription.end_date]
            if d]
        start, end = service_period(
            [c.date for c in consumptions], line.mentorsig_next_consumption,
            min(end_dates, default=None))
        code = invoice.party.lang.code if invoice.party.lang else None
        lang = Lang.get(code)
        with Transaction().set_context(language=lang.code):
            return gettext(
                'mentorsig_sale_subscription.msg_service_period',
                start=lang.strftime(start), end=lang.strftime(end))

    @classmethod
    def validate_fields(cls, consumptions, field_names):
        super().validate_fields(consumptions, field_names)
        cls.check_period_invoiced_once(consumptions, field_names)

    @classmethod
    def check_period_invoiced_once(cls, consumptions, field_names=None):
        "Refuse a consumption of a period of a line that is invoiced already"
        pool = Pool()
        Lang = pool.get('ir.lang')
        if field_names and not (field_names & {'line', 'date'}):
            return
        for consumption in consumptions:
            others = cls.search([
                    ('id', '!=', consumption.id),
                    ('line', '=', consumption.line.id),
                    ('date', '=', consumption.date),
                    ('invoice_line', '!=', None),
                    ], limit=1)
            if others:
                other, = others
                lang = Lang.get()
                invoice = other.invoice_line.invoice
                raise SubscriptionInvoiceError(gettext(
                        'mentorsig_sale_subscription.msg_subscription_period_invoiced',
                        date=lang.strftime(consumption.date),
                        line=consumption.line.rec_name,
                        invoice=invoice.rec_name if invoice else ''))
