# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The dates of a recurring template, as plain functions on dateutil.rrule

A template bills periods: the period that starts on an invoice date ends
the day before the next one (billed in advance, as a subscription is).
Month ends are kept: a monthly template that starts on the 31st bills on
the last day of the shorter months (28 or 29 February, 30 April) and on
the 31st again after them; a yearly one that starts on 29 February bills
on 28 February in the other years.  An end date and a maximum number of
invoices both bound the dates: the first bound met ends the template.  The
maximum counts the invoices made (`remaining` below), so that periods
skipped by a suspension do not use it up.
"""
import datetime as dt

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule

FREQUENCIES = {
    'daily': DAILY,
    'weekly': WEEKLY,
    'monthly': MONTHLY,
    'yearly': YEARLY,
    }
ONE_DAY = dt.timedelta(days=1)


def _datetime(date):
    return dt.datetime.combine(date, dt.time())


def rule(start, frequency, interval=1, end_date=None):
    """The rrule of the invoice dates from start, month-end aware

    A day of month past the 28th is asked as "that day or the last day of
    the month, whichever comes first" (bymonthday with bysetpos=1), which
    rrule otherwise skips in the months that lack it."""
    if interval < 1:
        raise ValueError("interval must be at least 1")
    freq = FREQUENCIES[frequency]
    options = {}
    if freq in {MONTHLY, YEARLY} and start.day > 28:
        options['bymonthday'] = (start.day, -1)
        options['bysetpos'] = 1
        if freq == YEARLY:
            options['bymonth'] = start.month
    return rrule(
        freq, dtstart=_datetime(start), interval=interval,
        until=_datetime(end_date) if end_date else None, **options)


def invoice_dates(start, frequency, interval=1, end_date=None,
        after=None, until=None, limit=None):
    """The invoice dates of the template, on or after `after` and on or
    before `until`, at most `limit` of them"""
    dates = []
    recurrence = rule(start, frequency, interval, end_date)
    iterator = iter(recurrence) if after is None else iter(
        recurrence.xafter(_datetime(after), inc=True))
    for occurrence in iterator:
        date = occurrence.date()
        if until is not None and date > until:
            break
        if limit is not None and len(dates) >= limit:
            break
        dates.append(date)
    return dates


def period_of(date, start, frequency, interval=1, end_date=None):
    """The period billed on the invoice date `date`: from it to the day
    before the next invoice date of the unbounded recurrence, within the
    end date"""
    following = rule(start, frequency, interval).after(
        _datetime(date), inc=False)
    end = following.date() - ONE_DAY
    if end_date is not None and end > end_date:
        end = end_date
    return date, max(end, date)


def due_periods(start, frequency, interval=1, end_date=None,
        next_date=None, today=None, remaining=None):
    """The periods to bill on `today`: each invoice date from next_date
    (the first one not billed yet, start when None) up to today, with its
    period, `remaining` of them at most; after a downtime, every missed
    period, each once"""
    next_date = next_date or start
    dates = invoice_dates(
        start, frequency, interval, end_date,
        after=next_date, until=today, limit=remaining)
    if not dates:
        return []
    # the dates of the unbounded recurrence from the first one: each
    # period ends the day before the date that follows it
    unbounded = invoice_dates(
        start, frequency, interval, after=dates[0], limit=len(dates) + 1)
    periods = []
    for date, following in zip(dates, unbounded[1:]):
        end = following - ONE_DAY
        if end_date is not None and end > end_date:
            end = end_date
        periods.append((date, max(end, date)))
    return periods


def following_date(date, start, frequency, interval=1, end_date=None):
    """The invoice date after `date`, None when the end date is passed"""
    following = rule(start, frequency, interval, end_date).after(
        _datetime(date), inc=False)
    return following.date() if following else None


def resume_date(resumed_on, next_date, start, frequency, interval=1,
        end_date=None, bill_gap=False):
    """The next invoice date of a template resumed on `resumed_on` that was
    next to bill `next_date` when suspended: unchanged when the skipped
    periods are billed (the catch-up bills them), else the first invoice
    date on or after the resumption"""
    if bill_gap or next_date is None or next_date >= resumed_on:
        return next_date
    dates = invoice_dates(
        start, frequency, interval, end_date, after=resumed_on, limit=1)
    return dates[0] if dates else None
