# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The payments' write that gathers the records given the same values (the
host's save writes each record alone)"""
from decimal import Decimal
from types import SimpleNamespace

from mentorsig_sepa.payment import merge_writes


def records(*ids):
    return [SimpleNamespace(id=i) for i in ids]


def ids(args):
    return [([r.id for r in rs], values)
        for rs, values in zip(args[::2], args[1::2])]


def test_same_values_in_one_pair():
    args = (records(1), {'sepa_mandate': 7, 'sepa_mandate_sequence_type':
            'RCUR'}, records(2), {'sepa_mandate': 8,
            'sepa_mandate_sequence_type': 'RCUR'}, records(3), {
            'sepa_mandate_sequence_type': 'RCUR', 'sepa_mandate': 7})
    assert ids(merge_writes(args)) == [
        ([1, 3], {'sepa_mandate': 7, 'sepa_mandate_sequence_type': 'RCUR'}),
        ([2], {'sepa_mandate': 8, 'sepa_mandate_sequence_type': 'RCUR'})]


def test_equal_values_of_other_types_apart():
    args = (records(1), {'flag': True}, records(2), {'flag': 1},
        records(3), {'flag': Decimal(1)}, records(4), {'flag': True})
    assert ids(merge_writes(args)) == [([1, 4], {'flag': True}),
        ([2], {'flag': 1}), ([3], {'flag': Decimal(1)})]


def test_record_in_two_pairs_unchanged():
    # the later pair must win: nothing is reordered
    args = (records(1), {'state': 'a'}, records(2), {'state': 'b'},
        records(1), {'state': 'b'})
    assert merge_writes(args) is args


def test_unhashable_values_alone():
    lines = {'lines': [('add', [5])]}
    args = (records(1), lines, records(2), dict(lines), records(3), {})
    assert ids(merge_writes(args)) == [([1], lines), ([2], lines), ([3], {})]


def test_one_pair_unchanged():
    args = (records(1, 2), {'state': 'a'})
    assert merge_writes(args) is args
