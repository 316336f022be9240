# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The translation of the list columns of the extra fields (named without
a dot for sao's filter builder) to the host's Dict key paths, without a
database."""
from hypothesis import given
from hypothesis import strategies as st

from mentorsig_extra_field.columns import (
    dict_key_domain, dict_key_name, dict_key_order)

KEYS = st.from_regex(r'[a-z][a-z0-9_]{0,10}', fullmatch=True)
NAMES = st.one_of(
    KEYS.map(lambda k: 'extra_fields__' + k),
    st.sampled_from(['name', 'party.name', 'extra_fields', 'extra_fields.x',
            'extra_fieldsx', 'lines.extra_fields']))
OPERATORS = st.sampled_from(['=', '!=', 'ilike', 'in', 'not ilike'])
LEAVES = st.tuples(NAMES, OPERATORS, st.one_of(
        st.none(), st.booleans(), st.text(max_size=5)))
DOMAINS = st.recursive(
    st.lists(LEAVES, max_size=3),
    lambda children: st.tuples(
        st.sampled_from(['OR', 'AND']), children, children).map(list)
    | st.lists(children, max_size=3),
    max_leaves=10)


def test_dict_key_name():
    assert dict_key_name('extra_fields__chantier') == 'extra_fields.chantier'
    assert dict_key_name('extra_fields__bon_commande') == (
        'extra_fields.bon_commande')
    for name in ['name', 'extra_fields', 'extra_fields.chantier',
            'extra_fields_chantier', 'lines.extra_fields__chantier']:
        assert dict_key_name(name) == name


def test_dict_key_domain_example():
    'What sao sends for `Chantier: Lyon;Paris "Bon de commande": BC`'
    assert dict_key_domain([
            ('extra_fields__chantier', 'in', ['lyon', 'paris']),
            ['OR', ('extra_fields__bon_commande', 'ilike', '%BC%'),
                ('number', '=', 'F1')],
            ]) == [
        ('extra_fields.chantier', 'in', ['lyon', 'paris']),
        ['OR', ('extra_fields.bon_commande', 'ilike', '%BC%'),
            ('number', '=', 'F1')],
        ]


def _names(domain):
    if isinstance(domain, tuple):
        return [domain[0]]
    return [n for d in domain if not isinstance(d, str) for n in _names(d)]


@given(DOMAINS)
def test_dict_key_domain(domain):
    "Only the names of the columns change, nothing else of the domain"
    result = dict_key_domain(domain)
    assert _names(result) == [dict_key_name(n) for n in _names(domain)]
    assert not [n for n in _names(result) if n.startswith('extra_fields__')]
    assert repr(result).replace('extra_fields.', '') == repr(
        domain).replace('extra_fields__', '').replace('extra_fields.', '')


@given(st.lists(st.tuples(NAMES, st.sampled_from(
                ['ASC', 'DESC', 'ASC NULLS FIRST', None]))))
def test_dict_key_order(order):
    assert dict_key_order(order) == [
        (dict_key_name(n), t) for n, t in order]


def test_dict_key_order_empty():
    "The host's default order (None) and no order ([]) are kept"
    assert dict_key_order(None) is None
    assert dict_key_order([]) == []
