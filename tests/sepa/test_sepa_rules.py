# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import pytest

from mentorsig_sepa import sepa_rules


def test_creditor_identifier_normalized():
    assert sepa_rules.normalize_creditor_identifier(
        'fr72 zzz 123456') == 'FR72ZZZ123456'
    assert sepa_rules.normalize_creditor_identifier('') is None


@pytest.mark.parametrize('value', ['FR73ZZZ123456', 'FR72ZZZ', 'XX'])
def test_creditor_identifier_invalid(value):
    with pytest.raises(ValueError):
        sepa_rules.normalize_creditor_identifier(value)


def test_prenotification_days():
    assert sepa_rules.check_prenotification_days(14)
    assert not sepa_rules.check_prenotification_days(0)
    assert not sepa_rules.check_prenotification_days(61)
    assert not sepa_rules.check_prenotification_days(None)
