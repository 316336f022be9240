# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Valid French identifiers for the demo, checked by python-stdnum."""
from stdnum import iban, luhn
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import tva


def make_siren(base):
    "Return a valid SIREN from an 8-digit base"
    base = '%08d' % base
    number = base + luhn.calc_check_digit(base)
    return stdnum_siren.validate(number)


def make_vat(siren):
    "Return the French VAT number of a SIREN (numeric key)"
    key = (12 + 3 * (int(siren) % 97)) % 97
    return 'FR' + tva.validate('FR%02d%s' % (key, siren))


def make_french_iban(bank_code, branch_code, account_number):
    "Return a valid French IBAN with the RIB key computed"
    bank_code = '%05d' % bank_code
    branch_code = '%05d' % branch_code
    account_number = '%011d' % account_number
    rib_key = 97 - (
        (89 * int(bank_code) + 15 * int(branch_code)
            + 3 * int(account_number)) % 97)
    bban = bank_code + branch_code + account_number + '%02d' % rib_key
    number = 'FR00' + bban
    number = 'FR' + iban.calc_check_digits(number) + bban
    return iban.validate(number)
