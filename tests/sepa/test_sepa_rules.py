# This file is part of MentorSiG.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mentorsig_sepa import sepa_rules


def test_prenotification_days():
    assert sepa_rules.check_prenotification_days(14)
    assert not sepa_rules.check_prenotification_days(0)
    assert not sepa_rules.check_prenotification_days(61)
    assert not sepa_rules.check_prenotification_days(None)


def test_target2_holidays_2026():
    closed = [d for d in (dt.date(2026, 1, 1) + dt.timedelta(days=i)
            for i in range(365))
        if sepa_rules.target2_closed(d) and d.weekday() < 5]
    assert closed == [dt.date(2026, 1, 1), dt.date(2026, 4, 3),
        dt.date(2026, 4, 6), dt.date(2026, 5, 1), dt.date(2026, 12, 25)]


def test_business_days_skip_easter():
    # Thursday before Good Friday 2026 + 1 business day: Tuesday
    assert sepa_rules.add_business_days(dt.date(2026, 4, 2), 1) == \
        dt.date(2026, 4, 7)
    assert sepa_rules.earliest_collection_date(
        dt.date(2026, 12, 1), 1, 14) == dt.date(2026, 12, 15)
    # the notice ends on Christmas: the next open day is the 28th
    assert sepa_rules.earliest_collection_date(
        dt.date(2026, 12, 11), 1, 14) == dt.date(2026, 12, 28)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=30))
def test_earliest_collection_date_is_open_and_late_enough(today, lead, days):
    date = sepa_rules.earliest_collection_date(today, lead, days)
    assert not sepa_rules.target2_closed(date)
    assert date >= today + dt.timedelta(days=days)
    assert date >= sepa_rules.add_business_days(today, lead)


def test_mandate_lapse():
    assert not sepa_rules.mandate_lapsed(dt.date(2023, 12, 2),
        dt.date(2026, 12, 1))
    assert sepa_rules.mandate_lapsed(dt.date(2023, 12, 1),
        dt.date(2026, 12, 1))
    assert not sepa_rules.mandate_lapsed(None, dt.date(2026, 12, 1))
