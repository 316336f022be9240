# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public routes: the payment page of a link, its PDF, the start of a
payment with a provider, the providers' confirmations.

No Tryton login: the token is the key.  An unknown, expired, revoked or
malformed token gets one same page and status, after the same lookup (one
indexed query on the token's hash).  Nothing is paid on the browser's
return: only a signed webhook or notification books a payment, or, for
PayPal, the COMPLETED answer to our own server-to-server capture call."""
import datetime as dt
import functools
import logging
import random
import secrets
import threading
import time

import trytond.config as config
from werkzeug.utils import redirect

from trytond import backend
from trytond.protocols.wrappers import (
    HTTPStatus, Response, with_pool, with_transaction)
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

from . import page
from .configuration import payment_link_url
from .providers import ProviderError, paybox, paypal, stripe_checkout

logger = logging.getLogger(__name__)
SECTION = 'mentorsig_payment_links'
BASE = '/<database_name>/mentorsig_payment_links'
MAX_BODY = 512 * 1024


def _timeout():
    return config.getfloat(SECTION, 'timeout', default=10)


def _busy_timeout():
    return config.getfloat(SECTION, 'busy_timeout', default=20)


def with_event_transaction(func):
    """trytond's with_transaction(readonly=False) for the routes that book
    provider events, which wait for a concurrent booking instead of
    failing.

    A booking takes its locks the way trytond 8 does: a lock first asked
    (the invoice, a strict sequence, a table) starts the transaction again
    with the lock taken up front, NOWAIT, five times in 0.3 s; an event
    told twice at once (the webhook and the customer's return) waits for
    the other one in Event._serialize, which starts the transaction again
    too.  trytond's wrapper gives up after five starts, and a lock not
    obtained at the start escapes it: a 500, or a 400 for a JSON webhook.
    Here the transaction starts again as long as busy_timeout allows, then
    the provider gets a 503 and sends the event again later.  What the
    provider answered is kept for the request (see _once): a new start
    does not ask it again."""
    from trytond.worker import run_task

    @functools.wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        context = {'_request': request.context}
        extras = {}
        deadline = time.monotonic() + _busy_timeout()
        attempt = 0
        while True:
            if attempt:
                time.sleep(min(0.5, 0.02 * attempt) * random.uniform(1, 2))
            attempt += 1
            try:
                with Transaction().start(pool.database_name, 0,
                        readonly=False, context=context,
                        **extras) as transaction:
                    try:
                        result = func(request, pool, *args, **kwargs)
                    except TransactionError as error:
                        transaction.rollback()
                        transaction.tasks.clear()
                        error.fix(extras)
                        continue
                    except backend.DatabaseOperationalError:
                        transaction.rollback()
                        transaction.tasks.clear()
                        if time.monotonic() < deadline:
                            continue
                        raise
                    transaction.commit()
            except backend.DatabaseOperationalError:
                # the locks of extras, busy at the start, or the commit
                if time.monotonic() < deadline:
                    continue
                logger.warning("%s busy for %s s: not processed",
                    request.path, _busy_timeout())
                return Response(status=HTTPStatus.SERVICE_UNAVAILABLE,
                    headers={'Retry-After': '10'})
            while transaction.tasks:
                run_task(pool, transaction.tasks.pop())
            return result
    return wrapper


def _once(request, key, call):
    """What call answers, asked once per HTTP request: the transaction of
    the request may start again (see with_event_transaction), a provider
    is not asked twice; a failure is not kept"""
    answers = request.environ.setdefault(
        'mentorsig_payment_links.answers', {})
    if key not in answers:
        answers[key] = call()
    return answers[key]


def _html(content, status=HTTPStatus.OK):
    return Response(content, status, headers=page.HEADERS,
        content_type='text/html; charset=utf-8')


# When the lookup of the token began, per request thread
_lookup = threading.local()


def _unavailable_time():
    """How long every refused link takes to answer, at least: unknown,
    malformed, revoked and expired links are told apart by nothing, their
    time included (a revoked link read its record, an unknown one not)"""
    return config.getfloat(SECTION, 'unavailable_time', default=0.25)


def _unavailable(request):
    started = getattr(_lookup, 'started', None)
    if started is not None:
        time.sleep(max(0, started + _unavailable_time() - time.monotonic()))
    return _html(page.message_page(
            page.language_from_header(request.headers.get('Accept-Language')),
            'unavailable'), HTTPStatus.NOT_FOUND)


def _link(pool, token):
    "The usable link of token, else None"
    Link = pool.get('mentorsig.payment_link')
    _lookup.started = time.monotonic()
    link = Link.find(token)
    if link is None or link.state not in {'active', 'paid'}:
        return None
    if not link.invoice._mentorsig_payment_links_enabled(link.company):
        return None
    return link


def _lang(invoice):
    party_lang = invoice.party.lang or invoice.company.party.lang
    return page.language(party_lang.code if party_lang else 'fr')


def _config(pool):
    return pool.get('mentorsig.configuration')(1)


def _url(pool, company, path):
    return payment_link_url(_config(pool).get_multivalue(
            'payment_link_base_url', company=company.id), path)


def _paybox_form(pool, link, token):
    invoice, company = link.invoice, link.company
    configuration = _config(pool)

    def value(name):
        return configuration.get_multivalue(
            'payment_link_paybox_' + name, company=company.id)
    numeric = invoice.currency.numeric_code
    fields = paybox.form_fields(
        site=value('site'), rank=value('rank'),
        identifier=value('identifier'), amount=invoice.amount_to_pay,
        digits=invoice.currency.digits, currency_numeric=numeric,
        reference=paybox.reference(
            invoice.id, link.id, secrets.token_hex(4)),
        email=_email(invoice) or 'client@invalid.example',
        time=dt.datetime.now(dt.timezone.utc).replace(
            microsecond=0).isoformat(),
        hex_key=value('hmac_key'),
        notify_url=_url(pool, company, 'notify/paybox/%d' % company.id),
        done_url=_url(pool, company, 'pay/%s/return' % token),
        refused_url=_url(pool, company, 'pay/%s' % token),
        cancel_url=_url(pool, company, 'pay/%s' % token))
    return paybox.URLS[value('mode') or 'test'], fields


def _email(invoice):
    for mechanism in invoice.party.contact_mechanisms:
        if mechanism.type == 'email' and mechanism.value:
            return mechanism.value
    return None


@app.route(BASE + '/pay/<token>', methods=['GET'])
@with_pool
@with_transaction(readonly=True)
def payment_page(request, pool, token):
    from mentorsig_invoicing.document.strings import (
        Formatter)
    link = _link(pool, token)
    if link is None:
        return _unavailable(request)
    invoice = link.invoice
    lang = _lang(invoice)
    fmt = Formatter(lang, invoice.currency.code)
    providers = []
    if link.state == 'active':
        for name in _config(pool).enabled_payment_providers(
                company=link.company.id):
            if name in {'stripe', 'paypal'}:
                providers.append((name, (
                            request.base_url.rstrip('/') + '/' + name, [])))
            elif name == 'paybox':
                providers.append((name, _paybox_form(pool, link, token)))
    summary = page.Summary(lang=lang,
        company=invoice.company.rec_name, number=invoice.number,
        date=fmt.date(invoice.invoice_date),
        amount_due=fmt.money(invoice.amount_to_pay,
            invoice.currency.digits),
        valid_until=fmt.date(link.expiry),
        pdf_url=request.base_url.rstrip('/') + '/pdf',
        providers=providers, paid=link.state == 'paid')
    return _html(page.summary_page(summary))


@app.route(BASE + '/pay/<token>/pdf', methods=['GET'])
@with_pool
@with_transaction(readonly=False)
def payment_pdf(request, pool, token):
    link = _link(pool, token)
    if link is None:
        return _unavailable(request)
    invoice = link.invoice
    headers = dict(page.HEADERS)
    headers['Content-Disposition'] = 'inline; filename="%s.pdf"' % (
        invoice.number or 'invoice').replace('"', '')
    return Response(invoice.mentorsig_pdf(), HTTPStatus.OK,
        headers=headers, content_type='application/pdf')


@app.route(BASE + '/pay/<token>/return', methods=['GET'])
@with_pool
@with_transaction(readonly=True)
def payment_return(request, pool, token):
    "The browser's return: says what is known, confirms nothing"
    link = _link(pool, token)
    if link is None:
        return _unavailable(request)
    if link.state == 'paid':
        return redirect(request.base_url.rsplit('/', 1)[0], 303)
    return _html(page.message_page(_lang(link.invoice), 'pending'))


@app.route(BASE + '/pay/<token>/stripe', methods=['POST'])
@with_pool
@with_transaction(readonly=True)
def payment_stripe(request, pool, token):
    "A Checkout Session for what is due now, then off to Stripe"
    link = _link(pool, token)
    if link is None or link.state != 'active':
        return _unavailable(request)
    invoice, company = link.invoice, link.company
    configuration = _config(pool)
    if 'stripe' not in configuration.enabled_payment_providers(
            company=company.id):
        return _unavailable(request)
    amount = invoice.amount_to_pay
    currency = invoice.currency.code
    # back to the public address, not the one the proxy forwarded
    base = _url(pool, company, 'pay/%s' % token)
    client = stripe_checkout.client(
        configuration.get_multivalue(
            'payment_link_stripe_secret_key', company=company.id),
        api_base=config.get(SECTION, 'stripe_api_base'), timeout=_timeout())
    Date = pool.get('ir.date')
    with Transaction().set_context(company=company.id):
        today = Date.today()
    try:
        url = stripe_checkout.create_session(client,
            amount=amount, currency=currency,
            digits=invoice.currency.digits, reference=invoice.number,
            description='%s %s' % (company.rec_name, invoice.number),
            metadata={
                'invoice': str(invoice.id), 'link': str(link.id),
                'company': str(company.id), 'number': invoice.number,
                },
            success_url=base + '/return', cancel_url=base,
            email=_email(invoice),
            key=stripe_checkout.idempotency_key(
                link.id, amount, currency, today))
    except ProviderError as error:
        logger.warning("Stripe checkout of %s failed: %s",
            invoice.rec_name, error)
        return _html(page.message_page(_lang(invoice), 'down'),
            HTTPStatus.SERVICE_UNAVAILABLE)
    return redirect(url, 303)


def _paypal_client(pool, company):
    configuration = _config(pool)

    def value(name):
        return configuration.get_multivalue(
            'payment_link_paypal_' + name, company=company.id)
    return paypal.client(value('client_id'), value('secret'),
        mode=value('mode') or 'sandbox',
        api_base=config.get(SECTION, 'paypal_api_base'), timeout=_timeout())


def _paypal_enabled(pool, company):
    return 'paypal' in _config(pool).enabled_payment_providers(
        company=company.id)


@app.route(BASE + '/pay/<token>/paypal', methods=['POST'])
@with_pool
@with_transaction(readonly=True)
def payment_paypal(request, pool, token):
    "A PayPal order for what is due now, then off to PayPal to approve it"
    link = _link(pool, token)
    if link is None or link.state != 'active':
        return _unavailable(request)
    invoice, company = link.invoice, link.company
    if not _paypal_enabled(pool, company):
        return _unavailable(request)
    amount = invoice.amount_to_pay
    currency = invoice.currency.code
    base = _url(pool, company, 'pay/%s' % token)
    Date = pool.get('ir.date')
    with Transaction().set_context(company=company.id):
        today = Date.today()
    key = paypal.request_id(link.id, amount, currency, today)
    lang = _lang(invoice)
    try:
        _, url = paypal.create_order(_paypal_client(pool, company),
            amount=amount, currency=currency,
            digits=invoice.currency.digits,
            reference=paypal.reference(invoice.id, link.id),
            # PayPal may refuse an invoice_id it saw: one per order
            invoice_number='%s-%s' % (invoice.number, key[:8]),
            description='%s %s' % (company.rec_name, invoice.number),
            return_url=base + '/paypal/return', cancel_url=base,
            locale='fr-FR' if lang == 'fr' else 'en-US', key=key)
    except ProviderError as error:
        logger.warning("PayPal order of %s failed: %s",
            invoice.rec_name, error)
        return _html(page.message_page(lang, 'down'),
            HTTPStatus.SERVICE_UNAVAILABLE)
    return redirect(url, 303)


def _receive_paypal_capture(request, pool, company, paypal_client,
        order_id):
    """Capture an approved order server-side and book what PayPal's answer
    says is COMPLETED; the states of the events received"""
    Event = pool.get('mentorsig.payment_link.event')
    # before the capture: a capture told at once by the webhook and the
    # customer's return is asked of PayPal by one of them at a time (the
    # same PayPal-Request-Id: the other gets the same capture back)
    Event._serialize()
    order = _once(request, ('capture', order_id),
        lambda: paypal.capture_order(paypal_client, order_id))
    states = []
    for confirmation in paypal.captured(order):
        states.append(Event.receive(company, 'paypal', confirmation))
        logger.info("PayPal capture %s: %s",
            confirmation.transaction, states[-1])
    return states


@app.route(BASE + '/pay/<token>/paypal/return', methods=['GET'])
@with_pool
@with_event_transaction
def payment_paypal_return(request, pool, token):
    """The browser back from PayPal with the order it approved: we capture
    it server-to-server, and only PayPal's answer to that call pays"""
    link = _link(pool, token)
    if link is None:
        return _unavailable(request)
    page_url = request.base_url.rsplit('/', 2)[0]
    if link.state == 'paid':
        return redirect(page_url, 303)
    company = link.company
    lang = _lang(link.invoice)
    if not _paypal_enabled(pool, company):
        return _html(page.message_page(lang, 'pending'))
    # the invoice's lock before PayPal is asked: the start again that
    # trytond's lock protocol makes of a first lock comes before the call
    Invoice = pool.get('account.invoice')
    pool.get('mentorsig.payment_link.event')._serialize()
    Invoice.lock([link.invoice])
    try:
        states = _receive_paypal_capture(request, pool, company,
            _paypal_client(pool, company), request.args.get('token'))
    except ValueError:
        return _html(page.message_page(lang, 'pending'))
    except ProviderError as error:
        # the CHECKOUT.ORDER.APPROVED webhook captures it later
        logger.warning("PayPal capture for %s failed: %s",
            link.invoice.rec_name, error)
        return _html(page.message_page(lang, 'pending'))
    if {'booked', 'duplicate', 'ignored'} & set(states):
        return redirect(page_url, 303)
    return _html(page.message_page(lang, 'pending'))


@app.route(BASE + '/webhook/paypal/<int:company_id>', methods=['POST'])
@with_pool
@with_event_transaction
def webhook_paypal(request, pool, company_id):
    """PayPal's webhook: verified by PayPal's verification API; an
    approved order is captured here when the customer's return did not"""
    Event = pool.get('mentorsig.payment_link.event')
    if (request.content_length or 0) > MAX_BODY:
        return Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    payload = request.get_data(as_text=True)
    company = _company(pool, company_id)
    if company is None or not _paypal_enabled(pool, company):
        return Response(status=HTTPStatus.BAD_REQUEST)
    paypal_client = _paypal_client(pool, company)
    try:
        webhook_id = _config(pool).get_multivalue(
            'payment_link_paypal_webhook_id', company=company.id)
        event = _once(request, ('verify', webhook_id),
            lambda: paypal.verify_event(paypal_client, request.headers,
                payload, webhook_id, timeout=_timeout()))
        order_id = paypal.approved_order(event)
        confirmation = paypal.confirmation(event)
    except ValueError:
        return Response(status=HTTPStatus.BAD_REQUEST)
    except ProviderError as error:
        # PayPal sends the event again later
        logger.warning("PayPal webhook not verified: %s", error)
        return Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    if order_id:
        try:
            _receive_paypal_capture(
                request, pool, company, paypal_client, order_id)
        except ValueError:
            return Response(status=HTTPStatus.NO_CONTENT)
        except ProviderError as error:
            if error.status and error.status < 500:
                # refused for good (captured already, voided): told by
                # PAYMENT.CAPTURE.* if it was paid
                logger.info("PayPal order %s not captured: %s",
                    order_id, error)
                return Response(status=HTTPStatus.NO_CONTENT)
            return Response(status=HTTPStatus.SERVICE_UNAVAILABLE)
    elif confirmation is not None:
        state = Event.receive(company, 'paypal', confirmation)
        logger.info("PayPal event %s: %s", confirmation.event_id, state)
    return Response(status=HTTPStatus.NO_CONTENT)


def _digits_of(pool):
    Currency = pool.get('currency.currency')

    def digits(code):
        currencies = Currency.search([('code', '=', code)], limit=1)
        # an unknown currency is held for review anyway
        return currencies[0].digits if currencies else 2
    return digits


def _company(pool, company_id):
    Company = pool.get('company.company')
    companies = Company.search([('id', '=', company_id)], limit=1)
    return companies[0] if companies else None


@app.route(BASE + '/webhook/stripe/<int:company_id>', methods=['POST'])
@with_pool
@with_event_transaction
def webhook_stripe(request, pool, company_id):
    Event = pool.get('mentorsig.payment_link.event')
    if (request.content_length or 0) > MAX_BODY:
        return Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    payload = request.get_data(as_text=True)
    company = _company(pool, company_id)
    secret = company and _config(pool).get_multivalue(
        'payment_link_stripe_webhook_secret', company=company.id)
    try:
        event = stripe_checkout.verify_event(
            payload, request.headers.get('Stripe-Signature'), secret)
        confirmation = stripe_checkout.confirmation(
            event, _digits_of(pool))
    except ValueError:
        return Response(status=HTTPStatus.BAD_REQUEST)
    if confirmation is None:
        return Response(status=HTTPStatus.NO_CONTENT)
    state = Event.receive(company, 'stripe', confirmation)
    logger.info("Stripe event %s: %s", confirmation.event_id, state)
    return Response(status=HTTPStatus.NO_CONTENT)


@app.route(BASE + '/notify/paybox/<int:company_id>', methods=['GET', 'POST'])
@with_pool
@with_event_transaction
def notify_paybox(request, pool, company_id):
    "Paybox's server-to-server call: RSA-signed by Paybox"
    Event = pool.get('mentorsig.payment_link.event')
    Invoice = pool.get('account.invoice')
    company = _company(pool, company_id)
    if request.method == 'POST':
        query = request.get_data(as_text=True)[:MAX_BODY]
    else:
        query = request.query_string.decode('ascii', 'replace')
    public_key = company and _config(pool).get_multivalue(
        'payment_link_paybox_public_key', company=company.id)
    if not public_key:
        return Response(status=HTTPStatus.BAD_REQUEST)
    try:
        variables = paybox.verify_notification(query, public_key)
        reference = paybox.parse_reference(variables.get('ref'))
        invoices = Invoice.search([
                ('id', '=', int(reference.get('invoice', 0))),
                ('company', '=', company.id),
                ], limit=1)
        if not invoices:
            return Response(status=HTTPStatus.OK)
        invoice, = invoices
        # the amount is the form's, which our PBX_HMAC signed, in the
        # invoice's currency
        confirmation = paybox.confirmation(variables,
            invoice.currency.digits, invoice.currency.code)
    except ValueError:
        return Response(status=HTTPStatus.BAD_REQUEST)
    if confirmation is not None:
        state = Event.receive(company, 'paybox', confirmation)
        logger.info("Paybox notification %s: %s",
            confirmation.event_id, state)
    return Response(status=HTTPStatus.OK)

