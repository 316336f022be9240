# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SQL expressions that sort the invoice list by its amounts and dates.

The host computes the amounts, the amount to pay and our due date in
Python, so the web client could not sort by them: each expression here
gives the same order in SQL, one correlated sub-query per invoice row
(posted invoices read the host's cached amounts).
"""
from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Function

from trytond import backend
from trytond.pool import Pool


class JulianDay(Function):
    "SQLite's day number of a date"
    __slots__ = ()
    _function = 'JULIANDAY'


def untaxed_amount(invoice):
    Line = Pool().get('account.invoice.line')
    line = Line.__table__()
    lines = line.select(Sum(line.quantity * line.unit_price),
        where=(line.invoice == invoice.id) & (line.type == 'line'))
    return Coalesce(invoice.untaxed_amount_cache, lines, 0)


def total_amount(invoice):
    Tax = Pool().get('account.invoice.tax')
    tax = Tax.__table__()
    taxes = tax.select(Sum(tax.amount), where=tax.invoice == invoice.id)
    return Coalesce(invoice.total_amount_cache,
        untaxed_amount(invoice) + Coalesce(taxes, 0))


def _open_lines(invoice, with_payments=False):
    "The open lines of the invoice's move on its account (and its payments)"
    pool = Pool()
    MoveLine = pool.get('account.move.line')
    PaymentLine = pool.get('account.invoice-account.move.line')
    line = MoveLine.__table__()
    ours = (line.move == invoice.move) & (line.account == invoice.account)
    if with_payments:
        payment = PaymentLine.__table__()
        ours |= line.id.in_(payment.select(
                payment.line, where=payment.invoice == invoice.id))
    return line, ours & (line.reconciliation == Null)


def amount_to_pay(invoice):
    """What the open lines of the invoice's receivable (payable) leave due,
    its partial payments deducted, in the company's currency"""
    line, where = _open_lines(invoice, with_payments=True)
    amount = line.select(Sum(line.debit - line.credit), where=where)
    return Coalesce(amount, 0)


def due_date(invoice):
    "The earliest maturity of the open lines"
    line, where = _open_lines(invoice)
    return line.select(Min(line.maturity_date),
        where=where & (line.maturity_date != Null))


def days_overdue(invoice, today):
    "Days since the earliest open maturity, 0 before it and once paid"
    due = due_date(invoice)
    if backend.name == 'sqlite':
        days = JulianDay(Literal(today.isoformat())) - JulianDay(due)
    else:
        days = Literal(today) - due
    return Coalesce(Case((days > 0, days), else_=0), 0)
