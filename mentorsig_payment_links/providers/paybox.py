# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Paybox (Verifone) System: the signed payment form and the signed
server-to-server notification; no ORM.

- The form posted by the customer's browser to Paybox carries PBX_HMAC:
  the uppercase hex HMAC-SHA512, keyed with the hex-decoded secret of the
  merchant, over "NAME=value&NAME=value..." of every other field in the
  order they are posted (values not URL-encoded).
- Paybox calls PBX_REPONDRE_A with the variables asked in PBX_RETOUR; the
  last one, `sign`, is the RSA (SHA-1, PKCS#1 v1.5) signature, base64 and
  URL-encoded, of the query string before "&sign=", checked with Paybox's
  public key.  Only that call confirms a payment: the browser's return
  URLs carry the same variables but prove nothing.
"""
import base64
import binascii
import hashlib
import hmac
import urllib.parse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from ..tokens import from_minor_units, to_minor_units

URLS = {
    'test': 'https://preprod-tpeweb.paybox.com/cgi/MYchoix_pagepaiement.cgi',
    'live': 'https://tpeweb.paybox.com/cgi/MYchoix_pagepaiement.cgi',
    }
# what Paybox sends back, signature last (PBX_RETOUR)
RETURNED = 'montant:M;ref:R;auto:A;trans:T;erreur:E;sign:K'
SUCCESS = '00000'


def check_key(hex_key):
    "The HMAC key as bytes; ValueError when it is not hexadecimal"
    try:
        key = binascii.unhexlify((hex_key or '').strip())
    except (binascii.Error, ValueError) as error:
        raise ValueError("the key is not hexadecimal") from error
    if not key:
        raise ValueError("the key is empty")
    return key


def sign(fields, hex_key):
    "PBX_HMAC of fields, a list of (name, value) in posted order"
    message = '&'.join('%s=%s' % (n, v) for n, v in fields)
    return hmac.new(check_key(hex_key), message.encode('utf-8'),
        hashlib.sha512).hexdigest().upper()


def form_fields(*, site, rank, identifier, amount, digits, currency_numeric,
        reference, email, time, hex_key, notify_url, done_url, refused_url,
        cancel_url):
    "The fields of the payment form, PBX_HMAC last"
    fields = [
        ('PBX_SITE', site),
        ('PBX_RANG', rank),
        ('PBX_IDENTIFIANT', identifier),
        ('PBX_TOTAL', str(to_minor_units(amount, digits))),
        ('PBX_DEVISE', str(currency_numeric)),
        ('PBX_CMD', reference),
        ('PBX_PORTEUR', email),
        ('PBX_RETOUR', RETURNED),
        ('PBX_HASH', 'SHA512'),
        ('PBX_TIME', time),
        ('PBX_REPONDRE_A', notify_url),
        ('PBX_EFFECTUE', done_url),
        ('PBX_REFUSE', refused_url),
        ('PBX_ANNULE', cancel_url),
        ]
    return fields + [('PBX_HMAC', sign(fields, hex_key))]


def verify_notification(query_string, public_key_pem):
    """The variables of a notification whose signature is Paybox's, as a
    dict; ValueError otherwise (no signature, forged, tampered)"""
    if isinstance(query_string, bytes):
        query_string = query_string.decode('ascii')
    data, separator, signature = query_string.rpartition('&sign=')
    if not separator or not data or not signature or '&' in signature:
        raise ValueError("no signature")
    try:
        raw = base64.b64decode(
            urllib.parse.unquote(signature), validate=True)
        key = serialization.load_pem_public_key(
            public_key_pem.encode() if isinstance(public_key_pem, str)
            else public_key_pem)
        key.verify(raw, data.encode('ascii'), padding.PKCS1v15(),
            hashes.SHA1())
    except (InvalidSignature, binascii.Error, ValueError, TypeError) as error:
        raise ValueError("bad signature") from error
    return dict(urllib.parse.parse_qsl(data, keep_blank_values=True,
            strict_parsing=True))


def paid_amount(variables, digits):
    "The amount a successful notification confirms, else None"
    if variables.get('erreur') != SUCCESS or not variables.get('auto'):
        return None
    units = variables.get('montant', '')
    if not units.isdigit():
        raise ValueError("bad amount")
    return from_minor_units(int(units), digits)


def reference(invoice_id, link_id, nonce):
    "PBX_CMD: what the notification gives back to find the invoice"
    return 'MSG-%d-%d-%s' % (invoice_id, link_id, nonce)


def parse_reference(value):
    "{'invoice': id, 'link': id} of a PBX_CMD we made, else {}"
    parts = (value or '').split('-')
    if len(parts) != 4 or parts[0] != 'MSG' or not all(
            p.isdigit() for p in parts[1:3]):
        return {}
    return {'invoice': parts[1], 'link': parts[2]}


def confirmation(variables, digits, currency):
    """The Confirmation of a verified notification, None when it confirms
    no payment (refused, cancelled); currency is the one of the form,
    which our PBX_HMAC signed"""
    from . import Confirmation
    amount = paid_amount(variables, digits)
    if amount is None:
        return None
    transaction = variables.get('trans') or ''
    if not transaction.isdigit():
        raise ValueError("bad transaction")
    return Confirmation(
        event_id='%s-%s' % (transaction, variables.get('erreur')),
        event_type='notification', kind='payment', transaction=transaction,
        booking='payment:%s' % transaction, amount=amount,
        currency=currency, metadata=parse_reference(variables.get('ref')))
