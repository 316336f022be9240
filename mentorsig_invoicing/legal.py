# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""French legal mentions of an invoice (Code de commerce L441-9 / D441-5).

Pure functions, no ORM: the configuration and the invoice feed them plain
values so that the rules are tested directly.
"""
from decimal import Decimal

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


def missing_company_mentions(siren, vat_number, late_payment_rate,
        recovery_indemnity):
    """Return the names of the mandatory mentions a company lacks.

    The names are the keys of the user messages that explain what to fill.
    """
    missing = []
    if not siren:
        missing.append('siren')
    if not vat_number:
        missing.append('vat_number')
    if check_late_payment_rate(late_payment_rate):
        missing.append('late_payment_rate')
    if check_recovery_indemnity(recovery_indemnity):
        missing.append('recovery_indemnity')
    return missing
