# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Allocation of money over invoices and credits (no ORM).

The invoice, the credit and the payment wizards feed these functions plain
values (keys, dates, Decimal amounts) so that the rules are tested directly.
"""
from decimal import Decimal


def allocate(amount, items):
    """Spread amount over items, the oldest first.

    items is an iterable of (key, date, open_amount) with open_amount > 0;
    ties on the date keep the given order.  Return (allocations, remainder)
    where allocations is a list of (key, allocated) with allocated > 0 in
    the order used, and remainder what is left of amount.
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    remaining = Decimal(amount)
    allocations = []
    ordered = sorted(
        enumerate(items), key=lambda e: (e[1][1] is None, e[1][1], e[0]))
    for _, (key, date, open_amount) in ordered:
        if remaining <= 0:
            break
        if open_amount <= 0:
            continue
        allocated = min(remaining, open_amount)
        allocations.append((key, allocated))
        remaining -= allocated
    return allocations, remaining


def allocate_by_hand(amount, wanted):
    """Check a manual allocation.

    wanted is a list of (key, allocated, open_amount).  Return (allocations,
    remainder) like allocate, or raise ValueError with an error key:
    'negative', 'above_open' (more than the invoice's amount due) or
    'above_amount' (more than the payment).
    """
    total = Decimal(0)
    allocations = []
    for key, allocated, open_amount in wanted:
        if not allocated:
            continue
        if allocated < 0:
            raise ValueError('negative', key)
        if allocated > open_amount:
            raise ValueError('above_open', key)
        total += allocated
        allocations.append((key, allocated))
    if total > amount:
        raise ValueError('above_amount', None)
    return allocations, amount - total


def apply_credits(amount_due, credits):
    """Choose how much of each credit pays amount_due, the oldest first.

    credits is an iterable of (key, date, available).  Return a list of
    (key, used, remainder_of_that_credit); a credit not needed is absent.
    """
    if amount_due <= 0:
        return []
    available = {key: value for key, _, value in credits}
    allocations, _ = allocate(amount_due, credits)
    return [(key, used, available[key] - used) for key, used in allocations]


def days_overdue(maturity_dates, today):
    """Days since the oldest maturity date passed, 0 when nothing is late.

    maturity_dates are the dates of the lines still to pay (None means due
    at once, it does not count as late).
    """
    late = [d for d in maturity_dates if d is not None and d < today]
    if not late:
        return 0
    return (today - min(late)).days


def remaining_to_credit(quantity, credited_quantities):
    """The quantity of an invoice line that can still be credited.

    quantity is the invoiced quantity, credited_quantities the (positive)
    quantities of the credit notes already made from that line.
    """
    remaining = quantity - sum(credited_quantities, 0)
    return max(remaining, 0)


def total_may_be_negative(lines, tax_amounts):
    """Whether an invoice total can be negative, from the (quantity,
    unit_price) of its lines and the amounts of its taxes

    A total is negative only through a negative line or tax: otherwise
    there is no need to compute it (taxes and rounding of every line).
    """
    return (any(quantity and unit_price and (quantity < 0) != (unit_price < 0)
            for quantity, unit_price in lines)
        or any(amount is not None and amount < 0 for amount in tax_amounts))
