# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The deposit arithmetic, without database."""
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from mentorsig_sale import deposit_rules as rules

D = Decimal
RATES = {'20': D('0.20'), '5.5': D('0.055'), '10': D('0.10'), '0': D(0)}


def tax(key, untaxed):
    "The tax of a group as the invoice rounds it"
    return (untaxed * RATES[key]).quantize(D('0.01'), ROUND_HALF_EVEN)


def test_allocate_adds_up_exactly():
    shares = rules.allocate(D('100'), {'a': 1, 'b': 1, 'c': 1})
    assert shares == {'a': D('33.34'), 'b': D('33.33'), 'c': D('33.33')}
    assert sum(shares.values()) == D('100')


def test_allocate_gives_the_left_cents_to_the_largest_remainders():
    shares = rules.allocate(D('0.05'), {'a': D('0.1'), 'b': D('0.9')})
    # exact 0.005 and 0.045: b's remainder 0.005 ties a's, a comes first
    assert sum(shares.values()) == D('0.05')
    assert shares == {'a': D('0.01'), 'b': D('0.04')}


def test_allocate_negative_total():
    shares = rules.allocate(D('-10'), {'a': 2, 'b': 1})
    assert shares == {'a': D('-6.67'), 'b': D('-3.33')}


def test_allocate_refuses_zero_weights():
    with pytest.raises(ValueError):
        rules.allocate(D('10'), {'a': 0})
    with pytest.raises(ValueError):
        rules.allocate(D('10'), {})


def test_percentage_split_per_rate():
    # 1,000.00 at 20 % and 333.33 at 5.5 %: 30 % = 400.00 untaxed
    bases = {'20': D('1000.00'), '5.5': D('333.33')}
    untaxed = rules.split_percentage(bases, D('0.30'))
    assert untaxed == {'20': D('300.00'), '5.5': D('100.00')}
    assert rules.tax_included(untaxed, tax) == D('300.00') + D('60.00') + \
        D('100.00') + D('5.50')


def test_percentage_rounds_the_total_once():
    # three groups of 0.01 each: 50 % is 0.015 rounded once to 0.02
    bases = {'20': D('0.01'), '5.5': D('0.01'), '10': D('0.01')}
    untaxed = rules.split_percentage(bases, D('0.5'))
    assert sum(untaxed.values()) == D('0.02')


def test_untaxed_amount_split_in_proportion():
    bases = {'20': D('750'), '5.5': D('250')}
    assert rules.split_untaxed(bases, D('100')) == {
        '20': D('75.00'), '5.5': D('25.00')}


@pytest.mark.parametrize('total', [
        D('1000.00'), D('500.00'), D('333.33'), D('1234.56'), D('0.99'),
        D('99999.99')])
def test_tax_included_reaches_the_total_on_two_rates(total):
    bases = {'20': D('1200.00'), '5.5': D('800.00')}
    untaxed = rules.split_tax_included(bases, total, tax)
    assert rules.tax_included(untaxed, tax) == total
    # each group keeps its share of the order (within a cent or two)
    gross = {k: b + tax(k, b) for k, b in bases.items()}
    for key, value in untaxed.items():
        expected = total * gross[key] / sum(gross.values())
        assert abs(value + tax(key, value) - expected) <= D('0.02')


def test_tax_included_single_rate_exact_when_reachable():
    untaxed = rules.split_tax_included({'20': D('5000')}, D('1000.00'), tax)
    assert untaxed == {'20': D('833.33')}
    assert tax('20', D('833.33')) == D('166.67')


def test_tax_included_single_rate_unreachable_is_one_cent_away():
    # at 20 %, 1.02 + 0.20 = 1.22 and 1.03 + 0.21 = 1.24: no untaxed gives
    # 1.23, the closest is one cent away
    untaxed = rules.split_tax_included({'20': D('100')}, D('1.23'), tax)
    assert abs(rules.tax_included(untaxed, tax) - D('1.23')) == D('0.01')


def test_tax_included_moves_a_cent_to_another_rate():
    # the 20 % share alone would be unreachable; the 0 % group absorbs it
    bases = {'20': D('100'), '0': D('100')}
    for cents in range(1, 500):
        total = D(cents) / 100 + D('10')
        untaxed = rules.split_tax_included(bases, total, tax)
        assert rules.tax_included(untaxed, tax) == total, total


def test_tax_included_without_tax_is_the_amount():
    untaxed = rules.split_tax_included({'0': D('10')}, D('7.77'), tax)
    assert untaxed == {'0': D('7.77')}


def test_remaining_to_deduct():
    assert rules.remaining_to_deduct(D('300'), []) == D('300')
    assert rules.remaining_to_deduct(D('300'), [D('-100')]) == D('200')
    assert rules.remaining_to_deduct(D('300'), [D('-300')]) == D('0')
    # never below zero, even if deducted more than once by hand
    assert rules.remaining_to_deduct(D('300'), [D('-400')]) == D('0')


def test_format_rate():
    assert rules.format_rate(D('0.20')) == '20 %'
    assert rules.format_rate(D('0.055'), ',') == '5,5 %'
    assert rules.format_rate(D('0.021')) == '2.1 %'
    assert rules.format_rate(D('0')) == '0 %'


def test_quantity_exceeds():
    assert not rules.quantity_exceeds(10, 10)
    assert rules.quantity_exceeds(10, 10.5)
    assert not rules.quantity_exceeds(10, 4)
    # a float sum just above the ordered quantity is not a second invoice
    assert not rules.quantity_exceeds(0.3, 0.1 + 0.2, digits=2)
    assert rules.quantity_exceeds(0.3, 0.31, digits=2)
    # returns: negative quantities
    assert rules.quantity_exceeds(-2, -3)
    assert not rules.quantity_exceeds(-2, -2)
