# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Stripe: a hosted Checkout Session per payment, confirmed by a signed
webhook; through the official `stripe` library, no ORM.

The host's account_payment_stripe pays an `account.payment` through
Stripe.js on its own page with the publishable key, per Stripe account
(no company) whose keys the payment users read.  A payment link needs a
hosted Checkout Session on the company's keys, which only the MentorSiG
administrators read: we reuse the host's Stripe API version, and its
`stripe` library, not its models.
"""
import hashlib

import stripe

from ..tokens import from_minor_units, to_minor_units
from . import Confirmation, ProviderError

try:
    from trytond.modules.account_payment_stripe.payment import STRIPE_VERSION
except ImportError:  # the host module is optional
    STRIPE_VERSION = stripe.api_version

TOLERANCE = 300  # seconds, Stripe's own default
PAYMENT_EVENTS = {'checkout.session.completed', 'payment_intent.succeeded'}
REVERSAL_EVENTS = {'charge.refunded', 'charge.dispute.created'}


def client(secret_key, api_base=None, timeout=10):
    "A StripeClient on the company's key (api_base: tests' loopback)"
    options = {}
    if api_base:
        options['base_addresses'] = {'api': api_base}
    return stripe.StripeClient(secret_key,
        stripe_version=STRIPE_VERSION, max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout), **options)


def idempotency_key(link_id, amount, currency, day):
    "The same click on the same day gives back the same session"
    text = 'mentorsig-%s-%s-%s-%s' % (link_id, amount, currency, day)
    return hashlib.sha256(text.encode()).hexdigest()


def create_session(stripe_client, *, amount, currency, digits, reference,
        description, metadata, success_url, cancel_url, email, key):
    """Create the Checkout Session and return its URL; amount in the
    currency's units (Decimal), sent as integer minor units"""
    params = {
        'mode': 'payment',
        'line_items': [{
                'quantity': 1,
                'price_data': {
                    'currency': currency.lower(),
                    'unit_amount': to_minor_units(amount, digits),
                    'product_data': {'name': description},
                    },
                }],
        'client_reference_id': reference,
        'metadata': metadata,
        'payment_intent_data': {'metadata': metadata},
        'success_url': success_url,
        'cancel_url': cancel_url,
        }
    if email:
        params['customer_email'] = email
    try:
        session = stripe_client.v1.checkout.sessions.create(
            params, {'idempotency_key': key})
    except stripe.StripeError as error:
        raise ProviderError(str(error)) from error
    if not session.url:
        raise ProviderError("Stripe returned no checkout URL")
    return session.url


def verify_event(payload, signature, secret):
    """The event of a webhook call, from its raw body and Stripe-Signature
    header; ValueError when the body or the signature is not Stripe's"""
    if not secret or not signature:
        raise ValueError("no signature")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=TOLERANCE)
    except stripe.SignatureVerificationError as error:
        raise ValueError(str(error)) from error
    return event.to_dict()


def confirmation(event, digits_of):
    """The Confirmation of a verified event, or None for an event that
    changes nothing (unpaid session, another type); digits_of(currency)
    gives a currency's decimals"""
    type_ = event.get('type')
    data = (event.get('data') or {}).get('object') or {}
    event_id = event.get('id') or ''
    currency = (data.get('currency') or '').upper()
    if type_ == 'checkout.session.completed':
        if data.get('payment_status') != 'paid':
            return None
        transaction = data.get('payment_intent') or data.get('id')
        units = data.get('amount_total')
        kind = 'payment'
        booking = 'payment:%s' % transaction
    elif type_ == 'payment_intent.succeeded':
        transaction = data.get('id')
        units = data.get('amount_received')
        kind = 'payment'
        booking = 'payment:%s' % transaction
    elif type_ == 'charge.refunded':
        transaction = data.get('payment_intent') or data.get('id')
        # cumulative: the booking key carries the total refunded so far
        units = data.get('amount_refunded')
        kind = 'reversal'
        booking = 'refund:%s:%s' % (data.get('id'), units)
    elif type_ == 'charge.dispute.created':
        transaction = data.get('payment_intent') or data.get('charge')
        units = data.get('amount')
        kind = 'reversal'
        booking = 'dispute:%s' % data.get('id')
    else:
        return None
    if not transaction or not isinstance(units, int):
        raise ValueError("event %s without payment or amount" % event_id)
    metadata = data.get('metadata') or {}
    return Confirmation(
        event_id=event_id, event_type=type_, kind=kind,
        transaction=transaction,
        booking=booking,
        amount=from_minor_units(units, digits_of(currency)),
        currency=currency, metadata=dict(metadata),
        cumulative=type_ == 'charge.refunded')
