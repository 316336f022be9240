# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal-mention rules, without database."""
from decimal import Decimal

from mentorsig_invoicing import legal


def test_recovery_indemnity():
    assert legal.check_recovery_indemnity(Decimal('40')) is None
    assert legal.check_recovery_indemnity(Decimal('50.00')) is None
    assert legal.check_recovery_indemnity(Decimal('39.99')) == 'below_minimum'
    assert legal.check_recovery_indemnity(None) == 'missing'


def test_late_payment_rate():
    assert legal.check_late_payment_rate(Decimal('12.15')) is None
    assert legal.check_late_payment_rate(Decimal('0')) == 'out_of_range'
    assert legal.check_late_payment_rate(Decimal('100.01')) == 'out_of_range'
    assert legal.check_late_payment_rate(None) == 'missing'


def test_missing_company_mentions_in_france():
    assert legal.missing_company_mentions(
        'FR', '732829320', 'FR44732829320', False, Decimal('12'),
        Decimal('40')) == []
    assert legal.missing_company_mentions(
        'FR', None, '', True, Decimal('0'), None) == [
        'siren', 'vat_number', 'late_payment_rate', 'recovery_indemnity']


def test_missing_company_mentions_elsewhere_in_the_eu():
    "No SIREN in Belgium: the VAT number and the address (EN 16931)"
    assert legal.missing_company_mentions(
        'BE', None, 'BE0477472701', True, None, None) == []
    assert legal.missing_company_mentions(
        'BE', None, None, False, None, None) == ['vat_number', 'address']
    # the penalty texts are checked when the company sets them
    assert legal.missing_company_mentions(
        'DE', None, 'DE136695976', True, Decimal('0'), Decimal('10')) == [
        'late_payment_rate', 'recovery_indemnity']


def test_missing_company_mentions_outside_the_eu():
    assert legal.missing_company_mentions(
        'US', None, None, False, None, None) == []
