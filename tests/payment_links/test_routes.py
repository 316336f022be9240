# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public routes through trytond's WSGI application, on the suite's
database (SQLite and PostgreSQL): two companies, a Stripe API on
loopback, webhooks signed with stripe's own helper.  Every security case
of issue 16: forged signature, tampered body, stale timestamp, replayed
event, expired and revoked links, another company's token, an amount
lower than due, a currency mismatch."""
import datetime as dt
import io
import json
import time
import urllib.parse
from decimal import Decimal

import pytest
from proteus import Model
from pypdf import PdfReader
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
    shared_database, switch_company)
from provider_servers import (
    StripeAPI, checkout_completed, signed, stripe_event)

SECRET_A, SECRET_B = 'whsec_A_secret', 'whsec_B_secret'


@pytest.fixture(scope='module')
def world():
    proteus = activate_suite(create_company, create_chart)
    api = StripeAPI().start()
    if not config._config.has_section('mentorsig_payment_links'):
        config._config.add_section('mentorsig_payment_links')
    config.set('mentorsig_payment_links', 'stripe_api_base', api.url)
    config.set('mentorsig_payment_links', 'timeout', '1')
    try:
        company_a = get_company()
        Party = Model.get('party.party')
        Company = Model.get('company.company')
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')
        for party, siren, vat in [
                (company_a.party, '732829320', 'FR44732829320')]:
            party.identifiers.new(type='fr_siren', code=siren)
            party.identifiers.new(type='eu_vat', code=vat)
            party.save()
        party_b = Party(name="Société B")
        party_b.identifiers.new(type='fr_siren', code='552100554')
        party_b.identifiers.new(type='eu_vat', code='FR96552100554')
        party_b.save()
        company_b = Company(party=party_b, currency=company_a.currency)
        company_b.save()
        admin = User(proteus.user)
        admin.companies.append(Company(company_b.id))
        admin.save()
        customer = Party(name="Client Lumière",
            lang=Lang.find([('code', '=', 'fr')])[0])
        customer.save()
        _, accounts_a, tax_a = books(company_a, SECRET_A, 'A')
        invoices = [post_invoice(customer, accounts_a, tax_a,
                Decimal('100')) for _ in range(5)]
        switch_company(proteus, company_b)
        create_chart(company_b)
        _, accounts_b, tax_b = books(company_b, SECRET_B, 'B')
        invoice_b = post_invoice(customer, accounts_b, tax_b,
            Decimal('777.77'))
        link_b = make_link(invoice_b)
        b_facts = {'number': invoice_b.number,
            'currency': invoice_b.currency.code.lower(),
            'link': Model.get('mentorsig.payment_link').find([
                    ('invoice', '=', invoice_b.id)])[0].id}
        switch_company(proteus, company_a)
        from trytond.wsgi import app
        yield {
            'http': Client(app), 'api': api, 'proteus': proteus,
            'a': company_a, 'b': company_b, 'invoices': invoices,
            'invoice_b': invoice_b, 'link_b': link_b, 'b_facts': b_facts,
            }
    finally:
        api.stop()
        for option in ['stripe_api_base', 'timeout']:
            config._config.remove_option('mentorsig_payment_links', option)
        config._cache_clear()
        drop_db()


def webhook(world, company, event, secret, timestamp=None, body=None):
    payload, header = signed(event, secret, timestamp=timestamp)
    return world['http'].post(
        '/%s/mentorsig_payment_links/webhook/stripe/%d' % (
            DB_NAME, company.id),
        data=body if body is not None else payload,
        headers={'Stripe-Signature': header,
            'Content-Type': 'application/json'})


def start_checkout(world, url):
    "The customer's click on 'Pay with Stripe': the session Stripe made"
    api = world['api']
    before = len(api.requests)
    response = world['http'].post(path(url) + '/stripe')
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers['Location'].startswith(
        'https://checkout.stripe.com/')
    assert len(api.requests) == before + 1
    return api.session(api.requests[-1]['form'], 1)


def test_document_has_the_link_and_until_when(world):
    invoice = world['invoices'][0]
    Invoice = Model.get('account.invoice')
    links = Model.get('mentorsig.payment_link').find([
            ('invoice', '=', invoice.id)])
    assert [l.channel for l in links] == ['document']
    link, = links
    assert link.expiry >= invoice.invoice_date + dt.timedelta(days=60)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0, readonly=True):
        data = Pool().get('account.invoice')(invoice.id).mentorsig_pdf()
    text = ' '.join(p.extract_text() for p in PdfReader(
            io.BytesIO(data)).pages)
    assert 'Payer en ligne' in text
    assert link.expiry.strftime('%d/%m/%Y') in text
    assert BASE + '/' in text.replace('\n', '')
    assert Invoice(invoice.id).state == 'posted'


def test_page_shows_the_invoice_and_the_button(world):
    invoice = world['invoices'][0]
    url = make_link(invoice)
    response = world['http'].get(path(url))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert invoice.number in html
    assert '120,00' in html              # French, the customer's language
    assert 'Payer avec Stripe' in html
    assert 'Société B' not in html
    assert response.headers['Referrer-Policy'] == 'no-referrer'
    assert response.headers['Cache-Control'] == 'no-store'
    assert "script-src" not in response.headers['Content-Security-Policy']
    pdf = world['http'].get(path(url) + '/pdf')
    assert pdf.status_code == 200 and pdf.data.startswith(b'%PDF')


def test_signed_webhook_pays_the_invoice_once(world):
    invoice = world['invoices'][0]
    url = make_link(invoice)
    session = start_checkout(world, url)
    assert session['amount_total'] == 12000
    assert session['currency'] == invoice.currency.code.lower()
    # the browser's return confirms nothing
    response = world['http'].get(path(url) + '/return')
    assert 'confirmation' in response.get_data(as_text=True)
    assert reload(invoice).state == 'posted'
    event = checkout_completed(session, payment_intent='pi_A0',
        event_id='evt_A0')
    assert webhook(world, world['a'], event, SECRET_A).status_code == 204
    assert reload(invoice).state == 'paid'
    Event = Model.get('mentorsig.payment_link.event')
    booked, = Event.find([('event_id', '=', 'evt_A0')])
    assert booked.state == 'booked' and booked.amount == Decimal('120')
    # replayed, and the same payment told by payment_intent.succeeded
    assert webhook(world, world['a'], event, SECRET_A).status_code == 204
    intent = stripe_event('payment_intent.succeeded', {
            'id': 'pi_A0', 'object': 'payment_intent',
            'amount_received': 12000, 'currency': session['currency'],
            'metadata': session['metadata']}, 'evt_A0_intent')
    assert webhook(world, world['a'], intent, SECRET_A).status_code == 204
    assert [e.state for e in Event.find([('transaction', '=', 'pi_A0')],
            order=[('id', 'ASC')])] == ['booked', 'ignored']
    invoice = reload(invoice)
    assert invoice.amount_to_pay == 0
    assert len(invoice.payment_lines) == 1
    # the link now says paid, and offers nothing to pay
    html = world['http'].get(path(url)).get_data(as_text=True)
    assert 'Facture payée' in html and 'Payer avec' not in html
    assert world['http'].post(path(url) + '/stripe').status_code == 404


@pytest.mark.parametrize('case', ['forged', 'tampered', 'stale', 'none'])
def test_unsigned_webhooks_refused(world, case):
    invoice = world['invoices'][1]
    session = start_checkout(world, make_link(invoice))
    event = checkout_completed(session, payment_intent='pi_x_' + case,
        event_id='evt_x_' + case)
    if case == 'forged':
        response = webhook(world, world['a'], event, 'whsec_forged')
    elif case == 'tampered':
        payload, _ = signed(event, SECRET_A)
        response = webhook(world, world['a'], event, SECRET_A,
            body=payload.replace('12000', '1'))
    elif case == 'stale':
        response = webhook(world, world['a'], event, SECRET_A,
            timestamp=int(time.time()) - 301)
    else:
        response = world['http'].post(
            '/%s/mentorsig_payment_links/webhook/stripe/%d' % (
                DB_NAME, world['a'].id), data=json.dumps(event))
    assert response.status_code == 400
    assert response.get_data() == b''
    assert reload(invoice).state == 'posted'
    assert not Model.get('mentorsig.payment_link.event').find([
            ('event_id', '=', 'evt_x_' + case)])


def test_partial_payment_then_currency_and_overpayment_held(world):
    invoice = world['invoices'][2]
    url = make_link(invoice)
    session = start_checkout(world, url)
    Event = Model.get('mentorsig.payment_link.event')
    # 50.00 of 120.00: booked, the rest still due
    event = checkout_completed(session, amount=5000, payment_intent='pi_p1',
        event_id='evt_p1')
    webhook(world, world['a'], event, SECRET_A)
    invoice = reload(invoice)
    assert invoice.state == 'posted'
    assert invoice.amount_to_pay == Decimal('70.00')
    # the page asks for what is left
    assert '70,00' in world['http'].get(path(url)).get_data(as_text=True)
    # and so does a new checkout: Stripe is asked for 70.00, not 120.00
    assert start_checkout(world, url)['amount_total'] == 7000
    # paid in pounds: held, nothing booked
    event = checkout_completed(session, amount=7000, currency='gbp',
        payment_intent='pi_p2', event_id='evt_p2')
    webhook(world, world['a'], event, SECRET_A)
    held, = Event.find([('event_id', '=', 'evt_p2')])
    assert held.state == 'review' and 'GBP' in held.message
    # more than is due: held
    event = checkout_completed(session, amount=9000,
        payment_intent='pi_p3', event_id='evt_p3')
    webhook(world, world['a'], event, SECRET_A)
    held, = Event.find([('event_id', '=', 'evt_p3')])
    assert held.state == 'review'
    assert reload(invoice).amount_to_pay == Decimal('70.00')
    # the rest: paid
    event = checkout_completed(session, amount=7000,
        payment_intent='pi_p4', event_id='evt_p4')
    webhook(world, world['a'], event, SECRET_A)
    assert reload(invoice).state == 'paid'


def test_refund_reopens_the_invoice(world):
    invoice = world['invoices'][3]
    session = start_checkout(world, make_link(invoice))
    webhook(world, world['a'], checkout_completed(session,
            payment_intent='pi_r', event_id='evt_r1'), SECRET_A)
    assert reload(invoice).state == 'paid'
    # 20.00 refunded first, then the whole (Stripe gives the total)
    for event_id, total, due in [('evt_r2', 2000, '20.00'),
            ('evt_r3', 12000, '120.00')]:
        refund = stripe_event('charge.refunded', {
                'id': 'ch_r', 'object': 'charge', 'payment_intent': 'pi_r',
                'amount_refunded': total, 'currency': session['currency']},
            event_id)
        assert webhook(world, world['a'], refund, SECRET_A
            ).status_code == 204
        invoice = reload(invoice)
        assert invoice.state == 'posted'
        assert invoice.amount_to_pay == Decimal(due)
        # replayed: nothing more
        webhook(world, world['a'], refund, SECRET_A)
        assert reload(invoice).amount_to_pay == Decimal(due)
    # a chargeback of what is no longer paid is held for review
    dispute = stripe_event('charge.dispute.created', {
            'id': 'dp_r', 'object': 'dispute', 'charge': 'ch_r',
            'payment_intent': 'pi_r', 'amount': 12000,
            'currency': session['currency']}, 'evt_r4')
    webhook(world, world['a'], dispute, SECRET_A)
    held, = Model.get('mentorsig.payment_link.event').find([
            ('event_id', '=', 'evt_r4')])
    assert held.state == 'review'
    assert reload(invoice).amount_to_pay == Decimal('120.00')


def test_unusable_links_all_look_the_same(world):
    invoice = world['invoices'][4]
    Link = Model.get('mentorsig.payment_link')
    revoked = make_link(invoice)
    link, = Link.find([('invoice', '=', invoice.id)],
        order=[('id', 'DESC')], limit=1)
    link.click('revoke')
    expired = make_link(invoice)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, 0) as transaction:
        PaymentLink = Pool().get('mentorsig.payment_link')
        last, = PaymentLink.search([('invoice', '=', invoice.id)],
            order=[('id', 'DESC')], limit=1)
        PaymentLink.write([last], {'expiry': dt.date.today()
                - dt.timedelta(days=1)})
        transaction.commit()
    live = make_link(invoice)
    unknown = live[:-5] + ('AAAAA' if not live.endswith('AAAAA')
        else 'BBBBB')
    pages = {}
    for name, url in [('revoked', revoked), ('expired', expired),
            ('unknown', unknown), ('malformed', live[:-1] + '%27'),
            ('short', BASE + '/' + urllib.parse.quote(DB_NAME)
                + '/mentorsig_payment_links/pay/x')]:
        response = world['http'].get(path(url))
        pages[name] = (response.status_code, response.get_data())
        for suffix in ['/pdf', '/return']:
            other = world['http'].get(path(url) + suffix)
            assert other.status_code == 404
        assert world['http'].post(path(url) + '/stripe').status_code == 404
    assert len(set(pages.values())) == 1, pages
    status, body = pages['unknown']
    assert status == 404
    assert invoice.number.encode() not in body
    # the live one works
    assert world['http'].get(path(live)).status_code == 200


def test_another_company_token_and_webhook(world):
    # B's link shows B's invoice only
    html = world['http'].get(path(world['link_b'])).get_data(as_text=True)
    facts = world['b_facts']
    assert facts['number'] in html
    assert '933,32' in html and 'Société B' in html
    assert world['a'].party.name not in html
    assert '120,00' not in html
    # A's endpoint, A's signature, B's invoice and link in the metadata:
    # refused, B's invoice untouched
    event = checkout_completed({
            'id': 'cs_b', 'object': 'checkout.session',
            'amount_total': 93332,
            'currency': facts['currency'],
            'metadata': {'invoice': str(world['invoice_b'].id),
                'link': str(facts['link'])}},
        payment_intent='pi_b', event_id='evt_b')
    webhook(world, world['a'], event, SECRET_A)
    assert webhook(world, world['b'], event, SECRET_A).status_code == 400
    switch_company(world['proteus'], world['b'])
    invoice_b = reload(world['invoice_b'])
    assert invoice_b.state == 'posted'
    switch_company(world['proteus'], world['a'])
    ignored, = Model.get('mentorsig.payment_link.event').find([
            ('event_id', '=', 'evt_b')])
    assert ignored.state == 'ignored' and ignored.invoice is None


def test_provider_down_breaks_nothing(world):
    invoice = world['invoices'][1]
    url = make_link(invoice)
    api = world['api']
    api.fail = True
    try:
        response = world['http'].post(path(url) + '/stripe')
    finally:
        api.fail = False
    assert response.status_code == 503
    assert 'Rien n' in response.get_data(as_text=True)
    api.delay = 2
    try:
        response = world['http'].post(path(url) + '/stripe')
    finally:
        api.delay = 0
    assert response.status_code == 503
    # the page and the invoice are as they were
    assert world['http'].get(path(url)).status_code == 200
    assert reload(invoice).state == 'posted'


def test_paybox_form_and_signed_notification(world):
    import base64
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    Configuration = Model.get('mentorsig.configuration')
    configuration = Configuration(1)
    configuration.payment_link_paybox = True
    configuration.payment_link_paybox_site = '1999888'
    configuration.payment_link_paybox_rank = '32'
    configuration.payment_link_paybox_identifier = '107904482'
    configuration.payment_link_paybox_hmac_key = '0123456789ABCDEF' * 8
    configuration.payment_link_paybox_public_key = key.public_key(
        ).public_bytes(serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    configuration.payment_link_paybox_method = (
        configuration.payment_link_stripe_method)
    configuration.save()
    invoice = post_invoice(world['invoices'][0].party,
        *_books_of(world['invoices'][0]), Decimal('50'))
    url = make_link(invoice)
    html = world['http'].get(path(url)).get_data(as_text=True)
    assert 'Payer avec Paybox' in html
    assert 'name="PBX_TOTAL" value="6000"' in html
    assert 'preprod-tpeweb.paybox.com' in html
    reference = html.split('name="PBX_CMD" value="')[1].split('"')[0]

    def notify(variables, signer=key):
        data = urllib.parse.urlencode(variables)
        signature = signer.sign(data.encode(), padding.PKCS1v15(),
            hashes.SHA1())
        query = data + '&sign=' + urllib.parse.quote(
            base64.b64encode(signature).decode(), safe='')
        return world['http'].get('/%s/mentorsig_payment_links/notify/'
            'paybox/%d?%s' % (DB_NAME, world['a'].id, query))
    variables = [('montant', '6000'), ('ref', reference), ('auto', 'XXXXXX'),
        ('trans', '601957'), ('erreur', '00000')]
    # the browser's return with the same variables pays nothing
    world['http'].get(path(url) + '/return?' + urllib.parse.urlencode(
            variables))
    assert reload(invoice).state == 'posted'
    # signed by another key: refused
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert notify(variables, other).status_code == 400
    assert reload(invoice).state == 'posted'
    assert notify(variables).status_code == 200
    assert reload(invoice).state == 'paid'
    # Paybox calls again: nothing more
    assert notify(variables).status_code == 200
    assert len(reload(invoice).payment_lines) == 1


def _books_of(invoice):
    "The revenue account and tax of an invoice's first line"
    line = invoice.lines[0]
    return {'revenue': line.account}, line.taxes[0]


def test_one_payment_told_three_times_at_once(world):
    """checkout.session.completed delivered twice and the same payment's
    payment_intent.succeeded, at once, by threads against the real route
    (last: on PostgreSQL it initialises the pool again): each delivery a
    204, whichever waits for the others' locks, one payment"""
    from trytond.wsgi import app
    first = world['invoices'][0]
    invoice = post_invoice(first.party, *_books_of(first), Decimal('100'))
    url = make_link(invoice)
    session = start_checkout(world, url)
    completed = checkout_completed(session, payment_intent='pi_RACE',
        event_id='evt_RACE')
    intent = stripe_event('payment_intent.succeeded', {
            'id': 'pi_RACE', 'object': 'payment_intent',
            'amount_received': 12000, 'currency': session['currency'],
            'metadata': session['metadata']}, 'evt_RACE_intent')
    deliveries = [signed(e, SECRET_A) for e in [completed, completed, intent]]
    with shared_database() as name:
        route = '/%s/mentorsig_payment_links/webhook/stripe/%d' % (
            urllib.parse.quote(name), world['a'].id)
        responses = at_once(app, [
                lambda http, body=body, header=header: http.post(route,
                    data=body, headers={'Stripe-Signature': header,
                        'Content-Type': 'application/json'})
                for body, header in deliveries])
        assert [r.status_code for r in responses] == [204, 204, 204]
        with Transaction().start(name, 0, readonly=True):
            pool = Pool()
            Invoice = pool.get('account.invoice')
            Event = pool.get('mentorsig.payment_link.event')
            paid = Invoice(invoice.id)
            assert paid.state == 'paid' and len(paid.payment_lines) == 1
            received = Event.search([('invoice', '=', invoice.id)])
            assert sorted(e.state for e in received) == ['booked', 'ignored']
            booked, = [e for e in received if e.state == 'booked']
            assert booked.amount == Decimal('120')
