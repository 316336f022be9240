# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Allocation of payments and credits, without database."""
import datetime as dt
from decimal import Decimal

import pytest

from mentorsig_invoicing import allocation

D = Decimal
JAN1, JAN15, FEB1 = dt.date(2026, 1, 1), dt.date(2026, 1, 15), \
    dt.date(2026, 2, 1)


def test_allocate_oldest_first():
    items = [('c', FEB1, D('50.00')), ('a', JAN1, D('100.00')),
        ('b', JAN15, D('30.00'))]
    allocations, remainder = allocation.allocate(D('150.00'), items)
    assert allocations == [('a', D('100.00')), ('b', D('30.00')),
        ('c', D('20.00'))]
    assert remainder == D('0.00')


def test_allocate_overpayment_is_the_remainder():
    allocations, remainder = allocation.allocate(
        D('200.00'), [('a', JAN1, D('120.00')), ('b', JAN15, D('60.00'))])
    assert allocations == [('a', D('120.00')), ('b', D('60.00'))]
    assert remainder == D('20.00')


def test_allocate_same_date_keeps_order_and_skips_nothing_due():
    allocations, remainder = allocation.allocate(
        D('10.00'), [('x', JAN1, D('0')), ('y', JAN1, D('4.00')),
            ('z', JAN1, D('9.00'))])
    assert allocations == [('y', D('4.00')), ('z', D('6.00'))]
    assert remainder == 0


def test_allocate_undated_last():
    allocations, _ = allocation.allocate(
        D('5'), [('u', None, D('5')), ('d', FEB1, D('5'))])
    assert allocations == [('d', D('5'))]


def test_allocate_refuses_negative():
    with pytest.raises(ValueError):
        allocation.allocate(D('-1'), [])


def test_allocate_by_hand():
    allocations, remainder = allocation.allocate_by_hand(D('100'), [
            ('a', D('30'), D('40')), ('b', D('0'), D('10')),
            ('c', D('50'), D('50'))])
    assert allocations == [('a', D('30')), ('c', D('50'))]
    assert remainder == D('20')


@pytest.mark.parametrize('wanted, error', [
        ([('a', D('41'), D('40'))], 'above_open'),
        ([('a', D('-1'), D('40'))], 'negative'),
        ([('a', D('40'), D('40')), ('b', D('70'), D('80'))], 'above_amount'),
        ])
def test_allocate_by_hand_errors(wanted, error):
    with pytest.raises(ValueError) as info:
        allocation.allocate_by_hand(D('100'), wanted)
    assert info.value.args[0] == error


def test_apply_credits_keeps_remainder():
    plan = allocation.apply_credits(D('120.00'), [
            ('old', JAN1, D('100.00')), ('new', FEB1, D('240.00'))])
    assert plan == [('old', D('100.00'), D('0.00')),
        ('new', D('20.00'), D('220.00'))]


def test_apply_credits_nothing_due():
    assert allocation.apply_credits(D('0'), [('a', JAN1, D('10'))]) == []


def test_apply_credits_not_enough():
    plan = allocation.apply_credits(D('500'), [('a', JAN1, D('240'))])
    assert plan == [('a', D('240'), D('0'))]


def test_days_overdue():
    today = dt.date(2026, 3, 1)
    assert allocation.days_overdue([FEB1, JAN15, None], today) == 45
    assert allocation.days_overdue([today, None], today) == 0
    assert allocation.days_overdue([], today) == 0


def test_remaining_to_credit():
    assert allocation.remaining_to_credit(5, [2]) == 3
    assert allocation.remaining_to_credit(5, [2, 3]) == 0
    assert allocation.remaining_to_credit(5, [6]) == 0
    assert allocation.remaining_to_credit(5, []) == 5


def test_total_may_be_negative():
    assert not allocation.total_may_be_negative(
        [(2, D('10.00')), (1, D('0')), (None, None)], [D('4.00'), None])
    assert not allocation.total_may_be_negative([], [])
    # a negative quantity, a negative price, not both
    assert allocation.total_may_be_negative([(-1, D('10.00'))], [])
    assert allocation.total_may_be_negative(
        [(1, D('10.00')), (3, D('-0.01'))], [D('2.00')])
    assert not allocation.total_may_be_negative([(-1, D('-10.00'))], [])
    # a negative tax (a withholding) on positive lines
    assert allocation.total_may_be_negative(
        [(1, D('10.00'))], [D('-12.00')])
