# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Legal mentions of an invoice: French (Code de commerce L441-9 / D441-5)
for a company in France, EN 16931's for a company elsewhere in the EU.

Pure functions, no ORM: the configuration and the invoice feed them plain
values so that the rules are tested directly.
"""
from decimal import Decimal

from stdnum.eu.vat import MEMBER_STATES

# Décret 2012-1115: the fixed recovery indemnity is 40 EUR, never less.
RECOVERY_INDEMNITY_MINIMUM = Decimal('40')


def check_late_payment_rate(rate):
    "Return an error key when the penalty rate is not a usable percentage"
    if rate is None:
        return 'missing'
    if rate <= 0 or rate > 100:
        return 'out_of_range'
    return None


def check_recovery_indemnity(amount):
    "Return an error key when the recovery indemnity is below the law"
    if amount is None:
        return 'missing'
    if amount < RECOVERY_INDEMNITY_MINIMUM:
        return 'below_minimum'
    return None


# EN 16931 applies to the member states of the European Union: stdnum's
# list, by their ISO 3166 codes ('xi', Northern Ireland, is no country)
EU_COUNTRIES = frozenset(code.upper() for code in MEMBER_STATES)


def missing_company_mentions(country, siren, vat_number, address_complete,
        late_payment_rate, recovery_indemnity):
    """Return the names of the mandatory mentions a company lacks, by the
    country of its address (an ISO 3166 code).

    France (Code de commerce L441-9, R123-237): the SIREN, the VAT number,
    the late-payment penalty rate and the recovery indemnity of at least
    40 EUR.  Elsewhere in the European Union, what EN 16931 asks of the
    seller: the VAT number (BT-31) and a postal address with its country
    (BG-5); the penalty texts are printed when the company sets them and
    checked only then.  Outside the Union no mention is required.
    The names are the keys of the user messages that explain what to fill.
    """
    missing = []
    if country == 'FR':
        if not siren:
            missing.append('siren')
    if country in EU_COUNTRIES:
        if not vat_number:
            missing.append('vat_number')
        if country != 'FR' and not address_complete:
            missing.append('address')
    if country == 'FR' or late_payment_rate is not None:
        if check_late_payment_rate(late_payment_rate):
            missing.append('late_payment_rate')
    if country == 'FR' or recovery_indemnity is not None:
        if check_recovery_indemnity(recovery_indemnity):
            missing.append('recovery_indemnity')
    return missing
