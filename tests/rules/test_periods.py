"""Month periods and billing months (月度): Civil Code Art. 143 as applied by §5(5) and §14(2)–(4).

A period of N months from day S (S counted as day 1) ends the day before the day that
corresponds to S in the N-th following month, or on that month's last day when it has no such
day. Billing months are always derived from the contract start, never chained.
"""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import RuleError
from portal.rules.periods import (
    billing_month,
    billing_month_by_index,
    billing_month_index,
    billing_period,
    month_period_end,
)

D = date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        pytest.param(D(2027, 1, 15), 1, D(2027, 2, 14), id="mid-month: day before the 15th"),
        pytest.param(D(2026, 4, 1), 12, D(2027, 3, 31), id="1st: ends on the last day before"),
        pytest.param(D(2026, 12, 1), 1, D(2026, 12, 31), id="december-31-day month"),
        pytest.param(D(2026, 12, 15), 1, D(2027, 1, 14), id="crosses the year"),
        pytest.param(D(2026, 1, 1), 24, D(2027, 12, 31), id="24 months"),
        # No 31 February: the period ends on February's last day.
        pytest.param(D(2027, 1, 31), 1, D(2027, 2, 28), id="jan31+1 non-leap -> feb28"),
        pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="jan31+1 leap 2028 -> feb29"),
        pytest.param(D(2027, 1, 29), 1, D(2027, 2, 28), id="jan29+1 non-leap: no feb29 -> feb28"),
        # 2028 has 29 February, so the day before it is the 28th.
        pytest.param(D(2028, 1, 29), 1, D(2028, 2, 28), id="jan29+1 leap: day before feb29"),
        pytest.param(D(2028, 1, 30), 1, D(2028, 2, 29), id="jan30+1 leap: no feb30 -> feb29"),
        pytest.param(D(2027, 1, 31), 2, D(2027, 3, 30), id="jan31+2 -> mar30, not feb28+1 month"),
        pytest.param(D(2027, 3, 31), 1, D(2027, 4, 30), id="mar31+1: no apr31 -> apr30"),
        pytest.param(D(2027, 3, 30), 1, D(2027, 4, 29), id="mar30+1 -> apr29"),
        pytest.param(D(2026, 11, 30), 3, D(2027, 2, 28), id="nov30+3: no feb30"),
        pytest.param(D(2027, 10, 31), 4, D(2028, 2, 29), id="oct31+4 -> leap feb29"),
        pytest.param(D(2028, 2, 29), 1, D(2028, 3, 28), id="feb29+1 -> mar28"),
        # 2029 has no 29 February: a year from 29 Feb 2028 ends on 28 Feb 2029.
        pytest.param(D(2028, 2, 29), 12, D(2029, 2, 28), id="feb29+12 -> feb28 next year"),
        pytest.param(D(2026, 8, 31), 1, D(2026, 9, 30), id="aug31+1: no sep31"),
        pytest.param(D(2026, 8, 31), 2, D(2026, 10, 30), id="aug31+2 -> oct30"),
        pytest.param(D(2026, 8, 31), 6, D(2027, 2, 28), id="aug31+6 -> feb28"),
        pytest.param(D(2026, 8, 31), 12, D(2027, 8, 30), id="aug31+12 -> aug30"),
    ],
)
def test_month_period_end(start, months, end):
    assert month_period_end(start, months) == end


@pytest.mark.parametrize("months", [0, -1], ids=["zero", "negative"])
def test_month_period_end_needs_a_month(months):
    with pytest.raises(ValueError):
        month_period_end(D(2026, 4, 1), months)


def test_month_period_end_refuses_a_datetime():
    from datetime import datetime, timezone

    with pytest.raises(TypeError):
        month_period_end(datetime(2026, 4, 1, tzinfo=timezone.utc), 1)


@pytest.mark.parametrize(
    ("start", "day", "first", "last"),
    [
        # Start 31 Jan 2027: each month ends on month_period_end(start, k+1), never chained.
        pytest.param("2027-01-31", "2027-01-31", "2027-01-31", "2027-02-28", id="jan31 day 1"),
        pytest.param("2027-01-31", "2027-02-28", "2027-01-31", "2027-02-28", id="jan31 feb28"),
        pytest.param("2027-01-31", "2027-03-01", "2027-03-01", "2027-03-30", id="jan31 mar1"),
        pytest.param("2027-01-31", "2027-03-30", "2027-03-01", "2027-03-30", id="jan31 mar30"),
        pytest.param("2027-01-31", "2027-03-31", "2027-03-31", "2027-04-30", id="jan31 31st"),
        pytest.param("2027-01-31", "2027-05-01", "2027-05-01", "2027-05-30", id="jan31 may1"),
        pytest.param("2027-01-31", "2027-05-31", "2027-05-31", "2027-06-30", id="jan31 may31"),
        # Month 11 ends on month_period_end(start, 12) = 30 Jan 2028 (31 Jan 2028 exists).
        pytest.param("2027-01-31", "2028-01-15", "2027-12-31", "2028-01-30", id="jan31 m11"),
        pytest.param("2027-01-31", "2028-02-29", "2028-01-31", "2028-02-29", id="jan31 feb29"),
        pytest.param("2027-01-31", "2028-03-01", "2028-03-01", "2028-03-30", id="jan31 mar 2028"),
        # Start 29 Feb 2028.
        pytest.param("2028-02-29", "2028-03-28", "2028-02-29", "2028-03-28", id="feb29 m0"),
        pytest.param("2028-02-29", "2028-03-29", "2028-03-29", "2028-04-28", id="feb29 m1"),
        # Month 11 ends on month_period_end(start, 12) = 28 Feb 2029 (no 29 Feb in 2029).
        pytest.param("2028-02-29", "2029-02-28", "2029-01-29", "2029-02-28", id="feb29 m11"),
        pytest.param("2028-02-29", "2029-03-01", "2029-03-01", "2029-03-28", id="feb29 m12"),
        # Start 31 Aug 2026: Sep and Nov have 30 days.
        pytest.param("2026-08-31", "2026-09-30", "2026-08-31", "2026-09-30", id="aug31 sep30"),
        pytest.param("2026-08-31", "2026-10-01", "2026-10-01", "2026-10-30", id="aug31 oct1"),
        pytest.param("2026-08-31", "2026-10-31", "2026-10-31", "2026-11-30", id="aug31 oct31"),
        pytest.param("2026-08-31", "2026-12-31", "2026-12-31", "2027-01-30", id="aug31 dec31"),
        pytest.param("2026-08-31", "2027-02-01", "2027-01-31", "2027-02-28", id="aug31 feb"),
        # Start on the 1st: calendar months.
        pytest.param("2026-04-01", "2026-04-30", "2026-04-01", "2026-04-30", id="apr1 april"),
        pytest.param("2026-04-01", "2027-03-31", "2027-03-01", "2027-03-31", id="apr1 march"),
        pytest.param("2026-01-15", "2026-02-14", "2026-01-15", "2026-02-14", id="jan15 feb14"),
        pytest.param("2026-01-15", "2026-02-15", "2026-02-15", "2026-03-14", id="jan15 feb15"),
    ],
)
def test_billing_month(start, day, first, last):
    iso = date.fromisoformat
    assert billing_month(iso(start), iso(day)) == (iso(first), iso(last))



@pytest.mark.parametrize(
    ("start", "day", "index"),
    [
        pytest.param(D(2027, 1, 31), D(2027, 1, 31), 0, id="start day"),
        pytest.param(D(2027, 1, 31), D(2027, 3, 31), 2, id="jan31 third month"),
        pytest.param(D(2027, 1, 31), D(2028, 2, 29), 12, id="jan31 thirteenth month"),
        pytest.param(D(2026, 4, 1), D(2027, 4, 1), 12, id="a year later"),
    ],
)
def test_billing_month_index(start, day, index):
    assert billing_month_index(start, day) == index


@pytest.mark.parametrize(
    ("start", "index", "month"),
    [
        pytest.param(D(2027, 1, 31), 0, (D(2027, 1, 31), D(2027, 2, 28)), id="first"),
        pytest.param(D(2027, 1, 31), 3, (D(2027, 5, 1), D(2027, 5, 30)), id="fourth"),
        pytest.param(D(2026, 4, 1), 11, (D(2027, 3, 1), D(2027, 3, 31)), id="twelfth"),
    ],
)
def test_billing_month_by_index(start, index, month):
    assert billing_month_by_index(start, index) == month


def test_billing_month_by_negative_index_is_refused():
    with pytest.raises(ValueError):
        billing_month_by_index(D(2026, 4, 1), -1)


@pytest.mark.parametrize("function", [billing_month, billing_month_index], ids=["month", "index"])
def test_day_before_start_is_refused(function):
    with pytest.raises(RuleError) as raised:
        function(D(2026, 4, 1), D(2026, 3, 31))
    assert (raised.value.code, raised.value.clause, raised.value.earliest) == (
        "before_start", "§5(4)", D(2026, 4, 1))


@pytest.mark.parametrize(
    ("start", "day", "months", "first", "last"),
    [
        pytest.param("2026-04-01", "2026-05-10", 3, "2026-04-01", "2026-06-30", id="3m first"),
        pytest.param("2026-04-01", "2026-07-01", 3, "2026-07-01", "2026-09-30", id="3m second"),
        pytest.param("2026-04-01", "2026-09-30", 6, "2026-04-01", "2026-09-30", id="6m last day"),
        pytest.param("2026-04-01", "2026-12-25", 12, "2026-04-01", "2027-03-31", id="12m"),
        pytest.param("2026-04-01", "2026-12-25", 1, "2026-12-01", "2026-12-31", id="1m: the month"),
        # Months 0–2 of a 31 Jan start: 31 Jan … 30 Apr (month_period_end(start, 3)).
        pytest.param("2027-01-31", "2027-04-15", 3, "2027-01-31", "2027-04-30", id="jan31 3m"),
    ],
)
def test_billing_period(start, day, months, first, last):
    iso = date.fromisoformat
    assert billing_period(iso(start), iso(day), months) == (iso(first), iso(last))


starts = st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31))


@settings(deadline=None)
@given(start=starts, offset=st.integers(min_value=0, max_value=3700))
def test_billing_months_tile_the_timeline(start, offset):
    day = start + timedelta(days=offset)
    first, last = billing_month(start, day)
    assert first <= day <= last
    # Art. 143 months are 28 to 31 days long.
    assert 28 <= (last - first).days + 1 <= 31
    # No gap and no overlap: the next month starts the day after, the previous ends the day before.
    assert billing_month(start, last + timedelta(days=1))[0] == last + timedelta(days=1)
    if first == start:
        assert billing_month_index(start, day) == 0
    else:
        assert billing_month(start, first - timedelta(days=1))[1] == first - timedelta(days=1)
    assert billing_month_by_index(start, billing_month_index(start, day)) == (first, last)


@settings(deadline=None)
@given(start=starts, months=st.integers(min_value=1, max_value=240))
def test_month_period_end_is_monotonic(start, months):
    assert month_period_end(start, months) < month_period_end(start, months + 1)
    # The end lies in the N-th following calendar month, or in the one before when the start is
    # the 1st (the day before the 1st).
    end = month_period_end(start, months)
    target = (start.year * 12 + start.month - 1 + months)
    assert end.year * 12 + end.month - 1 in (target, target - 1)


@settings(deadline=None)
@given(start=starts, offset=st.integers(min_value=0, max_value=3700),
       months=st.sampled_from([1, 3, 6, 12]))
def test_billing_periods_are_whole_billing_months(start, offset, months):
    day = start + timedelta(days=offset)
    first, last = billing_period(start, day, months)
    assert first <= day <= last
    assert billing_month_index(start, first) % months == 0
    assert billing_month_index(start, last) == billing_month_index(start, first) + months - 1
    assert billing_month(start, first)[0] == first and billing_month(start, last)[1] == last
