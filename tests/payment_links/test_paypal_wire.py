# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PayPal Orders v2 through the official paypal-server-sdk against a PayPal
API on loopback; webhooks verified by (the loopback's) PayPal verification
API over the documented transmission signature"""
import json
import time
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from mentorsig_payment_links.providers import ProviderError, paypal
from provider_servers import PayPalAPI, paypal_event, paypal_refund

CLIENT_ID, SECRET, WEBHOOK_ID = 'AcL1ent', 'EKs3cret', '8PT597110X687430LKGECATA'


@pytest.fixture
def api():
    server = PayPalAPI(CLIENT_ID, SECRET, WEBHOOK_ID).start()
    try:
        yield server
    finally:
        server.stop()


def client(api, secret=SECRET, timeout=5):
    return paypal.client(CLIENT_ID, secret, api_base=api.url,
        timeout=timeout)


def make_order(api, secret=SECRET, **changes):
    values = dict(amount=Decimal('1481.48'), currency='EUR', digits=2,
        reference=paypal.reference(12, 3), invoice_number='FA2026-0001-ab',
        description='Démo FA2026-0001',
        return_url='https://erp.example.com/db/pay/t/paypal/return',
        cancel_url='https://erp.example.com/db/pay/t', locale='fr-FR',
        key='idem-1')
    values.update(changes)
    return paypal.create_order(client(api, secret=secret), **values)


def test_order_request_amount_as_string_and_idempotency(api):
    order_id, url = make_order(api)
    assert url == 'https://www.sandbox.paypal.com/checkoutnow?token=' + (
        order_id)
    token, = api.calls('/v1/oauth2/token')
    request, = api.calls('/v2/checkout/orders')
    body = json.loads(request['body'])
    assert body['intent'] == 'CAPTURE'
    unit, = body['purchase_units']
    # a decimal string, never a float
    assert unit['amount'] == {'currency_code': 'EUR', 'value': '1481.48'}
    assert '"value": "1481.48"' in request['body']   # on the wire too
    assert unit['custom_id'] == 'MSG-12-3'
    assert unit['invoice_id'] == 'FA2026-0001-ab'
    context = body['payment_source']['paypal']['experience_context']
    assert context['return_url'].endswith('/paypal/return')
    assert context['user_action'] == 'PAY_NOW'
    assert request['headers']['Paypal-Request-Id'] == 'idem-1'
    assert request['headers']['Authorization'].startswith('Bearer A21AA')
    # the same request id gives the same order back
    assert make_order(api) == (order_id, url)
    assert len(api.orders) == 1


def test_bad_credentials_and_provider_down(api):
    with pytest.raises(ProviderError):
        make_order(api, secret='wrong')
    assert not api.orders
    api.fail = True
    with pytest.raises(ProviderError):
        make_order(api)
    api.fail = False
    api.delay = 2
    started = time.monotonic()
    with pytest.raises(ProviderError):
        paypal.create_order(client(api, timeout=0.5), amount=Decimal(1),
            currency='EUR', digits=2, reference='MSG-1-1',
            invoice_number='X', description='X', return_url='https://x',
            cancel_url='https://x', locale='fr-FR', key='k')
    assert time.monotonic() - started < 2


@given(st.decimals(min_value=Decimal('0.01'), max_value=Decimal('999999.99'),
        places=2))
def test_decimal_string_round_trips(amount):
    text = paypal.decimal_string(amount, 2)
    assert Decimal(text) == amount and len(text.split('.')[1]) == 2


def test_decimal_string_of_zero_digit_currency_and_too_fine():
    assert paypal.decimal_string(Decimal('1500'), 0) == '1500'
    with pytest.raises(ValueError):
        paypal.decimal_string(Decimal('1.005'), 2)


def test_capture_completed_confirms_once_pending_confirms_nothing(api):
    order_id, _ = make_order(api)
    with pytest.raises(ProviderError):       # not approved by the buyer
        paypal.capture_order(client(api), order_id)
    api.approved.add(order_id)
    order = paypal.capture_order(client(api), order_id)
    confirmation, = paypal.captured(order)
    assert confirmation.amount == Decimal('1481.48')
    assert confirmation.currency == 'EUR'
    assert confirmation.metadata == {'invoice': '12', 'link': '3'}
    assert confirmation.booking == 'payment:' + confirmation.transaction
    # captured again (the same PayPal-Request-Id): the same answer
    again = paypal.capture_order(client(api), order_id)
    assert paypal.captured(again)[0].booking == confirmation.booking
    other, _ = make_order(api, key='idem-2')
    api.approved.add(other)
    api.capture_as[other] = {'status': 'PENDING'}
    assert paypal.captured(paypal.capture_order(client(api), other)) == []


def test_capture_of_an_order_captured_already_reads_it_back(api):
    order_id, _ = make_order(api)
    with pytest.raises(ProviderError) as refused:
        paypal.capture_order(client(api), order_id)
    assert refused.value.status == 422
    assert refused.value.issue == 'ORDER_NOT_APPROVED'
    api.approved.add(order_id)
    # captured by another caller (another PayPal-Request-Id): PayPal
    # refuses ours with ORDER_ALREADY_CAPTURED, the order is read back
    capture_id = api.capture(order_id, 'another-request-id')
    order = paypal.capture_order(client(api), order_id)
    confirmation, = paypal.captured(order)
    assert confirmation.transaction == capture_id
    assert confirmation.amount == Decimal('1481.48')
    assert confirmation.metadata == {'invoice': '12', 'link': '3'}
    shown, = api.calls('/v2/checkout/orders/' + order_id)
    assert shown['method'] == 'GET'
    # an order not captured reads back with nothing to book
    other, _ = make_order(api, key='idem-3')
    assert paypal.captured(paypal.get_order(client(api), other)) == []


@pytest.mark.parametrize('order_id', ['', '../../v1/oauth2/token', 'a b'])
def test_capture_refuses_what_is_not_an_order_id(api, order_id):
    with pytest.raises(ValueError):
        paypal.capture_order(client(api), order_id)
    assert not api.calls('/v1/oauth2/token')


def capture_completed(capture_id='3C679366HH908993F', value='1481.48',
        currency='EUR', event_id='WH-1'):
    return paypal_event('PAYMENT.CAPTURE.COMPLETED', {
            'id': capture_id, 'status': 'COMPLETED',
            'amount': {'currency_code': currency, 'value': value},
            'custom_id': 'MSG-12-3', 'invoice_id': 'FA2026-0001-ab',
            'supplementary_data': {'related_ids': {
                    'order_id': '5O190127TN364715T'}}}, event_id)


def test_signed_webhook_verified_by_paypal(api):
    payload, headers = api.webhook(capture_completed())
    event = paypal.verify_event(client(api), headers, payload, WEBHOOK_ID)
    confirmation = paypal.confirmation(event)
    assert confirmation.booking == 'payment:3C679366HH908993F'
    assert confirmation.amount == Decimal('1481.48')
    verification, = api.calls('/v1/notifications/verify-webhook-signature')
    sent = json.loads(verification['body'])
    assert sent['webhook_id'] == WEBHOOK_ID
    assert sent['transmission_id'] == headers['PAYPAL-TRANSMISSION-ID']
    assert sent['webhook_event'] == json.loads(payload)
    # the raw body went as it came
    assert payload in verification['body']


def test_forged_tampered_or_other_webhook_refused(api):
    from provider_servers import PayPalAPI as Other
    forger = Other(CLIENT_ID, SECRET, WEBHOOK_ID)
    payload, headers = api.webhook(capture_completed(), signer=forger)
    with pytest.raises(ValueError):
        paypal.verify_event(client(api), headers, payload, WEBHOOK_ID)
    payload, headers = api.webhook(capture_completed())
    with pytest.raises(ValueError):
        paypal.verify_event(client(api), headers,
            payload.replace('1481.48', '1.00'), WEBHOOK_ID)
    # signed for another webhook (another company's endpoint)
    payload, headers = api.webhook(capture_completed(), webhook_id='OTHER')
    with pytest.raises(ValueError):
        paypal.verify_event(client(api), headers, payload, 'OTHER')
    with pytest.raises(ValueError):
        paypal.verify_event(client(api), headers, payload, None)
    headers.pop('PAYPAL-TRANSMISSION-SIG')
    with pytest.raises(ValueError):
        paypal.verify_event(client(api), headers, payload, WEBHOOK_ID)


def test_verification_unreachable_is_a_provider_error(api):
    payload, headers = api.webhook(capture_completed())
    api.fail = True
    with pytest.raises(ProviderError):
        paypal.verify_event(client(api), headers, payload, WEBHOOK_ID)


def test_refund_and_reversal_point_at_their_capture():
    refund = paypal_event('PAYMENT.CAPTURE.REFUNDED', paypal_refund(
            '3C679366HH908993F', '20.00', 'EUR'), 'WH-R')
    confirmation = paypal.confirmation(refund)
    assert confirmation.kind == 'reversal' and not confirmation.cumulative
    assert confirmation.transaction == '3C679366HH908993F'
    assert confirmation.amount == Decimal('20.00')
    assert confirmation.booking == 'refund:1JU08902781691411'
    reversed_ = paypal_event('PAYMENT.CAPTURE.REVERSED', paypal_refund(
            '3C679366HH908993F', '1481.48', 'EUR', '8GS80565'), 'WH-V')
    assert paypal.confirmation(reversed_).booking == 'reversal:8GS80565'
    other = paypal_event('CHECKOUT.ORDER.APPROVED', {'id': '5O19'}, 'WH-A')
    assert paypal.confirmation(other) is None
    assert paypal.approved_order(other) == '5O19'
    pending = capture_completed()
    pending['resource']['status'] = 'PENDING'
    assert paypal.confirmation(pending) is None


def test_reference_parsed_strictly():
    assert paypal.parse_reference(paypal.reference(12, 3)) == {
        'invoice': '12', 'link': '3'}
    for value in [None, '', 'MSG-12', 'MSG-a-3', 'MSG-12-3-4', 'X-12-3']:
        assert paypal.parse_reference(value) == {}
