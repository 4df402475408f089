"""§24(3) statistics rules: the suppression of small groups, the period's days in Japan and
their bounds at the JST/UTC midnight, month ends and leap days."""
from datetime import date, datetime, timezone

import pytest

from portal.rules.statistics import MIN_ORGANIZATIONS, day_bounds, period_days, suppressed

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
