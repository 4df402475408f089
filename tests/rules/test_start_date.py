"""§5(4) 起算日: the price list's rule per service, and the quotes or contracts that set another
start date (見積書等の別段の定め)."""
from datetime import date, datetime, timezone

import pytest

from portal.rules import RuleError
from portal.rules.jst import jst_date
from portal.rules.start_date import (
    MONTH_START, USAGE_START, billing_start, check_override,
)

D = date


@pytest.mark.parametrize(
    ("rule", "usage", "start", "free_days"),
    [
        pytest.param(USAGE_START, D(2026, 12, 15), D(2026, 12, 15), 0, id="usage start: same day"),
        pytest.param(USAGE_START, D(2027, 1, 31), D(2027, 1, 31), 0, id="usage start: month end"),
        pytest.param(MONTH_START, D(2026, 12, 1), D(2026, 12, 1), 0, id="month start: on the 1st"),
        pytest.param(MONTH_START, D(2026, 12, 2), D(2027, 1, 1), 30, id="month start: the 2nd"),
        pytest.param(MONTH_START, D(2026, 12, 31), D(2027, 1, 1), 1, id="month start: year end"),
        pytest.param(MONTH_START, D(2026, 11, 30), D(2026, 12, 1), 1, id="month start: 30-day month end"),
        pytest.param(MONTH_START, D(2027, 2, 28), D(2027, 3, 1), 1, id="february, common year"),
        pytest.param(MONTH_START, D(2028, 2, 28), D(2028, 3, 1), 2, id="leap year: 28 Feb"),
        pytest.param(MONTH_START, D(2028, 2, 29), D(2028, 3, 1), 1, id="leap year: 29 Feb"),
        pytest.param(MONTH_START, D(2028, 1, 31), D(2028, 2, 1), 1, id="leap year: 31 Jan"),
    ],
)
def test_billing_start(rule, usage, start, free_days):
    result = billing_start(rule, usage)
    assert (result.start, result.usage_start, result.rule, result.free_days) == (
        start, usage, rule, free_days)
    assert "§5(4)" in result.clauses


@pytest.mark.parametrize(
    ("moment", "rule", "start"),
    [
        # 15:00 UTC on 1 Dec is 00:00 JST on 2 Dec: the usage start is the 2nd in Japan, so the
        # month-start rule gives 1 Jan — read in UTC it would wrongly give 1 Dec.
        pytest.param(datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc), MONTH_START, D(2027, 1, 1),
                     id="JST midnight: 2 Dec in Japan"),
        pytest.param(datetime(2026, 12, 1, 14, 59, tzinfo=timezone.utc), MONTH_START, D(2026, 12, 1),
                     id="one minute before: still 1 Dec in Japan"),
        pytest.param(datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc), MONTH_START, D(2026, 12, 1),
                     id="30 Nov UTC is 1 Dec in Japan"),
        pytest.param(datetime(2026, 12, 15, 15, 30, tzinfo=timezone.utc), USAGE_START, D(2026, 12, 16),
                     id="usage start: the day in Japan"),
    ],
)
def test_billing_start_counts_days_in_japan(moment, rule, start):
    assert billing_start(rule, jst_date(moment)).start == start


def test_billing_start_refuses_moments_and_unknown_rules():
    with pytest.raises(TypeError):
        billing_start(USAGE_START, datetime(2026, 12, 1, tzinfo=timezone.utc))
    with pytest.raises(RuleError) as err:
        billing_start("next_year", D(2026, 12, 1))
    assert (err.value.code, err.value.clause) == ("unknown_start_rule", "§5(4)")


OK = {"current": D(2027, 1, 1), "new": D(2026, 12, 15), "usage_start": D(2026, 12, 15),
      "document_type": "quote", "document_number": "Q-2026-118", "document_date": D(2026, 11, 20),
      "today": D(2026, 12, 1)}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({}, None, id="a quote sets the usage start as start date"),
        pytest.param({"new": D(2027, 2, 1), "document_type": "contract"}, None, id="a later start by contract"),
        pytest.param({"document_date": D(2026, 12, 1)}, None, id="document dated today"),
        pytest.param({"document_type": "memo"}, "document_type", id="unknown document"),
        pytest.param({"document_number": "  "}, "document_number", id="no number"),
        pytest.param({"document_date": None}, "document_date", id="no document date"),
        pytest.param({"document_date": D(2026, 12, 2)}, "document_date", id="document from tomorrow"),
        pytest.param({"new": D(2026, 12, 14)}, "start_before_usage", id="before the usage start"),
        pytest.param({"new": D(2027, 1, 1)}, "start_unchanged", id="the same start date"),
    ],
)
def test_check_override(changes, code):
    args = {**OK, **changes}
    if code is None:
        assert check_override(**args) is None
        return
    with pytest.raises(RuleError) as err:
        check_override(**args)
    assert err.value.code == code
    assert err.value.clause in ("§5(1)", "§5(4)")
    if code == "start_before_usage":
        assert err.value.earliest == D(2026, 12, 15)
