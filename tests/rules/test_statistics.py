"""§24(3) statistics rules: the suppression of small groups, the period's days in Japan and
their bounds at the JST/UTC midnight, month ends and leap days."""
from datetime import date, datetime, timezone

import pytest

from portal.rules.statistics import (
    MIN_ORGANIZATIONS,
    OTHER,
    day_bounds,
    period_days,
    shares,
    suppressed,
)

UTC = timezone.utc


@pytest.mark.parametrize(("organizations", "hidden"), [
    (0, False),  # nobody: nothing to identify, shown as 0
    (1, True), (4, True),
    (MIN_ORGANIZATIONS, False), (6, False), (10_000, False),
])
def test_groups_smaller_than_five_organizations_are_suppressed(organizations, hidden):
    assert suppressed(organizations) is hidden


def test_a_negative_count_is_an_error():
    with pytest.raises(ValueError):
        suppressed(-1)


@pytest.mark.parametrize(("last", "days", "first"), [
    (date(2026, 12, 1), 1, date(2026, 12, 1)),
    (date(2026, 12, 1), 30, date(2026, 11, 2)),
    (date(2027, 3, 1), 2, date(2027, 2, 28)),      # month end, not a leap year
    (date(2028, 3, 1), 2, date(2028, 2, 29)),      # leap day
    (date(2027, 1, 1), 3, date(2026, 12, 30)),     # across the new year
])
def test_period_days_end_with_the_last_day(last, days, first):
    result = period_days(last, days)
    assert len(result) == days and result[0] == first and result[-1] == last
    assert result == sorted(result)


def test_a_period_has_at_least_one_day():
    with pytest.raises(ValueError):
        period_days(date(2026, 12, 1), 0)


@pytest.mark.parametrize(("day", "start_utc"), [
    (date(2026, 12, 1), datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),
    (date(2028, 2, 29), datetime(2028, 2, 28, 15, 0, tzinfo=UTC)),
    (date(2027, 1, 1), datetime(2026, 12, 31, 15, 0, tzinfo=UTC)),
])
def test_a_day_in_japan_starts_at_15_utc_the_day_before(day, start_utc):
    start, end = day_bounds(day)
    assert start == start_utc and (end - start).total_seconds() == 86400


def _g(count: int, orgs: range) -> tuple[int, frozenset]:
    return count, frozenset(orgs)


@pytest.mark.parametrize(("groups", "expected"), [
    ({}, []),                                                  # no sign-ins: nothing
    ({"Chrome": _g(40, range(4))}, []),                        # the whole from 4 organizations
    ({"Chrome": _g(30, range(5))}, [("Chrome", 30, 100)]),     # exactly five: shown
    # Two large families; a small one goes to "other", which itself stands for 5 organizations.
    ({"Chrome": _g(60, range(0, 6)), "Safari": _g(30, range(6, 11)),
      "Firefox": _g(6, range(11, 13)), "Edge": _g(4, range(13, 16))},
     [("Chrome", 60, 60), ("Safari", 30, 30), (OTHER, 10, 10)]),
    # "other" from 2 organizations would follow from the rest: the smallest shown joins it.
    ({"Windows": _g(90, range(0, 9)), "iOS": _g(50, range(9, 14)), "Linux": _g(20, range(14, 16))},
     [("Windows", 90, 56), (OTHER, 70, 44)]),
    # Organizations using several families count in each; the fold keeps going while needed.
    ({"A": _g(10, range(0, 5)), "B": _g(9, range(0, 5)), "C": _g(1, range(0, 1))},
     [("A", 10, 50), (OTHER, 10, 50)]),
    # Unknown agents are "other" from the start.
    ({OTHER: _g(3, range(0, 5)), "Chrome": _g(7, range(0, 5))},
     [("Chrome", 7, 70), (OTHER, 3, 30)]),
])
def test_shares_fold_small_families_into_other(groups, expected):
    assert shares(groups) == expected


def test_no_published_share_stands_for_fewer_than_five_organizations():
    groups = {f"F{i}": _g(i + 1, range(i, i + 1 + i % 6)) for i in range(30)}
    for name, count, _pct in shares(groups):
        if name == OTHER:
            continue
        assert len(groups[name][1]) >= MIN_ORGANIZATIONS
