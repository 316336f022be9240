# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The check of an email address as typed (no ORM)"
import pytest

from mentorsig_invoicing.party import email_address_problem


@pytest.mark.parametrize('address', [
        'jean@example.com', 'compta@mentorsig.example',
        'J.Dupont+factures@Boulangerie-Martin.FR', ' a@b.fr '])
def test_good_addresses_pass(address):
    assert email_address_problem(address) is None


@pytest.mark.parametrize('address', [
        'bad@@x', 'a@b', 'x@y..fr', 'a@b.c,d@e.f', '', '@x.fr',
        'a@-x.fr', 'jean dupont@x.fr', 'jean@', 'jean'])
def test_bad_addresses_say_why(address):
    assert email_address_problem(address)
