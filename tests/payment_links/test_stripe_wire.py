# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Stripe through the official library: the Checkout Session against a
Stripe API on loopback, webhooks signed by stripe's own helper"""
import time
from decimal import Decimal

import pytest

from mentorsig_payment_links.providers import ProviderError, stripe_checkout
from provider_servers import (
    StripeAPI, checkout_completed, signed, stripe_event)

SECRET = 'whsec_test_secret'


@pytest.fixture
def api():
    server = StripeAPI().start()
    try:
        yield server
    finally:
        server.stop()


def make_session(api, timeout=5, **changes):
    values = dict(amount=Decimal('1481.48'), currency='EUR', digits=2,
        reference='FA2026-0001', description='Démo FA2026-0001',
        metadata={'invoice': '12', 'link': '3'},
        success_url='https://erp.example.com/return',
        cancel_url='https://erp.example.com/pay', email='c@example.com',
        key='idem-1')
    values.update(changes)
    client = stripe_checkout.client('sk_test_123', api_base=api.url,
        timeout=timeout)
    return stripe_checkout.create_session(client, **values)


def test_session_in_integer_cents_with_idempotency_key(api):
    url = make_session(api)
    assert url.startswith('https://checkout.stripe.com/')
    request, = api.requests
    form = request['form']
    assert request['path'] == '/v1/checkout/sessions'
    assert form['line_items[0][price_data][unit_amount]'] == ['148148']
    assert form['line_items[0][price_data][currency]'] == ['eur']
    assert form['metadata[invoice]'] == ['12']
    assert form['payment_intent_data[metadata][invoice]'] == ['12']
    assert request['headers']['Idempotency-Key'] == 'idem-1'
    assert request['headers']['Authorization'] == 'Bearer sk_test_123'
    # the same key gives the same session back
    assert make_session(api) == url


def test_idempotency_key_per_link_amount_and_day():
    key = stripe_checkout.idempotency_key
    assert key(3, Decimal('10'), 'EUR', '2026-12-01') == key(
        3, Decimal('10'), 'EUR', '2026-12-01')
    assert len({key(3, Decimal('10'), 'EUR', '2026-12-01'),
            key(4, Decimal('10'), 'EUR', '2026-12-01'),
            key(3, Decimal('9'), 'EUR', '2026-12-01'),
            key(3, Decimal('10'), 'EUR', '2026-12-02')}) == 4


def test_provider_down_or_slow(api):
    api.fail = True
    with pytest.raises(ProviderError):
        make_session(api)
    api.fail = False
    api.delay = 2
    started = time.monotonic()
    with pytest.raises(ProviderError):
        make_session(api, timeout=0.5)
    assert time.monotonic() - started < 2


def session():
    return StripeAPI.session({
            'line_items[0][price_data][unit_amount]': ['148148'],
            'line_items[0][price_data][currency]': ['eur'],
            'metadata[invoice]': ['12'], 'metadata[link]': ['3'],
            }, 1)


def test_signed_webhook_verified():
    payload, header = signed(checkout_completed(session()), SECRET)
    event = stripe_checkout.verify_event(payload, header, SECRET)
    confirmation = stripe_checkout.confirmation(event, lambda c: 2)
    assert confirmation.amount == Decimal('1481.48')
    assert confirmation.currency == 'EUR'
    assert confirmation.transaction == 'pi_test_1'
    assert confirmation.booking == 'payment:pi_test_1'
    assert confirmation.metadata == {'invoice': '12', 'link': '3'}


def test_forged_signature_refused():
    payload, header = signed(checkout_completed(session()), 'whsec_other')
    with pytest.raises(ValueError):
        stripe_checkout.verify_event(payload, header, SECRET)


def test_tampered_body_refused():
    payload, header = signed(checkout_completed(session()), SECRET)
    with pytest.raises(ValueError):
        stripe_checkout.verify_event(
            payload.replace('148148', '1'), header, SECRET)


def test_stale_timestamp_refused():
    payload, header = signed(checkout_completed(session()), SECRET,
        timestamp=int(time.time()) - 301)
    with pytest.raises(ValueError):
        stripe_checkout.verify_event(payload, header, SECRET)
    payload, header = signed(checkout_completed(session()), SECRET,
        timestamp=int(time.time()) - 200)
    stripe_checkout.verify_event(payload, header, SECRET)


@pytest.mark.parametrize('header', [None, '', 't=1', 'v1=abc'])
def test_missing_signature_refused(header):
    payload, _ = signed(checkout_completed(session()), SECRET)
    with pytest.raises(ValueError):
        stripe_checkout.verify_event(payload, header, SECRET)


def test_no_secret_refuses_everything():
    payload, header = signed(checkout_completed(session()), SECRET)
    with pytest.raises(ValueError):
        stripe_checkout.verify_event(payload, header, None)


def test_payment_intent_is_the_same_payment():
    intent = stripe_event('payment_intent.succeeded', {
            'id': 'pi_test_1', 'object': 'payment_intent',
            'amount_received': 148148, 'currency': 'eur',
            'metadata': {'invoice': '12', 'link': '3'}}, 'evt_test_2')
    one = stripe_checkout.confirmation(intent, lambda c: 2)
    other = stripe_checkout.confirmation(
        checkout_completed(session()), lambda c: 2)
    assert one.booking == other.booking and one.event_id != other.event_id


def test_unpaid_session_and_other_events_change_nothing():
    unpaid = stripe_event('checkout.session.completed',
        dict(session(), payment_status='unpaid'))
    assert stripe_checkout.confirmation(unpaid, lambda c: 2) is None
    other = stripe_event('customer.created', {'id': 'cus_1'})
    assert stripe_checkout.confirmation(other, lambda c: 2) is None


def test_refund_is_cumulative_and_dispute_its_own():
    refund = stripe_event('charge.refunded', {
            'id': 'ch_1', 'object': 'charge', 'payment_intent': 'pi_test_1',
            'amount_refunded': 5000, 'currency': 'eur'}, 'evt_r')
    confirmation = stripe_checkout.confirmation(refund, lambda c: 2)
    assert confirmation.kind == 'reversal' and confirmation.cumulative
    assert confirmation.amount == Decimal('50.00')
    dispute = stripe_event('charge.dispute.created', {
            'id': 'dp_1', 'object': 'dispute', 'charge': 'ch_1',
            'payment_intent': 'pi_test_1', 'amount': 148148,
            'currency': 'eur'}, 'evt_d')
    confirmation = stripe_checkout.confirmation(dispute, lambda c: 2)
    assert confirmation.kind == 'reversal' and not confirmation.cumulative
    assert confirmation.booking == 'dispute:dp_1'
