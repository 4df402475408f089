"""Lead times of §16 (service change), §19(1)/(2) (discontinuation) and §20 (business
transfer) as tables: month ends, leap years, year ends, and the JST/UTC midnight (the day a
notice is published is its day in Japan)."""
from datetime import date, datetime, timezone

import pytest

from portal.rules import RuleError
from portal.rules.jst import jst_date
from portal.rules.notices import check_effective_date, clause_for, earliest_effective_date

D = date
LONG, ANY = "long_interruption", "any_reason"


@pytest.mark.parametrize(("category", "basis", "published", "earliest"), [
    # §16 / §20: 事前に — the day after publication at the earliest.
    pytest.param("service_change", None, D(2026, 1, 31), D(2026, 2, 1), id="16 month end"),
    pytest.param("service_change", None, D(2028, 2, 28), D(2028, 2, 29), id="16 leap day"),
    pytest.param("service_change", None, D(2027, 2, 28), D(2027, 3, 1), id="16 common feb"),
    pytest.param("service_change", None, D(2026, 12, 31), D(2027, 1, 1), id="16 year end"),
    pytest.param("business_transfer", None, D(2028, 2, 29), D(2028, 3, 1), id="20 leap day"),
    pytest.param("business_transfer", None, D(2026, 4, 30), D(2026, 5, 1), id="20 month end"),
    # §19(1): prior notice only.
    pytest.param("discontinuation", LONG, D(2026, 12, 31), D(2027, 1, 1), id="19-1 year end"),
    pytest.param("discontinuation", LONG, D(2028, 2, 28), D(2028, 2, 29), id="19-1 leap"),
    # §19(2): 90 days. 30 Nov 2027 + 90: 31 Dec (31), 31 Jan (62), 28 Feb 2028 (90).
    pytest.param("discontinuation", ANY, D(2027, 11, 30), D(2028, 2, 28), id="19-2 leap year"),
    # 30 Nov 2026 + 90: 31 Dec (31), 31 Jan (62), 28 Feb 2027 (90).
    pytest.param("discontinuation", ANY, D(2026, 11, 30), D(2027, 2, 28), id="19-2 common year"),
    # 31 Jan 2028 + 90: 29 Feb (29), 31 Mar (60), 30 Apr (90).
    pytest.param("discontinuation", ANY, D(2028, 1, 31), D(2028, 4, 30), id="19-2 jan31 leap"),
    pytest.param("discontinuation", None, D(2026, 6, 1), D(2026, 8, 30), id="no basis = 19-2"),
])
def test_earliest(category, basis, published, earliest):
    assert earliest_effective_date(category, published, basis) == earliest


@pytest.mark.parametrize(("basis", "clause"), [(LONG, "§19(1)"), (ANY, "§19(2)"), (None, "§19(2)")])
def test_discontinuation_clause_follows_the_basis(basis, clause):
    assert clause_for("discontinuation", basis) == clause


def test_basis_is_ignored_for_other_categories():
    assert clause_for("service_change", LONG) == "§16"
    assert earliest_effective_date("fee_change", D(2026, 6, 1), LONG) == D(2026, 7, 31)


def test_unknown_basis_is_refused():
    with pytest.raises(ValueError):
        earliest_effective_date("discontinuation", D(2026, 6, 1), "because")


@pytest.mark.parametrize(("moment", "effective", "ok"), [
    # 14:59 UTC on 30 Nov is 23:59 JST on 30 Nov: published 30 Nov, effective 1 Dec is fine.
    pytest.param(datetime(2026, 11, 30, 14, 59, tzinfo=timezone.utc), D(2026, 12, 1), True,
                 id="23:59 JST"),
    # 15:00 UTC on 30 Nov is already 1 Dec in Japan: 1 Dec would be the same day.
    pytest.param(datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc), D(2026, 12, 1), False,
                 id="00:00 JST next day"),
    pytest.param(datetime(2026, 11, 30, 15, 0, tzinfo=timezone.utc), D(2026, 12, 2), True,
                 id="00:00 JST, the day after"),
])
def test_service_change_published_at_the_jst_midnight(moment, effective, ok):
    published = jst_date(moment)
    if ok:
        assert check_effective_date("service_change", published, effective) is None
    else:
        with pytest.raises(RuleError) as raised:
            check_effective_date("service_change", published, effective)
        assert (raised.value.clause, raised.value.earliest) == ("§16", D(2026, 12, 2))


@pytest.mark.parametrize(("basis", "effective", "clause", "earliest"), [
    pytest.param(LONG, D(2026, 6, 2), None, None, id="19-1 next day ok"),
    pytest.param(LONG, D(2026, 6, 1), "§19(1)", D(2026, 6, 2), id="19-1 same day refused"),
    pytest.param(ANY, D(2026, 8, 30), None, None, id="19-2 day 90 ok"),
    pytest.param(ANY, D(2026, 6, 2), "§19(2)", D(2026, 8, 30), id="19-2 next day refused"),
])
def test_check_discontinuation(basis, effective, clause, earliest):
    if clause is None:
        assert check_effective_date("discontinuation", D(2026, 6, 1), effective, basis) is None
        return
    with pytest.raises(RuleError) as raised:
        check_effective_date("discontinuation", D(2026, 6, 1), effective, basis)
    assert (raised.value.code, raised.value.clause, raised.value.earliest) == (
        "lead_time_too_short", clause, earliest)
