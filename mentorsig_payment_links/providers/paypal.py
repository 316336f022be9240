# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""PayPal Orders v2 through the official `paypal-server-sdk`; no ORM.

- An order (intent CAPTURE) per payment, for what is due in the invoice's
  currency (a decimal string), our reference in custom_id and the invoice
  number in invoice_id, made once per PayPal-Request-Id; the customer
  approves it on PayPal's page (the `payer-action` or `approve` link).
- Back on our return URL the order is captured server-side; only a capture
  that PayPal's API answers COMPLETED, or the PAYMENT.CAPTURE.COMPLETED
  webhook, confirms a payment.  The browser's return alone proves nothing.
- Webhooks are verified by PayPal's own verification API
  (POST /v1/notifications/verify-webhook-signature): the SDK has no
  notifications controller, so the call is a plain HTTPS request on the
  SDK's base URL with the SDK's OAuth token.  The event is passed as the
  raw body received, never re-serialized: PayPal checks the CRC32 of the
  bytes it signed.
"""
import hashlib
import json
import re
from decimal import Decimal

import requests
from apimatic_core.exceptions.auth_validation_exception import (
    AuthValidationException)
from paypalserversdk.configuration import Configuration, Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import (
    ClientCredentialsAuthCredentials)
from paypalserversdk.models.amount_with_breakdown import (
    AmountWithBreakdown)
from paypalserversdk.models.checkout_payment_intent import (
    CheckoutPaymentIntent)
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from ..tokens import to_minor_units
from . import Confirmation, ProviderError

PAYMENT_EVENTS = {'PAYMENT.CAPTURE.COMPLETED'}
REVERSAL_EVENTS = {'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED'}
APPROVED_EVENT = 'CHECKOUT.ORDER.APPROVED'
TRANSMISSION_HEADERS = {
    'auth_algo': 'PAYPAL-AUTH-ALGO',
    'cert_url': 'PAYPAL-CERT-URL',
    'transmission_id': 'PAYPAL-TRANSMISSION-ID',
    'transmission_sig': 'PAYPAL-TRANSMISSION-SIG',
    'transmission_time': 'PAYPAL-TRANSMISSION-TIME',
    }
REFERENCE = re.compile(r'^MSG-(\d+)-(\d+)$')
CAPTURE_LINK = re.compile(r'/v2/payments/captures/([^/?#]+)$')


class _Configuration(Configuration):
    "The SDK's configuration on another base URL (the tests' loopback)"
    api_base = None

    def get_base_uri(self, server=None):
        if self.api_base:
            return self.api_base.rstrip('/')
        return super().get_base_uri()

    def clone_with(self, **kwargs):
        clone = super().clone_with(**kwargs)
        clone.__class__ = type(self)
        clone.api_base = self.api_base
        return clone


def client(client_id, secret, mode='sandbox', api_base=None, timeout=10):
    "A PaypalServersdkClient on the company's REST app credentials"
    configuration = _Configuration(
        timeout=timeout, max_retries=0,
        environment=(Environment.PRODUCTION if mode == 'live'
            else Environment.SANDBOX),
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=client_id or '',
            o_auth_client_secret=secret or ''))
    configuration.api_base = api_base
    return PaypalServersdkClient(config=configuration)


def base_url(paypal_client):
    return paypal_client.config.get_base_uri()


def decimal_string(amount, digits):
    "The amount as PayPal wants it: '1481.48', '1500' for a 0-digit currency"
    to_minor_units(amount, digits)  # refuses what the currency cannot hold
    return '{:.{}f}'.format(Decimal(amount), digits)


def reference(invoice_id, link_id):
    "custom_id: what a capture gives back to find the invoice"
    return 'MSG-%d-%d' % (invoice_id, link_id)


def parse_reference(value):
    "{'invoice': id, 'link': id} of a custom_id we made, else {}"
    match = REFERENCE.match(value or '')
    if not match:
        return {}
    return {'invoice': match.group(1), 'link': match.group(2)}


def request_id(*parts):
    "A PayPal-Request-Id: the same order or capture for the same parts"
    text = 'mentorsig-paypal-' + '-'.join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def _issue(response):
    """The error code of PayPal's error JSON: the first of its details'
    `issue` (ORDER_ALREADY_CAPTURED…), else its `name`, else None"""
    try:
        error = json.loads(getattr(response, 'text', None) or '')
    except (TypeError, ValueError):
        return None
    if not isinstance(error, dict):
        return None
    for detail in error.get('details') or []:
        if isinstance(detail, dict) and detail.get('issue'):
            return str(detail['issue'])
    return str(error['name']) if error.get('name') else None


def _call(function, options):
    "The JSON answer of an SDK call; ProviderError when it failed"
    try:
        response = function(options)
    except AuthValidationException as error:
        # the SDK's OAuth call failed: refused or not reached
        raise ProviderError("PayPal gave no access token") from error
    except ApiException as error:
        status = getattr(error, 'response_code', None)
        issue = _issue(getattr(error, 'response', None))
        raise ProviderError("PayPal answered %s %s" % (status, issue or ''),
            status=status, issue=issue) from error
    except (requests.RequestException, OSError) as error:
        raise ProviderError("PayPal not reached: %s" % error) from error
    if response.is_error():
        issue = _issue(response)
        raise ProviderError("PayPal answered %s %s" % (
                response.status_code, issue or ''),
            status=response.status_code, issue=issue)
    try:
        return json.loads(response.text)
    except (TypeError, ValueError) as error:
        raise ProviderError("PayPal's answer is not JSON") from error


def create_order(paypal_client, *, amount, currency, digits, reference,
        invoice_number, description, return_url, cancel_url, locale, key):
    """Create the order and return the address where the customer approves
    it; amount in the currency's units (Decimal)"""
    body = OrderRequest(
        intent=CheckoutPaymentIntent.CAPTURE,
        purchase_units=[PurchaseUnitRequest(
                amount=AmountWithBreakdown(
                    currency_code=currency,
                    value=decimal_string(amount, digits)),
                reference_id=reference,
                custom_id=reference,
                invoice_id=invoice_number,
                description=description[:127])],
        payment_source=PaymentSource(paypal=PaypalWallet(
                experience_context=PaypalWalletExperienceContext(
                    locale=locale,
                    shipping_preference='NO_SHIPPING',
                    user_action='PAY_NOW',
                    return_url=return_url,
                    cancel_url=cancel_url))))
    order = _call(paypal_client.orders.create_order, {
            'body': body,
            'paypal_request_id': key,
            'prefer': 'return=minimal',
            })
    for link in order.get('links') or []:
        if link.get('rel') in {'payer-action', 'approve'} and link.get(
                'href', '').startswith('https://'):
            return order.get('id'), link['href']
    raise ProviderError("PayPal returned no approval address")


def _order_id(order_id):
    if not order_id or not re.match(r'^[A-Z0-9]{1,36}$', order_id):
        raise ValueError("not an order id")
    return order_id


def capture_order(paypal_client, order_id):
    """The order as PayPal's capture call answers it (a dict).

    Idempotent: the PayPal-Request-Id is the order's own, so that PayPal
    answers a capture asked again (a retry, the webhook and the customer's
    return of one order) with the capture it made; an order that PayPal
    says was captured already (under another request id, or after PayPal
    forgot ours) is read back, its captures with it."""
    order_id = _order_id(order_id)
    try:
        return _call(paypal_client.orders.capture_order, {
                'id': order_id,
                'paypal_request_id': request_id('capture', order_id),
                'prefer': 'return=representation',
                })
    except ProviderError as error:
        if error.issue != 'ORDER_ALREADY_CAPTURED':
            raise
    return get_order(paypal_client, order_id)


def get_order(paypal_client, order_id):
    "The order as PayPal shows it (GET /v2/checkout/orders/{id}), a dict"
    return _call(paypal_client.orders.get_order, {'id': _order_id(order_id)})


def access_token(paypal_client):
    "An OAuth access token for a call the SDK does not make"
    try:
        token = paypal_client.oauth_2.fetch_token()
    except ApiException as error:
        raise ProviderError("PayPal refused the credentials") from error
    except (requests.RequestException, OSError) as error:
        raise ProviderError("PayPal not reached: %s" % error) from error
    if not token or not getattr(token, 'access_token', None):
        raise ProviderError("PayPal gave no access token")
    return token.access_token


def verification_body(headers, webhook_id, payload):
    """The JSON of the verification request: the transmission headers,
    the webhook id, and the event's raw body as it came (PayPal checks
    the CRC32 of those bytes)"""
    values = {}
    for name, header in TRANSMISSION_HEADERS.items():
        value = headers.get(header)
        if not value:
            raise ValueError("no %s header" % header)
        values[name] = value
    values['webhook_id'] = webhook_id
    head = json.dumps(values)
    return head[:-1] + ', "webhook_event": ' + payload + '}'


def verify_event(paypal_client, headers, payload, webhook_id, timeout=10):
    """The event of a webhook call, verified by PayPal's API; ValueError
    when PayPal says it is not its own, ProviderError when it could not be
    asked (PayPal retries a webhook that failed)"""
    if not webhook_id:
        raise ValueError("no webhook id")
    if isinstance(payload, bytes):
        payload = payload.decode('utf-8')
    try:
        event = json.loads(payload)
    except ValueError as error:
        raise ValueError("not JSON") from error
    if not isinstance(event, dict) or not event.get('id'):
        raise ValueError("not an event")
    body = verification_body(headers, webhook_id, payload)
    token = access_token(paypal_client)
    try:
        response = requests.post(
            base_url(paypal_client) + '/v1/notifications/'
            'verify-webhook-signature', data=body.encode('utf-8'),
            headers={'Authorization': 'Bearer ' + token,
                'Content-Type': 'application/json'},
            timeout=timeout)
    except requests.RequestException as error:
        raise ProviderError("PayPal not reached: %s" % error) from error
    if response.status_code >= 500:
        raise ProviderError("PayPal answered %s" % response.status_code)
    try:
        status = response.json().get('verification_status')
    except (ValueError, AttributeError):
        status = None
    if response.status_code != 200 or status != 'SUCCESS':
        raise ValueError("PayPal did not verify the event")
    return event


def _amount(money):
    money = money or {}
    try:
        return Decimal(money.get('value')), (
            money.get('currency_code') or '').upper()
    except (ArithmeticError, TypeError, ValueError) as error:
        raise ValueError("bad amount") from error


def _capture_confirmation(capture, event_id, event_type):
    "A payment Confirmation of a COMPLETED capture, else None"
    if capture.get('status') != 'COMPLETED':
        return None
    capture_id = capture.get('id')
    if not capture_id:
        raise ValueError("capture without id")
    amount, currency = _amount(capture.get('amount'))
    return Confirmation(
        event_id=event_id, event_type=event_type, kind='payment',
        transaction=capture_id, booking='payment:%s' % capture_id,
        amount=amount, currency=currency,
        metadata=parse_reference(capture.get('custom_id')))


def captured(order):
    """The Confirmations of what a capture call answered: one per
    COMPLETED capture of a COMPLETED order (none while PENDING)"""
    if order.get('status') != 'COMPLETED':
        return []
    result = []
    for unit in order.get('purchase_units') or []:
        for capture in (unit.get('payments') or {}).get('captures') or []:
            capture = dict(capture)
            capture.setdefault('custom_id', unit.get('custom_id'))
            confirmation = _capture_confirmation(
                capture, 'capture:%s' % capture.get('id'), 'capture')
            if confirmation:
                result.append(confirmation)
    return result


def approved_order(event):
    "The id of the order of a CHECKOUT.ORDER.APPROVED event, else None"
    if event.get('event_type') != APPROVED_EVENT:
        return None
    return (event.get('resource') or {}).get('id')


def confirmation(event):
    """The Confirmation of a verified webhook event, or None for an event
    that changes nothing by itself"""
    type_ = event.get('event_type')
    resource = event.get('resource') or {}
    event_id = event.get('id') or ''
    if type_ in PAYMENT_EVENTS:
        return _capture_confirmation(resource, event_id, type_)
    if type_ not in REVERSAL_EVENTS:
        return None
    # a refund (or a reversal) points at its capture with a rel "up" link
    capture_id = None
    for link in resource.get('links') or []:
        match = CAPTURE_LINK.search(link.get('href') or '')
        if link.get('rel') == 'up' and match:
            capture_id = match.group(1)
    if capture_id is None and resource.get('status') == 'REVERSED':
        capture_id = resource.get('id')  # the capture itself, reversed
    if not capture_id or not resource.get('id'):
        raise ValueError("event %s without capture" % event_id)
    amount, currency = _amount(resource.get('amount'))
    kind = 'refund' if type_ == 'PAYMENT.CAPTURE.REFUNDED' else 'reversal'
    return Confirmation(
        event_id=event_id, event_type=type_, kind='reversal',
        transaction=capture_id,
        booking='%s:%s' % (kind, resource['id']),
        amount=amount, currency=currency, metadata={})
