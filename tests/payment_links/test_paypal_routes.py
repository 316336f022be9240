# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PayPal through the public routes on the suite's database (SQLite and
PostgreSQL): the official SDK against a PayPal API on loopback, webhooks
signed as PayPal signs them and verified by that API.  The order's
request, the server-side capture, a replayed or forged webhook, a partial
payment, a currency mismatch, a refund, a provider down; and the same
event told twice at once, by threads against the real route."""
import urllib.parse
from decimal import Decimal

import pytest
from proteus import Model
from werkzeug.test import Client

import trytond.config as config
from trytond.modules.account.tests.tools import create_chart
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.transaction import Transaction

from mentorsig_suite import activate_suite
from payment_link_books import (
    BASE, at_once, books, make_link, path, post_invoice, reload,
    shared_database)
from provider_servers import PayPalAPI, paypal_event, paypal_refund

CLIENT_ID, SECRET, WEBHOOK_ID = 'AcL1entA', 'EKs3cretA', '8PT597110X68743A'


@pytest.fixture(scope='module')
def world():
    proteus = activate_suite(create_company, create_chart)
    api = PayPalAPI(CLIENT_ID, SECRET, WEBHOOK_ID).start()
    if not config._config.has_section('mentorsig_payment_links'):
        config._config.add_section('mentorsig_payment_links')
    config.set('mentorsig_payment_links', 'paypal_api_base', api.url)
    config.set('mentorsig_payment_links', 'timeout', '1')
    try:
        company = get_company()
        for identifier in [('fr_siren', '732829320'),
                ('eu_vat', 'FR44732829320')]:
            company.party.identifiers.new(
                type=identifier[0], code=identifier[1])
        company.party.save()
        _, accounts, tax = books(company, 'whsec_unused', 'A')
        Configuration = Model.get('mentorsig.configuration')
        configuration = Configuration(1)
        configuration.payment_link_stripe = False
        configuration.payment_link_paypal = True
        configuration.payment_link_paypal_client_id = CLIENT_ID
        configuration.payment_link_paypal_secret = SECRET
        configuration.payment_link_paypal_webhook_id = WEBHOOK_ID
        configuration.payment_link_paypal_method = (
            configuration.payment_link_stripe_method)
        configuration.save()
        Party = Model.get('party.party')
        Lang = Model.get('ir.lang')
        customer = Party(name="Client Lumière",
            lang=Lang.find([('code', '=', 'fr')])[0])
        customer.save()
        invoices = [post_invoice(customer, accounts, tax, Decimal('100'))
            for _ in range(7)]
        from trytond.wsgi import app
        yield {'http': Client(app), 'app': app, 'api': api,
            'company': company, 'invoices': invoices}
    finally:
        api.stop()
        for option in ['paypal_api_base', 'timeout']:
            config._config.remove_option('mentorsig_payment_links', option)
        config._cache_clear()
        drop_db()


def start_order(world, url):
    "The customer's click on 'Pay with PayPal': the order PayPal made"
    api = world['api']
    response = world['http'].post(path(url) + '/paypal')
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers['Location']
    assert location.startswith(
        'https://www.sandbox.paypal.com/checkoutnow?token=')
    return location.split('token=')[1], api.calls('/v2/checkout/orders')[-1]


def back_from_paypal(world, url, order_id):
    "PayPal sends the customer back with the order's id as `token`"
    return world['http'].get(path(url) + '/paypal/return?' + (
            urllib.parse.urlencode({'token': order_id,
                    'PayerID': 'QYR5Z8XDVJNXQ'})))


def webhook(world, event, **options):
    payload, headers = world['api'].webhook(event, **options)
    return post_webhook(world['http'], world, payload, headers)


def post_webhook(http, world, payload, headers):
    return http.post('/%s/mentorsig_payment_links/webhook/paypal/%d' % (
            DB_NAME, world['company'].id), data=payload, headers=headers)


def capture_event(capture_id, invoice, link, value, currency=None,
        event_id='WH-1'):
    return paypal_event('PAYMENT.CAPTURE.COMPLETED', {
            'id': capture_id, 'status': 'COMPLETED',
            'amount': {'currency_code': currency or invoice.currency.code,
                'value': value},
            'custom_id': 'MSG-%d-%d' % (invoice.id, link.id),
            'invoice_id': invoice.number}, event_id)


def last_link(invoice):
    link, = Model.get('mentorsig.payment_link').find([
            ('invoice', '=', invoice.id)], order=[('id', 'DESC')], limit=1)
    return link


def events(**domain):
    return Model.get('mentorsig.payment_link.event').find(
        [(k, '=', v) for k, v in domain.items()], order=[('id', 'ASC')])


def test_page_button_and_order_request(world):
    invoice = world['invoices'][0]
    url = make_link(invoice)
    html = world['http'].get(path(url)).get_data(as_text=True)
    assert 'Payer avec PayPal' in html
    assert 'Payer avec Stripe' not in html
    order_id, request = start_order(world, url)
    body = world['api'].orders[order_id]
    unit, = body['purchase_units']
    assert body['intent'] == 'CAPTURE'
    assert unit['amount'] == {
        'currency_code': invoice.currency.code, 'value': '120.00'}
    assert '"value": "120.00"' in request['body']
    assert unit['custom_id'] == 'MSG-%d-%d' % (
        invoice.id, last_link(invoice).id)
    assert unit['invoice_id'].startswith(invoice.number + '-')
    context = body['payment_source']['paypal']['experience_context']
    assert context['return_url'] == BASE + path(url) + '/paypal/return'
    assert context['locale'] == 'fr-FR'
    key = request['headers']['Paypal-Request-Id']
    assert len(key) == 64
    # a second click: the same request id, the same order
    again, request = start_order(world, url)
    assert again == order_id
    assert request['headers']['Paypal-Request-Id'] == key
    assert len(world['api'].orders) == 1


def test_return_alone_pays_nothing_capture_pays_once(world):
    invoice = world['invoices'][1]
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    # back without having approved, or with a made-up order: nothing paid
    for token in [order_id, 'NOTANORDER1', '../../v1/oauth2/token']:
        response = back_from_paypal(world, url, token)
        assert response.status_code == 200
        assert 'confirmation' in response.get_data(as_text=True)
    assert reload(invoice).state == 'posted'
    assert not events(invoice=invoice.id)
    # approved on PayPal: our capture's COMPLETED answer pays it
    world['api'].approved.add(order_id)
    response = back_from_paypal(world, url, order_id)
    assert response.status_code == 303
    # back to the link's page
    assert response.headers['Location'].endswith(
        '/pay/' + url.rsplit('/', 1)[1])
    assert reload(invoice).state == 'paid'
    booked, = events(invoice=invoice.id)
    assert booked.state == 'booked' and booked.amount == Decimal('120')
    capture_id = booked.transaction
    # PayPal's webhook of the same capture, then the same webhook again,
    # then the customer's return again: nothing more
    event = capture_event(capture_id, invoice, last_link(invoice),
        '120.00', event_id='WH-PAID-1')
    assert webhook(world, event).status_code == 204
    assert webhook(world, event).status_code == 204
    assert back_from_paypal(world, url, order_id).status_code == 303
    assert [e.state for e in events(invoice=invoice.id)] == [
        'booked', 'ignored']
    invoice = reload(invoice)
    assert invoice.amount_to_pay == 0 and len(invoice.payment_lines) == 1
    html = world['http'].get(path(url)).get_data(as_text=True)
    assert 'Facture payée' in html and 'Payer avec' not in html
    assert world['http'].post(path(url) + '/paypal').status_code == 404


@pytest.mark.parametrize('case', [
        'forged', 'tampered', 'other_webhook', 'no_headers', 'down'])
def test_unverified_webhooks_refused(world, case):
    invoice = world['invoices'][2]
    make_link(invoice)
    event = capture_event('CAPX' + case.upper(), invoice,
        last_link(invoice), '120.00', event_id='WH-X-' + case)
    api = world['api']
    payload, headers = api.webhook(event)
    if case == 'forged':
        forger = PayPalAPI(CLIENT_ID, SECRET, WEBHOOK_ID)
        payload, headers = api.webhook(event, signer=forger)
    elif case == 'tampered':
        payload = payload.replace('120.00', '1.00')
    elif case == 'other_webhook':
        payload, headers = api.webhook(event, webhook_id='8PT597110X68743B')
    elif case == 'no_headers':
        headers = {'Content-Type': 'application/json'}
    if case == 'down':
        api.fail = True
    try:
        response = post_webhook(world['http'], world, payload, headers)
    finally:
        api.fail = False
    # refused (PayPal sends it again after a 503), nothing said, nothing
    # recorded
    assert response.status_code == (503 if case == 'down' else 400)
    assert response.get_data() == b''
    assert reload(invoice).state == 'posted'
    assert not events(event_id='WH-X-' + case)


def test_partial_payment_then_currency_mismatch(world):
    invoice = world['invoices'][3]
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    world['api'].approved.add(order_id)
    # PayPal captured 50.00 of 120.00: booked, the rest due
    world['api'].capture_as[order_id] = {
        'amount': {'currency_code': invoice.currency.code, 'value': '50.00'}}
    assert back_from_paypal(world, url, order_id).status_code == 303
    invoice = reload(invoice)
    assert invoice.state == 'posted'
    assert invoice.amount_to_pay == Decimal('70.00')
    assert '70,00' in world['http'].get(path(url)).get_data(as_text=True)
    # a capture in another currency: held for review, nothing booked
    other = 'GBP' if invoice.currency.code != 'GBP' else 'CHF'
    event = capture_event('CAPOTHER1', invoice, last_link(invoice), '70.00',
        currency=other, event_id='WH-OTHER-1')
    assert webhook(world, event).status_code == 204
    held, = events(event_id='WH-OTHER-1')
    assert held.state == 'review' and other in held.message
    assert reload(invoice).amount_to_pay == Decimal('70.00')


def test_refund_and_reversal_reopen(world):
    invoice = world['invoices'][4]
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    world['api'].approved.add(order_id)
    back_from_paypal(world, url, order_id)
    assert reload(invoice).state == 'paid'
    capture_id = events(invoice=invoice.id)[0].transaction
    currency = invoice.currency.code
    refund = paypal_event('PAYMENT.CAPTURE.REFUNDED', paypal_refund(
            capture_id, '20.00', currency, 'REF1'), 'WH-REF-1')
    for _ in range(2):      # the replay changes nothing
        assert webhook(world, refund).status_code == 204
        invoice = reload(invoice)
        assert invoice.state == 'posted'
        assert invoice.amount_to_pay == Decimal('20.00')
    reversal = paypal_event('PAYMENT.CAPTURE.REVERSED', paypal_refund(
            capture_id, '100.00', currency, 'REV1'), 'WH-REV-1')
    assert webhook(world, reversal).status_code == 204
    assert reload(invoice).amount_to_pay == Decimal('120.00')
    # more than is still paid: held for review
    again = paypal_event('PAYMENT.CAPTURE.REFUNDED', paypal_refund(
            capture_id, '1.00', currency, 'REF2'), 'WH-REF-2')
    webhook(world, again)
    assert events(event_id='WH-REF-2')[0].state == 'review'
    assert reload(invoice).amount_to_pay == Decimal('120.00')


def test_approved_webhook_captures_when_the_return_never_came(world):
    invoice = world['invoices'][5]
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    world['api'].approved.add(order_id)
    approved = paypal_event('CHECKOUT.ORDER.APPROVED', {
            'id': order_id, 'status': 'APPROVED', 'intent': 'CAPTURE'},
        'WH-APPROVED-1')
    assert webhook(world, approved).status_code == 204
    assert reload(invoice).state == 'paid'
    # told again, and the customer's late return: still one payment
    assert webhook(world, approved).status_code == 204
    assert back_from_paypal(world, url, order_id).status_code == 303
    assert [e.state for e in events(invoice=invoice.id)] == ['booked']
    assert len(reload(invoice).payment_lines) == 1


def test_provider_down_or_slow_breaks_nothing(world):
    invoice = world['invoices'][6]
    url = make_link(invoice)
    api = world['api']
    for change in [{'fail': True}, {'delay': 2}]:
        for name, value in change.items():
            setattr(api, name, value)
        try:
            response = world['http'].post(path(url) + '/paypal')
        finally:
            api.fail, api.delay = False, 0
        assert response.status_code == 503
        assert 'Rien n' in response.get_data(as_text=True)
    assert world['http'].get(path(url)).status_code == 200
    assert reload(invoice).state == 'posted'


def test_return_of_an_order_captured_already_books_its_capture(world):
    """PayPal refuses our capture of an order captured under another
    request id (ORDER_ALREADY_CAPTURED): the order read back from PayPal
    books its capture"""
    invoice = post_invoice(world['invoices'][0].party,
        {'revenue': world['invoices'][0].lines[0].account},
        world['invoices'][0].lines[0].taxes[0], Decimal('50'))
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    api = world['api']
    api.approved.add(order_id)
    capture_id = api.capture(order_id, 'captured-in-the-dashboard')
    capture_path = '/v2/checkout/orders/%s/capture' % order_id
    response = back_from_paypal(world, url, order_id)
    assert response.status_code == 303, response.get_data(as_text=True)
    ours, = api.calls(capture_path)
    assert ours['headers']['Paypal-Request-Id'] != (
        'captured-in-the-dashboard')
    assert api.calls('/v2/checkout/orders/' + order_id)[-1]['method'] == (
        'GET')
    assert reload(invoice).state == 'paid'
    booked, = events(invoice=invoice.id)
    assert booked.state == 'booked' and booked.transaction == capture_id
    assert booked.amount == Decimal('60')


def test_the_same_event_twice_at_once_books_one_payment(world):
    """Two deliveries of one webhook and the customer's return, at once,
    by threads against the real routes: one payment"""
    invoice = post_invoice(world['invoices'][0].party,
        {'revenue': world['invoices'][0].lines[0].account},
        world['invoices'][0].lines[0].taxes[0], Decimal('100'))
    url = make_link(invoice)
    order_id, _ = start_order(world, url)
    api = world['api']
    api.approved.add(order_id)
    # what PayPal's capture will answer: the capture the webhook tells
    link = last_link(invoice)
    event = capture_event('CAPSAME1', invoice, link, '120.00',
        event_id='WH-SAME-1')
    api.capture_as[order_id] = {'id': 'CAPSAME1'}
    payload, headers = api.webhook(event)
    verified = len(api.requests)
    with shared_database() as name:
        route = '/%s/mentorsig_payment_links/' % urllib.parse.quote(name)
        token = url.rsplit('/', 1)[1]
        responses = at_once(world['app'], [
                lambda http: http.post(route + 'webhook/paypal/%d' % (
                        world['company'].id), data=payload, headers=headers),
                ] * 2 + [
                lambda http: http.get(route + 'pay/%s/paypal/return?token=%s'
                    % (token, order_id)),
                ])
        statuses = [r.status_code for r in responses]
        # every request a clean answer, whatever the order: the webhooks
        # 204 (booked, or told already), the customer back to the page
        # of the link (303), never a 500 or a 400 when they race
        assert statuses == [204, 204, 303], statuses
        # PayPal asked once per request, however many times the
        # transaction of the request started again: one capture at most
        # (none when the customer's return finds the webhook paid it),
        # one verification per webhook
        assert len(api.calls(
                '/v2/checkout/orders/%s/capture' % order_id)) <= 1
        assert len([r for r in api.requests[verified:] if r['path'] == (
                    '/v1/notifications/verify-webhook-signature')]) == 2
        with Transaction().start(name, 0, readonly=True):
            pool = Pool()
            Invoice = pool.get('account.invoice')
            Event = pool.get('mentorsig.payment_link.event')
            paid = Invoice(invoice.id)
            assert paid.state == 'paid'
            assert len(paid.payment_lines) == 1
            received = Event.search([('invoice', '=', invoice.id)])
            booked = [e for e in received if e.state == 'booked']
            assert len(booked) == 1 and booked[0].amount == Decimal('120')
            assert len([e for e in received
                    if e.event_id == 'WH-SAME-1']) <= 1
