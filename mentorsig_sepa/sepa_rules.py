# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SEPA rules of the EPC rulebook, without ORM."""
from stdnum.eu import at_02

SCHEMES = [
    ('CORE', "CORE (consumers and businesses)"),
    ('B2B', "B2B (businesses only)"),
    ]
MESSAGE_VERSIONS = [
    ('pain.008.001.08', "pain.008.001.08 (current)"),
    ('pain.008.001.02', "pain.008.001.02 (legacy)"),
    ]
# EPC rulebook: debtors are told 14 calendar days ahead unless agreed
# otherwise in the mandate.
DEFAULT_PRENOTIFICATION_DAYS = 14


def normalize_creditor_identifier(value):
    """Return the compact creditor identifier, or raise ValueError.

    The error message is the one of python-stdnum, for the logs; users get
    a translated message.
    """
    if not value:
        return None
    try:
        return at_02.validate(value)
    except Exception as exception:
        raise ValueError(str(exception)) from exception


def check_prenotification_days(days):
    return days is not None and 1 <= days <= 60
