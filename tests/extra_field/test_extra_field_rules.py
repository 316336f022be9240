# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pure rules of the extra fields, without a database."""
import datetime as dt
from collections import namedtuple
from decimal import Decimal

import pytest

from mentorsig_extra_field import extra_field_rules as rules

OPTIONS = rules.parse_options("lyon: Lyon\nparis: Paris\n\nmarseille")
Definition = namedtuple('Definition', ['name', 'type_', 'required'])


@pytest.mark.parametrize('name, error', [
        ('chantier', None),
        ('bon_de_commande_2', None),
        ('', 'name_empty'),
        (None, 'name_empty'),
        ('Chantier', 'name_invalid'),
        ('2chantier', 'name_invalid'),
        ('_chantier', 'name_invalid'),
        ('chan tier', 'name_invalid'),
        ('chantier.ville', 'name_invalid'),
        ('chantier-ville', 'name_invalid'),
        ('é', 'name_invalid'),
        ('class', 'name_keyword'),
        ('a' * 63, None),
        ('a' * 64, 'name_too_long'),
        ])
def test_check_name(name, error):
    assert rules.check_name(name) == error


def test_parse_options():
    assert OPTIONS == [
        ('lyon', 'Lyon'), ('paris', 'Paris'), ('marseille', 'marseille')]


@pytest.mark.parametrize('type_, options, error', [
        ('char', [], None),
        ('selection', OPTIONS, None),
        ('selection', [], 'options_missing'),
        ('multiselection', [('', 'Empty key')], 'options_missing'),
        ('selection', [('a', 'A'), ('a', 'B')], 'options_duplicate'),
        ])
def test_check_options(type_, options, error):
    assert rules.check_options(type_, options) == error


@pytest.mark.parametrize('type_, value, error', [
        ('char', "BC-42", None),
        ('char', 42, 'wrong_type'),
        ('text', "line 1\nline 2", None),
        ('integer', 3, None),
        ('integer', True, 'wrong_type'),
        ('integer', "3", 'wrong_type'),
        ('integer', Decimal('3'), 'wrong_type'),
        ('numeric', Decimal('12.50'), None),
        ('numeric', Decimal('12.500'), None),
        ('numeric', 12, None),
        ('numeric', Decimal('12.345'), 'too_many_digits'),
        ('numeric', Decimal('NaN'), 'wrong_type'),
        ('numeric', "12.5", 'wrong_type'),
        ('numeric', False, 'wrong_type'),
        ('date', dt.date(2026, 11, 27), None),
        ('date', dt.datetime(2026, 11, 27, 10), 'wrong_type'),
        ('date', "2026-11-27", 'wrong_type'),
        ('datetime', dt.datetime(2026, 11, 27, 10), None),
        ('datetime', dt.date(2026, 11, 27), 'wrong_type'),
        ('boolean', False, None),
        ('boolean', 1, 'wrong_type'),
        ('selection', 'lyon', None),
        ('selection', 'Lyon', 'not_an_option'),
        ('selection', ['lyon'], 'wrong_type'),
        ('multiselection', ['lyon', 'paris'], None),
        ('multiselection', ('lyon',), None),
        ('multiselection', ['lyon', 'nice'], 'not_an_option'),
        ('multiselection', 'lyon', 'wrong_type'),
        ('char', None, None),
        ('integer', '', None),
        ('multiselection', [], None),
        ])
def test_check_value(type_, value, error):
    assert rules.check_value(type_, value, OPTIONS, digits=2) == error


def test_check_value_unknown_type():
    with pytest.raises(ValueError):
        rules.check_value('color', '#fff')


@pytest.mark.parametrize('type_, text, value', [
        ('char', " BC-42 ", "BC-42"),
        ('integer', "7", 7),
        ('numeric', "12,50", Decimal('12.50')),
        ('date', "2026-12-31", dt.date(2026, 12, 31)),
        ('datetime', "2026-12-31 14:30", dt.datetime(2026, 12, 31, 14, 30)),
        ('boolean', "oui", True),
        ('boolean', "No", False),
        ('selection', "paris", 'paris'),
        ('multiselection', "lyon, paris", ['lyon', 'paris']),
        ('char', "", None),
        ('integer', None, None),
        ])
def test_parse_default(type_, text, value):
    assert rules.parse_default(type_, text, OPTIONS, digits=2) == value


@pytest.mark.parametrize('type_, text', [
        ('integer', "7.5"),
        ('numeric', "douze"),
        ('numeric', "1.234"),
        ('numeric', "inf"),
        ('date', "31/12/2026"),
        ('datetime', "demain"),
        ('boolean', "peut-être"),
        ('selection', "nice"),
        ('multiselection', "lyon, nice"),
        ])
def test_parse_default_refused(type_, text):
    with pytest.raises(ValueError):
        rules.parse_default(type_, text, OPTIONS, digits=2)


def test_missing_required():
    definitions = [
        Definition('chantier', 'selection', True),
        Definition('bon', 'char', True),
        Definition('note', 'char', False),
        Definition('urgent', 'boolean', True),
        Definition('lots', 'multiselection', True),
        ]
    missing = rules.missing_required(definitions, {
            'chantier': 'lyon', 'bon': '', 'urgent': False, 'lots': []})
    assert [d.name for d in missing] == ['bon', 'lots']
    assert [d.name for d in rules.missing_required(definitions, None)] == [
        'chantier', 'bon', 'urgent', 'lots']


def test_count_incompatible_type_change():
    stored = [
        {'ref': "12"}, {'ref': "BC-42"}, {'ref': 7}, {'other': "x"}, None, {}]
    # every stored value is text but one, which no longer fits
    assert rules.count_incompatible(stored, 'ref', 'char') == 1
    assert rules.count_incompatible(stored, 'ref', 'integer') == 2
    assert rules.count_incompatible(
        stored, 'ref', 'selection', [('12', "Twelve"), ('BC-42', "BC")]) == 1


def test_count_holding():
    stored = [{'ref': "12"}, {'ref': ""}, {'ref': None}, {'ref': False},
        {'other': "x"}, None]
    assert rules.count_holding(stored, 'ref') == 2
