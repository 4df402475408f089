"""Business days (営業日) and the §5(2) deadline for the usage-start notice.

A business day is Monday–Friday, not a national holiday (substitute 振替休日 and citizens'
国民の休日 holidays included) and not a provider holiday (29 Dec – 3 Jan by default). §5(2):
the usage-start notice is due within 5 business days after the application, the application
day itself not counted (Civil Code Art. 140).
"""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import business_days
from portal.rules.business_days import (
    DEFAULT_PROVIDER_HOLIDAYS,
    StartNoticeDue,
    add_business_days,
    is_business_day,
    next_business_day,
    start_notice_due,
)

D = date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D(2026, 4, 28), True, id="tue before golden week"),
        pytest.param(D(2026, 4, 29), False, id="showa day (wed)"),
        pytest.param(D(2026, 4, 30), True, id="thu between holidays"),
        pytest.param(D(2026, 5, 1), True, id="fri may 1 is not a holiday"),
        pytest.param(D(2026, 5, 2), False, id="saturday"),
        pytest.param(D(2026, 5, 3), False, id="constitution day on a sunday"),
        pytest.param(D(2026, 5, 4), False, id="greenery day (mon)"),
        pytest.param(D(2026, 5, 5), False, id="children's day (tue)"),
        # 3 May 2026 is a Sunday, so the next non-holiday, Wed 6 May, is a substitute holiday.
        pytest.param(D(2026, 5, 6), False, id="substitute holiday 2026-05-06"),
        pytest.param(D(2026, 5, 7), True, id="thu after golden week"),
        pytest.param(D(2026, 9, 21), False, id="respect for the aged day (mon)"),
        # Tue 22 Sep 2026 lies between two holidays (21st and the 23rd, autumn equinox).
        pytest.param(D(2026, 9, 22), False, id="citizens' holiday 2026-09-22"),
        pytest.param(D(2026, 9, 23), False, id="autumnal equinox (wed)"),
        pytest.param(D(2026, 9, 24), True, id="thu after silver week"),
        pytest.param(D(2026, 11, 23), False, id="labour thanksgiving (mon)"),
        pytest.param(D(2026, 12, 28), True, id="mon dec 28 still open"),
        pytest.param(D(2026, 12, 29), False, id="provider holiday dec 29 (tue)"),
        pytest.param(D(2026, 12, 31), False, id="provider holiday dec 31 (thu)"),
        pytest.param(D(2027, 1, 1), False, id="new year's day"),
        pytest.param(D(2027, 1, 4), True, id="mon jan 4 reopens"),
        pytest.param(D(2027, 1, 11), False, id="coming of age day (mon)"),
        pytest.param(D(2026, 6, 10), True, id="ordinary wednesday"),
        pytest.param(D(2026, 6, 14), False, id="ordinary sunday"),
    ],
)
def test_is_business_day(day, expected):
    assert is_business_day(day) is expected


@pytest.mark.parametrize(
    ("holidays", "day", "expected"),
    [
        pytest.param(frozenset(), D(2026, 12, 29), True, id="no provider holidays: dec 29 open"),
        pytest.param(frozenset(), D(2027, 1, 1), False, id="national holiday stays closed"),
        pytest.param(frozenset({(8, 13)}), D(2026, 8, 13), False, id="obon day off (thu)"),
        pytest.param(frozenset({(8, 13)}), D(2026, 12, 29), True, id="custom set replaces default"),
    ],
)
def test_provider_holidays_are_configurable(holidays, day, expected):
    assert is_business_day(day, provider_holidays=holidays) is expected


def test_default_provider_holidays_are_the_year_end_break():
    assert DEFAULT_PROVIDER_HOLIDAYS == {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(D(2026, 6, 5), 1, D(2026, 6, 8), id="friday+1 -> monday"),
        pytest.param(D(2026, 6, 8), 5, D(2026, 6, 15), id="monday+5 -> next monday"),
        pytest.param(D(2026, 6, 6), 1, D(2026, 6, 8), id="saturday+1 -> monday"),
        # 28 Apr: 30 Apr (1), 1 May (2), then 2–6 May closed, 7 May (3).
        pytest.param(D(2026, 4, 28), 3, D(2026, 5, 7), id="across golden week"),
        pytest.param(D(2026, 12, 28), 1, D(2027, 1, 4), id="across the year-end break"),
        pytest.param(D(2026, 9, 18), 1, D(2026, 9, 24), id="across silver week"),
    ],
)
def test_add_business_days(day, n, expected):
    assert add_business_days(day, n) == expected


def test_add_business_days_with_provider_open_at_year_end():
    assert add_business_days(D(2026, 12, 28), 1, provider_holidays=frozenset()) == D(2026, 12, 29)


@pytest.mark.parametrize("n", [0, -1], ids=["zero", "negative"])
def test_add_business_days_needs_n_at_least_one(n):
    with pytest.raises(ValueError):
        add_business_days(D(2026, 6, 8), n)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(D(2026, 5, 1), D(2026, 5, 7), id="fri before the holidays"),
        pytest.param(D(2026, 5, 7), D(2026, 5, 8), id="strictly after a business day"),
    ],
)
def test_next_business_day(day, expected):
    assert next_business_day(day) == expected


@pytest.mark.parametrize(
    ("applied_on", "due"),
    [
        # Tue 28 Apr … Mon 27 Apr: 28 (1), 30 (2), 1 May (3), 7 May (4), 8 May (5).
        pytest.param(D(2026, 4, 27), D(2026, 5, 8), id="golden week from monday"),
        # Thu 30 Apr: 1 May (1), 7 (2), 8 (3), 11 (4), 12 (5).
        pytest.param(D(2026, 4, 30), D(2026, 5, 12), id="golden week from thursday"),
        # Applied on the substitute holiday: 7 (1), 8 (2), 11 (3), 12 (4), 13 (5).
        pytest.param(D(2026, 5, 6), D(2026, 5, 13), id="applied on the substitute holiday"),
        # Fri 25 Dec: 28 Dec (1), closed 29 Dec – 3 Jan, 4 (2), 5 (3), 6 (4), 7 Jan (5).
        pytest.param(D(2026, 12, 25), D(2027, 1, 7), id="year-end break"),
        # Fri 18 Sep: 19–23 closed (weekend, 21, 22 citizens', 23), 24 (1) … 30 (5).
        pytest.param(D(2026, 9, 18), D(2026, 9, 30), id="silver week with citizens' holiday"),
        pytest.param(D(2026, 6, 6), D(2026, 6, 12), id="applied on a saturday"),
        pytest.param(D(2026, 6, 10), D(2026, 6, 17), id="ordinary wednesday"),
    ],
)
def test_start_notice_due(applied_on, due):
    result = start_notice_due(applied_on)
    assert result == StartNoticeDue(applied_on=applied_on, due=due)
    assert result.clauses == ("§5(2)",)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        pytest.param(D(2026, 5, 7), False, id="before due"),
        pytest.param(D(2026, 5, 8), False, id="on the due day the notice is still in time"),
        pytest.param(D(2026, 5, 9), True, id="the day after"),
    ],
)
def test_start_notice_overdue(today, overdue):
    assert start_notice_due(D(2026, 4, 27)).is_overdue(today) is overdue


@settings(deadline=None)
@given(day=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
       n=st.integers(min_value=1, max_value=20))
def test_add_business_days_counts_exactly_n_business_days(day, n):
    result = add_business_days(day, n)
    assert is_business_day(result)
    between = [day + timedelta(days=i) for i in range(1, (result - day).days + 1)]
    assert sum(is_business_day(d) for d in between) == n


@pytest.mark.parametrize("today, latest", [
    # Wed 9 Dec 2026: sent Tue 1 Dec → due Tue 8 Dec (overdue); sent Wed 2 Dec → due Wed 9 Dec.
    (date(2026, 12, 9), date(2026, 12, 1)),
    # Mon 7 Dec (after a weekend): sent Sun 29 Nov → due Fri 4 Dec (overdue); sent Mon 30 Nov
    # → due Mon 7 Dec (not yet).
    (date(2026, 12, 7), date(2026, 11, 29)),
    # After the year-end break (29 Dec – 3 Jan): Wed 6 Jan 2027 — sent Wed 23 Dec → 24, 25, 28
    # Dec, 4, 5 Jan → due Tue 5 Jan (overdue); sent Thu 24 Dec → due Wed 6 Jan (not yet).
    (date(2027, 1, 6), date(2026, 12, 23)),
    # A national holiday: Tue 24 Nov 2026 (Mon 23 Nov is 勤労感謝の日) — sent Sun 15 Nov → due
    # Fri 20 Nov (overdue); sent Mon 16 Nov → 17–20 Nov, then Tue 24 Nov → due that day.
    (date(2026, 11, 24), date(2026, 11, 15)),
])
def test_latest_overdue_application_day(today, latest):
    assert business_days.latest_overdue_application_day(today) == latest


@pytest.mark.parametrize("today", [date(2026, 12, 1) + timedelta(days=n) for n in range(0, 400, 7)])
def test_latest_overdue_application_day_agrees_with_is_overdue(today):
    latest = business_days.latest_overdue_application_day(today)
    assert business_days.start_notice_due(latest).is_overdue(today)
    assert not business_days.start_notice_due(latest + timedelta(days=1)).is_overdue(today)
