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
  by the host's wizard and cron alike;
- a consumption is refused for a period of a contract line that is already
  invoiced (the host lets one be typed by hand);
- the contract shows its invoices and the amount still to invoice.
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
from trytond.transaction import Transaction

from .exceptions import SubscriptionInvoiceError


class Subscription(metaclass=PoolMeta):
    __name__ = 'sale.subscription'

    mentorsig_post_invoices = fields.Boolean(
        "Post Invoices Automatically",
        help="Post the invoices of the contract as soon as they are created "
        "instead of leaving them as drafts.")
    mentorsig_invoices = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Invoices",
            help="The invoices of the contract's periods."),
        'get_mentorsig_invoices')
    mentorsig_amount_to_invoice = fields.Function(Monetary(
            "Amount to Invoice", currency='currency', digits='currency',
            help="The periods consumed and not invoiced yet, "
            "excluding taxes."),
        'get_mentorsig_amount_to_invoice')

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
    def default_mentorsig_post_invoices(cls):
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
    def get_mentorsig_amount_to_invoice(cls, subscriptions, name):
        amounts = defaultdict(Decimal)
        for consumption in cls._mentorsig_consumptions(
                subscriptions, [('invoice_line', '=', None)]):
            line = consumption.line
            amounts[line.subscription.id] += (
                Decimal(str(consumption.quantity or 0))
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
                ('line.subscription.mentorsig_post_invoices', '=', True),
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
            and c.line.subscription.mentorsig_post_invoices}
        invoices = [i for i in invoices if i.state == 'draft']
        if invoices:
            Invoice.post(invoices)

    @classmethod
    @ModelView.button
    def mentorsig_invoice(cls, subscriptions, date=None):
        "Invoice the periods of the contracts due on date (today)"
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('sale.subscription.line')
        Consumption = pool.get('sale.subscription.line.consumption')
        if date is None:
            date = Date.today()
        Line.mentorsig_generate_consumption(
            [l for s in subscriptions if s.state == 'running'
                for l in s.lines],
            date)
        to_invoice = []
        for subscription in subscriptions:
            consumptions = []
            if (subscription.next_invoice_date
                    and subscription.next_invoice_date <= date):
                consumptions = cls._mentorsig_consumptions([subscription], [
                        ('invoice_line', '=', None),
                        ('date', '<=', date),
                        ])
            if not consumptions:
                subscription._mentorsig_raise_nothing_to_invoice(date)
            to_invoice.extend(consumptions)
        cls._mentorsig_invoice_consumptions(to_invoice, date)
        cls._mentorsig_post(Consumption.browse(to_invoice))

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
                    'mentorsig_invoicing.msg_subscription_already_invoiced',
                    subscription=self.rec_name,
                    until=lang.strftime(until),
                    invoice=invoice.rec_name if invoice else '',
                    next_date=(
                        lang.strftime(next_date) if next_date else '-')))
        raise SubscriptionInvoiceError(gettext(
                'mentorsig_invoicing.msg_subscription_nothing_due',
                subscription=self.rec_name,
                date=lang.strftime(date),
                next_date=lang.strftime(next_date) if next_date else '-'))

    @classmethod
    def _mentorsig_invoice_consumptions(cls, consumptions, date):
        """Invoice the consumptions, one invoice per contract.

        The same steps as the host's generate_invoice, through the same
        hooks (_get_invoice, get_invoice_lines), for chosen contracts only.
        """
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')

        def keyfunc(consumption):
            return consumption.line.subscription
        consumptions = sorted(consumptions, key=lambda c: keyfunc(c).id)
        invoices, lines = {}, {}
        for subscription, sub_consumptions in groupby(
                consumptions, key=keyfunc):
            invoices[subscription] = invoice = subscription._get_invoice()
            lines[subscription] = Consumption.get_invoice_lines(
                list(sub_consumptions), invoice)
        Invoice.save(list(invoices.values()))
        InvoiceLine.save([
                l for invoice_lines, _ in lines.values()
                for l in invoice_lines])
        to_save = []
        for invoice_lines, grouped in lines.values():
            for invoice_line, line_consumptions in zip(invoice_lines, grouped):
                for consumption in line_consumptions:
                    consumption.invoice_line = invoice_line
                    to_save.append(consumption)
        Consumption.save(to_save)
        Invoice.update_taxes(list(invoices.values()))

        subscriptions = list(invoices.keys())
        for subscription in subscriptions:
            if subscription.state == 'running':
                while (subscription.next_invoice_date
                        and subscription.next_invoice_date <= date):
                    subscription.next_invoice_date = (
                        subscription.compute_next_invoice_date())
            else:
                subscription.next_invoice_date = None
        cls.save(subscriptions)

    @classmethod
    def copy(cls, subscriptions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('mentorsig_post_invoices')
        return super().copy(subscriptions, default=default)


class SubscriptionLine(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line'

    @classmethod
    def mentorsig_generate_consumption(cls, lines, date):
        """Generate the consumptions of lines due on date.

        The host's generate_consumption for chosen lines: it works on every
        contract of the company.
        """
        pool = Pool()
        Consumption = pool.get('sale.subscription.line.consumption')
        Subscription = pool.get('sale.subscription')
        remainings = all_lines = [
            l for l in lines if l.consumption_recurrence
            and l.next_consumption_date
            and l.get_next_consumption_date_delayed() <= date]
        consumptions, ended = [], set()
        while remainings:
            current, remainings = remainings, []
            for line in current:
                consumption = line.get_consumption(line.next_consumption_date)
                if consumption:
                    consumptions.append(consumption)
                line.next_consumption_date = (
                    line.compute_next_consumption_date())
                if line.next_consumption_date:
                    line.consumed_until = (
                        line.next_consumption_date - datetime.timedelta(1))
                else:
                    line.consumed_until = line.end_date
                if line.next_consumption_date is None:
                    ended.add(line.subscription.id)
                elif line.get_next_consumption_date_delayed() <= date:
                    remainings.append(line)
        Consumption.save(consumptions)
        cls.save(all_lines)
        Subscription.process(Subscription.browse(list(ended)))


class SubscriptionLineConsumption(metaclass=PoolMeta):
    __name__ = 'sale.subscription.line.consumption'

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
                        'mentorsig_invoicing.msg_subscription_period_invoiced',
                        date=lang.strftime(consumption.date),
                        line=consumption.line.rec_name,
                        invoice=invoice.rec_name if invoice else ''))
