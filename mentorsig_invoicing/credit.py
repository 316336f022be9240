# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Available credit of a customer and its application to open invoices.

The available credit of a customer is what the company owes it on its
receivable account: the unreconciled credit lines of posted moves (credit
notes, overpayments) not already attached as payment of an invoice.
Applying a credit attaches the credit line to the invoice as a payment line
(the host's way of partial payments); a credit used partly is first split
with the host's reschedule of move lines, so that the unused part stays an
open credit line of its own.  When nothing is due anymore the invoice's
lines are reconciled and the host marks it paid.
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
from .access import check_records
from .exceptions import CreditError


def available_credit_lines(party, company, account=None):
    "Return the open credit lines of the party's receivable, oldest first"
    pool = Pool()
    Line = pool.get('account.move.line')
    domain = [
        ('party', '=', party.id),
        ('move.company', '=', company.id),
        ('account.type.receivable', '=', True),
        ('reconciliation', '=', None),
        ('move.state', '=', 'posted'),
        ('credit', '>', 0),
        ]
    if account:
        domain.append(('account', '=', account.id))
    lines = Line.search(domain, order=[('date', 'ASC'), ('id', 'ASC')])
    return [l for l in lines if not l.invoice_payment]


def line_credit(line):
    "The credit a line holds, positive"
    return line.credit - line.debit


def invoice_lines_to_reconcile(invoice):
    return [
        l for l in invoice.lines_to_pay + invoice.payment_lines
        if not l.reconciliation]


def reconcile_when_settled(invoice):
    "Reconcile the invoice's open lines when they balance; True if done"
    pool = Pool()
    Line = pool.get('account.move.line')
    lines = invoice_lines_to_reconcile(invoice)
    if lines and sum(l.debit - l.credit for l in lines) == 0:
        Line.reconcile(lines)
        return True
    return False


def split_line(line, amount):
    """Split an open credit line in two: amount and the remainder.

    Return the new line worth amount; the original line is reconciled by
    the host's reschedule with the balancing line of the new move.
    """
    pool = Pool()
    Reschedule = pool.get('account.move.line.reschedule', type='wizard')
    Term = pool.get('account.move.line.reschedule.term')
    Move = pool.get('account.move')
    remainder = line_credit(line) - amount
    currency = line.currency
    terms = [
        Term(date=line.maturity_date or line.date, amount=-amount,
            currency=currency),
        Term(date=line.maturity_date or line.date, amount=-remainder,
            currency=currency),
        ]
    with Transaction().set_context(company=line.move.company.id):
        move, _ = Reschedule.reschedule_lines(
            [line], line.move.journal, terms)
    move.origin = line.move.origin
    move.description = line.move.description
    move.save()
    Move.post([move])
    # The lines of the terms, in their order, follow the balancing line
    used = min(
        (l for l in move.lines
            if l.account == line.account and not l.reconciliation
            and l.credit == amount),
        key=lambda l: l.id)
    return used


def apply_credit_lines(invoice, lines):
    """Apply the credit lines to the invoice, the oldest first.

    Return the amount applied.  Raise CreditError when a line is not an
    available credit of the invoice's customer in its company.
    """
    pool = Pool()
    Invoice = pool.get('account.invoice')
    if invoice.type != 'out' or invoice.state != 'posted':
        raise CreditError(gettext(
                'mentorsig_invoicing.msg_credit_invoice_not_open',
                invoice=invoice.rec_name))
    if invoice.currency != invoice.company.currency:
        raise CreditError(gettext(
                'mentorsig_invoicing.msg_credit_foreign_currency',
                invoice=invoice.rec_name))
    available = {
        l.id: l for l in available_credit_lines(
            invoice.party, invoice.company, invoice.account)}
    for line in lines:
        if line.id not in available:
            raise CreditError(gettext(
                    'mentorsig_invoicing.msg_credit_not_available',
                    line=line.rec_name, invoice=invoice.rec_name,
                    party=invoice.party.rec_name))
    plan = allocation.apply_credits(
        invoice.amount_to_pay,
        [(l.id, l.date, line_credit(l)) for l in lines])
    to_add = []
    applied = Decimal(0)
    for line_id, used, remainder in plan:
        line = available[line_id]
        if remainder:
            line = split_line(line, used)
        to_add.append(line)
        applied += used
    if to_add:
        Invoice.add_payment_lines({invoice: to_add})
        reconcile_when_settled(Invoice(invoice.id))
    return applied


class ApplyCreditStart(ModelView):
    __name__ = 'mentorsig.invoice.apply_credit.start'
    __string__ = "Apply Credit"

    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    company = fields.Many2One('company.company', "Company", readonly=True)
    party = fields.Many2One('party.party', "Customer", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    amount_to_pay = Monetary(
        "Amount Due", currency='currency', digits='currency', readonly=True)
    available_lines = fields.Many2Many(
        'account.move.line', None, None, "Available Credits", readonly=True)
    credits = fields.Many2Many(
        'account.move.line', None, None, "Credits to Apply",
        domain=[('id', 'in', Eval('available_lines', []))],
        help="The credits used, the oldest first, up to the amount due.")
    amount = Monetary(
        "Amount Applied", currency='currency', digits='currency',
        readonly=True)

    @fields.depends('credits', 'amount_to_pay')
    def on_change_with_amount(self):
        # the client names the lines: their balances must be readable
        check_records(self.credits)
        if self.amount_to_pay is None:
            return None
        total = sum((line_credit(l) for l in self.credits or []), Decimal(0))
        return min(total, self.amount_to_pay)


class ApplyCredit(Wizard):
    __name__ = 'mentorsig.invoice.apply_credit'
    __string__ = "Apply Credit"

    start = StateView('mentorsig.invoice.apply_credit.start',
        'mentorsig_invoicing.apply_credit_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Apply", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def default_start(self, fields):
        invoice = self.record
        lines = available_credit_lines(
            invoice.party, invoice.company, invoice.account)
        ids = [l.id for l in lines]
        return {
            'invoice': invoice.id,
            'company': invoice.company.id,
            'party': invoice.party.id,
            'currency': invoice.currency.id,
            'amount_to_pay': invoice.amount_to_pay,
            'available_lines': ids,
            'credits': ids,
            'amount': min(
                sum((line_credit(l) for l in lines), Decimal(0)),
                invoice.amount_to_pay or Decimal(0)),
            }

    def transition_apply(self):
        credits = list(self.start.credits)
        # form values: named in the refusal only when the user reads them
        check_records(credits)
        apply_credit_lines(self.record, credits)
        return 'end'
