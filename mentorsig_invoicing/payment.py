# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One bank transfer paying several invoices of a customer.

The host's Pay wizard pays one invoice.  This wizard books one move for the
whole transfer: the bank line, one receivable line per invoice attached to
it as a payment line (the host's partial payment), and the overpayment, if
any, as an open credit line of the customer: it stays available credit.
An invoice whose lines balance is reconciled and the host marks it paid.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import allocation
from .access import check_company, check_records
from .credit import reconcile_when_settled
from .exceptions import FormAccessError, PaymentError


def invoice_due_date(invoice):
    "The oldest due date still open, else the invoice date"
    dates = [l.maturity_date for l in invoice.lines_to_pay
        if not l.reconciliation and l.maturity_date]
    return min(dates) if dates else invoice.invoice_date


def open_invoices(party, company):
    pool = Pool()
    Invoice = pool.get('account.invoice')
    invoices = Invoice.search([
            ('type', '=', 'out'),
            ('party', '=', party.id),
            ('company', '=', company.id),
            ('state', '=', 'posted'),
            ('currency', '=', company.currency.id),
            ])
    return sorted(
        (i for i in invoices if i.amount_to_pay and i.amount_to_pay > 0),
        key=lambda i: (invoice_due_date(i), i.number or '', i.id))


class PayInvoicesStart(ModelView):
    __name__ = 'mentorsig.invoice.pay_many.start'
    __string__ = "Register a Payment"

    company = fields.Many2One('company.company', "Company", readonly=True)
    party = fields.Many2One('party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    date = fields.Date("Date", required=True)
    payment_method = fields.Many2One(
        'account.invoice.payment.method', "Payment Method", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('debit_account', '!=', None),
            ])
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        domain=[('amount', '>', 0)])
    description = fields.Char("Description")
    allocation = fields.Selection([
            ('oldest', "Oldest First"),
            ('manual', "By Hand"),
            ], "Allocation", required=True, sort=False)
    lines = fields.One2Many(
        'mentorsig.invoice.pay_many.line', None, "Invoices",
        states={
            'readonly': Eval('allocation') != 'manual',
            })
    overpayment = Monetary(
        "Overpayment", currency='currency', digits='currency', readonly=True,
        help="Kept as available credit of the customer.")

    @fields.depends('amount', 'allocation', 'lines')
    def on_change_amount(self):
        self._check_lines_access()
        if self.allocation == 'oldest':
            self._allocate_oldest()
        self._compute_overpayment()

    @fields.depends('amount', 'allocation', 'lines')
    def on_change_allocation(self):
        self._check_lines_access()
        if self.allocation == 'oldest':
            self._allocate_oldest()
        self._compute_overpayment()

    @fields.depends('amount', 'lines')
    def on_change_lines(self):
        self._check_lines_access()
        self._compute_overpayment()

    def _check_lines_access(self):
        "The client names the invoices: their names come back in the rows"
        check_records([l.invoice for l in self.lines or [] if l.invoice])

    def _allocate_oldest(self):
        lines = list(self.lines or [])
        allocations, _ = allocation.allocate(
            self.amount or Decimal(0),
            [(i, l.due_date, l.amount_to_pay) for i, l in enumerate(lines)])
        allocated = dict(allocations)
        for i, line in enumerate(lines):
            line.amount = allocated.get(i, Decimal(0))
        self.lines = lines

    def _compute_overpayment(self):
        total = sum((l.amount or 0 for l in self.lines or []), Decimal(0))
        self.overpayment = max((self.amount or Decimal(0)) - total, 0)


class PayInvoicesLine(ModelView):
    __name__ = 'mentorsig.invoice.pay_many.line'
    __string__ = "Register a Payment Invoice"

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    due_date = fields.Date("Due Date", readonly=True)
    amount_to_pay = Monetary(
        "Amount Due", currency='currency', digits='currency', readonly=True)
    amount = Monetary(
        "Amount Paid", currency='currency', digits='currency',
        domain=['OR',
            ('amount', '=', None),
            [
                ('amount', '>=', 0),
                ('amount', '<=', Eval('amount_to_pay', 0)),
                ],
            ])


class PayInvoices(Wizard):
    __name__ = 'mentorsig.invoice.pay_many'
    __string__ = "Register a Payment"

    start = StateView('mentorsig.invoice.pay_many.start',
        'mentorsig_invoicing.pay_many_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Pay", 'pay', 'tryton-ok', default=True),
            ])
    pay = StateTransition()

    def _party_company(self):
        "The customer and company of the records the wizard runs on"
        pool = Pool()
        Company = pool.get('company.company')
        if self.model.__name__ == 'party.party':
            party = self.record
            # Started from a customer: the company in the context, which
            # the client sends and may forge
            company_id = Transaction().context.get('company')
            check_company(company_id)
            if company_id is None:
                raise PaymentError(gettext(
                        'mentorsig_invoicing.msg_pay_many_one_customer'))
            company = Company(company_id)
        else:
            parties = {i.party for i in self.records}
            companies = {i.company for i in self.records}
            if len(parties) != 1 or len(companies) != 1:
                raise PaymentError(gettext(
                        'mentorsig_invoicing.msg_pay_many_one_customer'))
            party, = parties
            company, = companies
        return party, company

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        party, company = self._party_company()
        invoices = open_invoices(party, company)
        if self.model.__name__ == 'account.invoice':
            chosen = {i.id for i in self.records}
            invoices = [i for i in invoices if i.id in chosen]
        with Transaction().set_context(company=company.id):
            today = Date.today()
        return {
            'company': company.id,
            'party': party.id,
            'currency': company.currency.id,
            'date': today,
            'allocation': 'oldest',
            'amount': sum((i.amount_to_pay for i in invoices), Decimal(0)),
            'overpayment': Decimal(0),
            'lines': [{
                    'invoice': i.id,
                    'currency': i.currency.id,
                    'due_date': invoice_due_date(i),
                    'amount_to_pay': i.amount_to_pay,
                    'amount': i.amount_to_pay,
                    } for i in invoices],
            }

    def _check_form(self):
        """The form comes back from the client: its customer, company,
        method and invoices must be those the wizard was started for and
        that the user can read"""
        start = self.start
        party, company = self._party_company()
        if start.party != party or start.company != company:
            raise FormAccessError(gettext(
                    'mentorsig_invoicing.msg_pay_many_form_changed'))
        lines = list(start.lines)
        check_records([start.payment_method] + [
                l.invoice for l in lines if l.invoice])
        method = start.payment_method
        if not method or method.company != company:
            raise FormAccessError(gettext(
                    'mentorsig_invoicing.msg_pay_many_form_changed'))
        if any(not l.invoice for l in lines) or len(
                {l.invoice for l in lines}) != len(lines):
            raise FormAccessError(gettext(
                    'mentorsig_invoicing.msg_pay_many_form_changed'))
        if self.model.__name__ == 'account.invoice':
            chosen = set(self.records)
            if any(l.invoice not in chosen for l in lines):
                raise FormAccessError(gettext(
                        'mentorsig_invoicing.msg_pay_many_form_changed'))

    def transition_pay(self):
        self._check_form()
        start = self.start
        party, company = start.party, start.company
        lines = list(start.lines)
        for line in lines:
            invoice = line.invoice
            if (invoice.party != party or invoice.company != company
                    or invoice.type != 'out' or invoice.state != 'posted'
                    or invoice.currency != company.currency):
                raise PaymentError(gettext(
                        'mentorsig_invoicing.msg_pay_many_wrong_invoice',
                        invoice=invoice.rec_name, party=party.rec_name))
        due = {l.invoice.id: l.invoice.amount_to_pay for l in lines}
        if start.allocation == 'oldest':
            allocations, overpayment = allocation.allocate(
                start.amount,
                [(l.invoice.id, invoice_due_date(l.invoice), due[l.invoice.id])
                    for l in lines])
        else:
            try:
                allocations, overpayment = allocation.allocate_by_hand(
                    start.amount,
                    [(l.invoice.id, l.amount or Decimal(0), due[l.invoice.id])
                        for l in lines])
            except ValueError as error:
                key, invoice_id = error.args
                raise PaymentError(gettext(
                        'mentorsig_invoicing.msg_pay_many_' + key,
                        amount=start.amount)) from error
        self.book(allocations, overpayment)
        return 'end'

    @staticmethod
    def _payment_line(lines, invoice, amount):
        """The line among lines that pays amount of invoice: matched on the
        invoice's account, party and amount, as the host's pay_invoice
        matches on the account"""
        for line in lines:
            if (line.account == invoice.account
                    and line.party == invoice.party
                    and line.credit - line.debit == amount):
                return line
        raise PaymentError(gettext(
                'mentorsig_invoicing.msg_pay_many_unmatched_line',
                invoice=invoice.rec_name))

    def book(self, allocations, overpayment):
        "Book the transfer and attach its lines to the invoices"
        start = self.start
        return book_transfer(start.company, start.party, start.date,
            start.payment_method, start.amount, allocations, overpayment,
            description=start.description)


def book_transfer(company, party, date, method, amount, allocations,
        overpayment, description=None):
    """Book one transfer of amount received from party through method:
    allocations, [(invoice id, amount)], are attached to their invoices
    (each reconciled once it balances), the overpayment stays as credit
    of the customer; return the posted move"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    Period = pool.get('account.period')
    invoices = {i.id: i for i in Invoice.browse(
            [k for k, _ in allocations])}
    move_lines = [Line(
            account=method.debit_account.current(date=date),
            debit=amount, credit=Decimal(0))]
    for invoice_id, allocated in allocations:
        move_lines.append(Line(account=invoices[invoice_id].account,
                party=party, debit=Decimal(0), credit=allocated))
    if overpayment:
        move_lines.append(Line(
                account=party.account_receivable_used, party=party,
                debit=Decimal(0), credit=overpayment))
    for line in move_lines:
        if line.account.party_required:
            line.party = party
    move = Move(
        journal=method.journal, company=company, date=date,
        period=Period.find(company, date=date),
        description=description, lines=move_lines,
        origin=invoices[allocations[0][0]] if len(allocations) == 1
        else None)
    move.save()
    Move.post([move])
    unmatched = sorted(Move(move.id).lines, key=lambda l: l.id)
    for invoice_id, allocated in allocations:
        invoice = invoices[invoice_id]
        line = PayInvoices._payment_line(unmatched, invoice, allocated)
        unmatched.remove(line)
        Invoice.add_payment_lines({invoice: [line]})
        reconcile_when_settled(Invoice(invoice.id))
    return move
