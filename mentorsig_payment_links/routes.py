# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public routes: the payment page of a link, its PDF, the start of a
payment with a provider, the providers' confirmations.

No Tryton login: the token is the key.  An unknown, expired, revoked or
malformed token gets one same page and status, after the same lookup (one
indexed query on the token's hash).  Nothing is paid on the browser's
return: only a signed webhook or notification books a payment."""
import datetime as dt
import logging
import secrets

import trytond.config as config
from werkzeug.utils import redirect

from trytond.protocols.wrappers import (
    HTTPStatus, Response, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import page
from .configuration import payment_link_url
from .providers import ProviderError, paybox, stripe_checkout

logger = logging.getLogger(__name__)
SECTION = 'mentorsig_payment_links'
BASE = '/<database_name>/mentorsig_payment_links'
MAX_BODY = 512 * 1024


def _timeout():
    return config.getfloat(SECTION, 'timeout', default=10)


def _html(content, status=HTTPStatus.OK):
    return Response(content, status, headers=page.HEADERS,
        content_type='text/html; charset=utf-8')


def _unavailable(request):
    return _html(page.message_page(
            page.language_from_header(request.headers.get('Accept-Language')),
            'unavailable'), HTTPStatus.NOT_FOUND)


def _link(pool, token):
    "The usable link of token, else None"
    Link = pool.get('mentorsig.payment_link')
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
            if name == 'stripe':
                providers.append((name, (
                            request.base_url.rstrip('/') + '/stripe', [])))
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
    base = request.base_url.rsplit('/', 1)[0]
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
@with_transaction(readonly=False)
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
@with_transaction(readonly=False)
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

