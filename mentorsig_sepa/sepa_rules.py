# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""SEPA rules of the EPC rulebook, without ORM."""
import datetime as dt

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

# EPC rulebook: debtors are told 14 calendar days ahead unless agreed
# otherwise in the mandate.
DEFAULT_PRENOTIFICATION_DAYS = 14
# Rulebook 2025: a recurrent mandate lapses 36 months after its last
# collection (or its signature when never used).
MANDATE_LAPSE_MONTHS = 36
# Since November 2023 CORE and B2B debits are presented at least one
# TARGET2 business day before the collection date.
DEFAULT_LEAD_DAYS = 1


def check_prenotification_days(days):
    return days is not None and 1 <= days <= 60


def target2_closed(date):
    "Whether TARGET2 is closed on date: weekends and its six holidays"
    if date.weekday() >= 5:
        return True
    easter_day = easter(date.year)
    return (date.month, date.day) in {(1, 1), (5, 1), (12, 25), (12, 26)} \
        or date in {easter_day - dt.timedelta(days=2),
            easter_day + dt.timedelta(days=1)}


def next_business_day(date):
    while target2_closed(date):
        date += dt.timedelta(days=1)
    return date


def add_business_days(date, days):
    "The TARGET2 business day that comes days business days after date"
    while days > 0:
        date += dt.timedelta(days=1)
        if not target2_closed(date):
            days -= 1
    return date


def earliest_collection_date(today, lead_days, prenotification_days=0):
    """The first collection date a file sent today can ask for: the bank's
    lead time in business days, and the debtor's notice in calendar days"""
    date = add_business_days(today, lead_days)
    date = max(date, today + dt.timedelta(days=prenotification_days))
    return next_business_day(date)


def mandate_lapsed(last_use, today):
    "A recurrent mandate unused for 36 months lapses (last_use: a date)"
    return last_use is not None and (
        last_use + relativedelta(months=MANDATE_LAPSE_MONTHS) <= today)
