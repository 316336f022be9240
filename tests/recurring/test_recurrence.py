# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The dates of recurring templates (pure functions, property-based)"
import calendar
import datetime as dt

import pytest
from hypothesis import assume, given, settings, strategies as st

from mentorsig_recurring.recurrence import (
    due_periods, following_date, invoice_dates, period_of, resume_date)

DAY = dt.timedelta(days=1)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
frequencies = st.sampled_from(['daily', 'weekly', 'monthly', 'yearly'])
intervals = st.integers(min_value=1, max_value=6)


def last_day(year, month):
    return calendar.monthrange(year, month)[1]


def add_months(year, month, n):
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def test_the_issue_example_31_january():
    assert invoice_dates(dt.date(2026, 1, 31), 'monthly', limit=4) == [
        dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31),
        dt.date(2026, 4, 30)]
    assert invoice_dates(dt.date(2028, 1, 31), 'monthly', limit=3) == [
        dt.date(2028, 1, 31), dt.date(2028, 2, 29), dt.date(2028, 3, 31)]


def test_period_of_november():
    start = dt.date(2026, 11, 1)
    assert period_of(start, start, 'monthly') == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@given(start=dates, interval=intervals, count=st.integers(1, 40))
def test_monthly_keeps_the_day_or_the_month_end(start, interval, count):
    result = invoice_dates(start, 'monthly', interval, limit=count)
    assert len(result) == count
    for n, date in enumerate(result):
        year, month = add_months(start.year, start.month, n * interval)
        assert (date.year, date.month) == (year, month)
        assert date.day == min(start.day, last_day(year, month))


@given(year=st.integers(2000, 2080), count=st.integers(1, 12))
def test_yearly_from_29_february(year, count):
    while not calendar.isleap(year):
        year += 1
    start = dt.date(year, 2, 29)
    for n, date in enumerate(
            invoice_dates(start, 'yearly', limit=count)):
        assert date.year == year + n and date.month == 2
        assert date.day == (29 if calendar.isleap(date.year) else 28)


@given(start=dates, interval=intervals, count=st.integers(2, 30))
def test_every_n_weeks(start, interval, count):
    result = invoice_dates(start, 'weekly', interval, limit=count)
    assert result[0] == start
    for before, after in zip(result, result[1:]):
        assert (after - before).days == 7 * interval
        assert after.weekday() == start.weekday()


@given(start=dates, frequency=frequencies, interval=intervals,
    days=st.integers(0, 2000), limit=st.integers(1, 30))
def test_end_date_against_maximum_count(
        start, frequency, interval, days, limit):
    end_date = start + dt.timedelta(days=days)
    bounded = invoice_dates(
        start, frequency, interval, end_date, limit=limit)
    by_end = invoice_dates(
        start, frequency, interval, end_date, limit=None)
    by_count = invoice_dates(start, frequency, interval, limit=limit)
    # the first bound met ends the template
    assert bounded == by_end[:limit] == [d for d in by_count if d <= end_date]
    assert len(bounded) == min(limit, len(by_end))
    assert all(d <= end_date for d in bounded)


@given(start=dates, frequency=frequencies, interval=intervals,
    count=st.integers(1, 20))
def test_periods_tile_without_gap_or_overlap(
        start, frequency, interval, count):
    result = invoice_dates(start, frequency, interval, limit=count + 1)
    periods = [period_of(d, start, frequency, interval) for d in result]
    for (first, last), (following, _) in zip(periods, periods[1:]):
        assert first <= last
        assert last + DAY == following


@given(start=dates, frequency=frequencies, interval=intervals,
    days=st.integers(0, 1500), end=st.none() | st.integers(0, 1500))
def test_period_ends_within_the_end_date(
        start, frequency, interval, days, end):
    end_date = start + dt.timedelta(days=end) if end is not None else None
    for date in invoice_dates(
            start, frequency, interval, end_date, limit=5):
        first, last = period_of(date, start, frequency, interval, end_date)
        assert first == date
        if end_date is not None:
            assert last <= end_date


@settings(deadline=None)
@given(start=dates, frequency=frequencies, interval=intervals,
    down=st.integers(0, 800), split=st.integers(0, 800),
    remaining=st.none() | st.integers(0, 20))
def test_catch_up_bills_each_missed_period_once(
        start, frequency, interval, down, split, remaining):
    """A server down from start to `today` bills every invoice date up to
    today, each once, in order; stopping the catch-up anywhere and running
    it again later gives the same periods (what the cron does day by day)"""
    today = start + dt.timedelta(days=down)
    once = due_periods(
        start, frequency, interval, today=today, remaining=remaining)
    expected = invoice_dates(
        start, frequency, interval, until=today, limit=remaining)
    assert [p[0] for p in once] == expected
    assert len(set(once)) == len(once)
    assert once == [period_of(d, start, frequency, interval)
        for d in expected[:40]] + once[40:]
    middle = start + dt.timedelta(days=min(split, down))
    first = due_periods(
        start, frequency, interval, today=middle, remaining=remaining)
    next_date = (following_date(first[-1][0], start, frequency, interval)
        if first else start)
    left = None if remaining is None else remaining - len(first)
    second = due_periods(
        start, frequency, interval, next_date=next_date, today=today,
        remaining=left)
    assert first + second == once


@settings(deadline=None)
@given(start=dates, frequency=frequencies, interval=intervals,
    suspended=st.integers(0, 400), resumed=st.integers(0, 400))
def test_resume_with_or_without_the_gap(
        start, frequency, interval, suspended, resumed):
    dates_ = invoice_dates(start, frequency, interval, limit=200)
    next_date = dates_[min(suspended // 30, len(dates_) - 1)]
    resumed_on = next_date + dt.timedelta(days=resumed)
    assert resume_date(resumed_on, next_date, start, frequency, interval,
        bill_gap=True) == next_date
    without = resume_date(
        resumed_on, next_date, start, frequency, interval)
    assert without >= resumed_on
    assert without in invoice_dates(
        start, frequency, interval, after=next_date, until=without)
    # no invoice date between the resumption and the one chosen
    assert not invoice_dates(start, frequency, interval,
        after=resumed_on, until=without - DAY)


def test_resume_after_the_end_date():
    start = dt.date(2026, 1, 1)
    assert resume_date(dt.date(2026, 6, 1), dt.date(2026, 2, 1), start,
        'monthly', end_date=dt.date(2026, 3, 31)) is None


def test_bad_interval():
    with pytest.raises(ValueError):
        invoice_dates(dt.date(2026, 1, 1), 'monthly', 0)


@given(start=dates, frequency=frequencies, interval=intervals)
def test_following_date_is_the_next_invoice_date(start, frequency, interval):
    first, second = invoice_dates(start, frequency, interval, limit=2)
    assert following_date(first, start, frequency, interval) == second
    assume(second > first)
    assert following_date(
        second - DAY, start, frequency, interval) == second
