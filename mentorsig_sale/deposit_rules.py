# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The arithmetic of deposits, without database.

A deposit is split over the tax groups of the order (one group per set of
taxes) in proportion to their untaxed bases, so that an order at 20 % and
5.5 % gets one deposit line per rate. Every share is rounded to the
currency's quantum and the shares add up to the requested amount exactly
(largest remainder). A tax-inclusive amount is split the same way over the
tax-inclusive totals of the groups, then each share is turned into the
untaxed amount whose tax, computed the way the invoice computes it, gives
the share back.
"""
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

CENT = Decimal('0.01')


def round_to(amount, quantum=CENT):
    return Decimal(amount).quantize(quantum, rounding=ROUND_HALF_EVEN)


def allocate(total, weights, quantum=CENT):
    """Split total over the keys of weights in proportion to the weights.

    Each share is a multiple of quantum and the shares add up to total
    exactly: the shares are rounded down and the quanta left over go to the
    largest remainders (the first keys on equal remainders)."""
    total = round_to(total, quantum)
    keys = list(weights)
    if not keys:
        raise ValueError("nothing to allocate over")
    weight_sum = sum((Decimal(weights[k]) for k in keys), Decimal(0))
    if not weight_sum:
        raise ValueError("the weights add up to zero")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares, remainders = {}, []
    for index, key in enumerate(keys):
        exact = magnitude * Decimal(weights[key]) / weight_sum
        share = exact.quantize(quantum, rounding=ROUND_DOWN)
        shares[key] = share
        remainders.append((exact - share, -index, key))
    left = int((magnitude - sum(shares.values())) / quantum)
    for _, _, key in sorted(remainders, reverse=True)[:left]:
        shares[key] += quantum
    return {k: sign * v for k, v in shares.items()}


def split_untaxed(bases, untaxed, quantum=CENT):
    """Return the untaxed deposit of each tax group: untaxed split in
    proportion to the untaxed bases of the groups"""
    return allocate(untaxed, bases, quantum)


def split_percentage(bases, ratio, quantum=CENT):
    """Return the untaxed deposit of each tax group for a ratio (0.30 for
    30 %) of the order: the ratio of the untaxed total, rounded once, then
    split over the groups"""
    total = sum(bases.values(), Decimal(0))
    return split_untaxed(bases, round_to(total * Decimal(ratio), quantum),
        quantum)


def split_tax_included(bases, total, tax, quantum=CENT, reach=3):
    """Return the untaxed deposit of each tax group for a tax-inclusive
    total.

    tax(key, untaxed) returns the tax of the group for an untaxed amount,
    rounded as on the invoice. The result adds up with its taxes to total
    whenever the rates allow it; when no untaxed amount gives a share back
    (at 20 %, no untaxed amount gives 1.23), the result is the closest one,
    at most one quantum away per group."""
    total = round_to(total, quantum)
    gross = {k: b + tax(k, b) for k, b in bases.items()}
    shares = allocate(total, gross, quantum)
    untaxed = {}
    for key, share in shares.items():
        if gross[key]:
            estimate = round_to(share * bases[key] / gross[key], quantum)
        else:
            estimate = Decimal(0)
        candidates = [estimate + i * quantum for i in range(-reach, reach + 1)]
        untaxed[key] = min(candidates,
            key=lambda u: (abs(u + tax(key, u) - share), abs(u - estimate)))

    def gap(amounts):
        return total - sum(u + tax(k, u) for k, u in amounts.items())

    # Shift a quantum between groups where one group cannot reach its share
    for _ in range(2 * len(untaxed) + 2):
        current = gap(untaxed)
        if not current:
            break
        best = None
        for key in untaxed:
            for step in (quantum, -quantum):
                trial = dict(untaxed)
                trial[key] += step
                if abs(gap(trial)) < abs(current) and (
                        best is None or abs(gap(trial)) < abs(gap(best))):
                    best = trial
        if best is None:
            break
        untaxed = best
    return untaxed


def tax_included(untaxed, tax):
    "Return the total of untaxed amounts per group with their taxes"
    return sum((u + tax(k, u) for k, u in untaxed.items()), Decimal(0))


def remaining_to_deduct(deposit_amount, deducted_amounts):
    """Return what is left to deduct of a deposit line once the deductions
    already made (negative amounts on other invoices) are counted"""
    left = deposit_amount + sum(deducted_amounts, Decimal(0))
    return max(left, Decimal(0))


def format_rate(rate, decimal_point='.'):
    """Return a tax rate given as a ratio (0.055) as the text of a
    percentage ("5.5 %")"""
    percent = (Decimal(rate) * 100).normalize()
    if percent == percent.to_integral_value():
        text = str(percent.quantize(Decimal(1)))
    else:
        text = format(percent, 'f')
    return '%s %%' % text.replace('.', decimal_point)


def quantity_exceeds(ordered, invoiced, digits=None):
    """Tell whether the quantities invoiced for an order line go past what
    was ordered (in magnitude, same sign)"""
    ordered = Decimal(str(ordered or 0))
    invoiced = Decimal(str(invoiced or 0))
    if digits is not None:
        quantum = Decimal(1).scaleb(-digits)
        ordered = ordered.quantize(quantum)
        invoiced = invoiced.quantize(quantum)
    if ordered >= 0:
        return invoiced > ordered
    return invoiced < ordered
