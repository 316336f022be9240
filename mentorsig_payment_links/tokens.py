# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment link tokens, expiry and amounts: plain functions, no ORM.

A token is 256 random bits (base64url, 43 characters).  Only its SHA-256
is stored: a copy of the database gives no usable link.  The plain token
exists once, when it is made, and goes into the email or the form that
asked for it.

The link printed on a posted document must come out again when the
document is rendered again (its bytes are fixed at posting): with a server
key kept outside the database (`[mentorsig_payment_links] secret`), its
token is the HMAC of a random nonce stored with the link, so the server
alone can make it again, a database copy still cannot.
"""
import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from decimal import Decimal

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r'^[A-Za-z0-9_-]{43}$')


def new_token():
    "A new unguessable token (256 bits)"
    return secrets.token_urlsafe(TOKEN_BYTES)


def keyed_token(key, nonce):
    "The token of a nonce under the server's key (256 bits, base64url)"
    if isinstance(key, str):
        key = key.encode('utf-8')
    digest = hmac.new(key, nonce.encode('ascii'), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')


def well_formed(token):
    return bool(isinstance(token, str) and TOKEN_PATTERN.match(token))


def token_hash(token):
    """The SHA-256 stored for token; a malformed token hashes too, so that
    every lookup costs the same"""
    if not isinstance(token, str):
        token = ''
    return hashlib.sha256(
        token.encode('utf-8', 'surrogatepass')).hexdigest()


def link_expiry(today, due_date, validity_days):
    "The last day a link made today is usable: validity days after due"
    start = max(due_date or today, today)
    return start + dt.timedelta(days=validity_days)


def to_minor_units(amount, digits):
    """The amount in the currency's minor units (integer cents for EUR);
    refuses an amount finer than the currency"""
    amount = Decimal(amount)
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise ValueError("%s has more than %d decimals" % (amount, digits))
    return int(scaled)


def from_minor_units(units, digits):
    "The Decimal amount of a count of minor units"
    if isinstance(units, bool) or not isinstance(units, int):
        raise ValueError("minor units must be an integer: %r" % (units,))
    return Decimal(units).scaleb(-digits)


def decide(paid, paid_currency, due, currency):
    """What to do with a confirmed payment: 'book' it (partial allowed) or
    hold it for 'review', with the reason: another currency, nothing paid,
    more than is due"""
    if (paid_currency or '').upper() != (currency or '').upper():
        return 'review', 'currency'
    if paid <= 0:
        return 'review', 'amount'
    if paid > due:
        return 'review', 'overpaid'
    return 'book', None
