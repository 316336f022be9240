# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Paybox's wire format: PBX_HMAC over the posted fields, the RSA-signed
notification, with keys made here (Paybox's own key cannot sign)"""
import base64
import hashlib
import hmac
import urllib.parse
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings, strategies as st

from mentorsig_payment_links.providers import paybox

KEY = '0123456789ABCDEF' * 8  # 64 bytes, as Paybox's back office gives


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PRIVATE = rsa_key()
PUBLIC_PEM = PRIVATE.public_key().public_bytes(
    serialization.Encoding.PEM,
    serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def notification(variables, key=PRIVATE):
    "The query string Paybox sends: URL-encoded, then &sign= last"
    data = urllib.parse.urlencode(variables)
    signature = key.sign(data.encode(), padding.PKCS1v15(), hashes.SHA1())
    return data + '&sign=' + urllib.parse.quote(
        base64.b64encode(signature).decode(), safe='')


def form(**changes):
    values = dict(site='1999888', rank='32', identifier='107904482',
        amount=Decimal('1481.48'), digits=2, currency_numeric='978',
        reference='MSG-12-3-abcd', email='client@example.com',
        time='2026-12-01T10:00:00+00:00', hex_key=KEY,
        notify_url='https://erp.example.com/db/notify',
        done_url='https://erp.example.com/db/done',
        refused_url='https://erp.example.com/db/refused',
        cancel_url='https://erp.example.com/db/cancel')
    values.update(changes)
    return paybox.form_fields(**values)


def test_form_signed_over_the_fields_in_order():
    fields = form()
    names = [n for n, _ in fields]
    assert names[-1] == 'PBX_HMAC'
    assert dict(fields)['PBX_TOTAL'] == '148148'   # cents
    assert dict(fields)['PBX_DEVISE'] == '978'
    message = '&'.join('%s=%s' % f for f in fields[:-1])
    # keyed with the hex-decoded secret, not its text
    expected = hmac.new(bytes.fromhex(KEY), message.encode(),
        hashlib.sha512).hexdigest().upper()
    assert dict(fields)['PBX_HMAC'] == expected
    assert expected != hmac.new(KEY.encode(), message.encode(),
        hashlib.sha512).hexdigest().upper()


def test_order_and_values_change_the_signature():
    fields = form()[:-1]
    reordered = [fields[1], fields[0]] + fields[2:]
    assert paybox.sign(fields, KEY) != paybox.sign(reordered, KEY)
    assert form()[-1] != form(amount=Decimal('1481.47'))[-1]


@pytest.mark.parametrize('key', ['', 'xyz', '0123G', None])
def test_key_must_be_hexadecimal(key):
    with pytest.raises(ValueError):
        paybox.check_key(key)


def test_amount_finer_than_the_currency_refused():
    with pytest.raises(ValueError):
        form(amount=Decimal('10.001'))


VARIABLES = [('montant', '148148'), ('ref', 'MSG-12-3-abcd'),
    ('auto', 'XXXXXX'), ('trans', '601957'), ('erreur', '00000')]


def test_notification_verified():
    variables = paybox.verify_notification(
        notification(VARIABLES), PUBLIC_PEM)
    assert variables['ref'] == 'MSG-12-3-abcd'
    confirmation = paybox.confirmation(variables, 2, 'EUR')
    assert confirmation.amount == Decimal('1481.48')
    assert confirmation.metadata == {'invoice': '12', 'link': '3'}
    assert confirmation.booking == 'payment:601957'


def test_forged_signature_refused():
    with pytest.raises(ValueError):
        paybox.verify_notification(
            notification(VARIABLES, key=rsa_key()), PUBLIC_PEM)


def test_tampered_notification_refused():
    query = notification(VARIABLES)
    with pytest.raises(ValueError):
        paybox.verify_notification(
            query.replace('montant=148148', 'montant=999999'), PUBLIC_PEM)


@pytest.mark.parametrize('query', [
        '', 'montant=100', 'montant=100&sign=', 'sign=abc',
        'montant=100&sign=not-base64!'])
def test_unsigned_notification_refused(query):
    with pytest.raises(ValueError):
        paybox.verify_notification(query, PUBLIC_PEM)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=10 ** 9),
    st.text(alphabet='abcdefXYZ0123-_ ', min_size=1, max_size=20))
def test_any_signed_notification_round_trips(units, ref):
    variables = [('montant', str(units)), ('ref', ref), ('auto', 'A1'),
        ('trans', '1'), ('erreur', '00000')]
    checked = paybox.verify_notification(notification(variables),
        PUBLIC_PEM)
    assert checked == dict(variables)
    assert paybox.paid_amount(checked, 2) == Decimal(units) / 100


def test_refused_payment_confirms_nothing():
    variables = dict(VARIABLES, erreur='00105')
    assert paybox.confirmation(variables, 2, 'EUR') is None
    del variables['auto']
    variables['erreur'] = '00000'
    assert paybox.confirmation(variables, 2, 'EUR') is None


@pytest.mark.parametrize('value', [
        'MSG-1-2', 'XXX-1-2-a', 'MSG-a-2-b', '', None])
def test_foreign_references_name_nothing(value):
    assert paybox.parse_reference(value) == {}
