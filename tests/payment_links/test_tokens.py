# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Tokens, expiry, amounts and the booking decision: pure functions"
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from mentorsig_payment_links import tokens


def test_tokens_are_256_bits_and_differ():
    made = {tokens.new_token() for _ in range(1000)}
    assert len(made) == 1000
    for token in made:
        assert tokens.well_formed(token)
        # 43 base64url characters: 258 bits of text for 256 random bits
        assert len(token) == 43


@given(st.text())
def test_hash_is_sha256_hex_of_any_text(text):
    digest = tokens.token_hash(text)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert tokens.token_hash(text) == digest


def test_hash_differs_per_token_and_hides_it():
    token = tokens.new_token()
    other = token[:-1] + ('A' if token[-1] != 'A' else 'B')
    assert tokens.token_hash(token) != tokens.token_hash(other)
    assert token not in tokens.token_hash(token)


@pytest.mark.parametrize('token', [
        '', 'x' * 42, 'x' * 44, 'a/b' + 'c' * 40, None, 12, "'" * 43])
def test_malformed_tokens(token):
    assert not tokens.well_formed(token)
    tokens.token_hash(token)  # hashed all the same, no error


# a year before the last date Python has: the expiry, and the bounds this
# test computes, are up to 365 days later (9999-10-01 + 92 days overflows)
DATES = st.dates(max_value=dt.date(9998, 12, 31))


@given(DATES, st.one_of(st.none(), DATES),
    st.integers(min_value=1, max_value=365))
def test_expiry_after_due_date_and_today(today, due, days):
    expiry = tokens.link_expiry(today, due, days)
    assert expiry >= today + dt.timedelta(days=days)
    if due:
        assert expiry >= due + dt.timedelta(days=days)
        assert expiry == max(today, due) + dt.timedelta(days=days)


def test_default_is_due_date_plus_validity():
    assert tokens.link_expiry(dt.date(2026, 3, 1), dt.date(2026, 3, 31),
        60) == dt.date(2026, 5, 30)


@given(st.integers(min_value=0, max_value=10 ** 12),
    st.sampled_from([0, 2, 3]))
def test_minor_units_round_trip(units, digits):
    amount = tokens.from_minor_units(units, digits)
    assert isinstance(amount, Decimal)
    assert tokens.to_minor_units(amount, digits) == units


def test_minor_units_are_exact():
    assert tokens.to_minor_units(Decimal('1481.48'), 2) == 148148
    assert tokens.to_minor_units(Decimal('1000'), 0) == 1000
    with pytest.raises(ValueError):
        tokens.to_minor_units(Decimal('10.005'), 2)
    with pytest.raises(ValueError):
        tokens.from_minor_units(10.5, 2)
    with pytest.raises(ValueError):
        tokens.from_minor_units(True, 2)


@given(st.decimals(min_value=-1000, max_value=10000, places=2),
    st.decimals(min_value=0, max_value=10000, places=2))
def test_decide(paid, due):
    decision, reason = tokens.decide(paid, 'EUR', due, 'EUR')
    if 0 < paid <= due:
        assert (decision, reason) == ('book', None)
    else:
        assert decision == 'review'
        assert reason == ('amount' if paid <= 0 else 'overpaid')


def test_decide_currency_first():
    assert tokens.decide(Decimal(10), 'usd', Decimal(10), 'EUR') == (
        'review', 'currency')
    assert tokens.decide(Decimal(10), 'eur', Decimal(10), 'EUR') == (
        'book', None)
    assert tokens.decide(Decimal(10), None, Decimal(10), 'EUR') == (
        'review', 'currency')


def test_keyed_token_is_the_key_s_alone():
    token = tokens.keyed_token('server key', 'a1b2')
    assert tokens.well_formed(token)
    assert token == tokens.keyed_token(b'server key', 'a1b2')
    assert token != tokens.keyed_token('other key', 'a1b2')
    assert token != tokens.keyed_token('server key', 'a1b3')
