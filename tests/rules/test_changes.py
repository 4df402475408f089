"""§14(1) other changes: a new billing period applies from a 月度 where the old and the new
periods both begin, counted from the 起算日 (§5(5)), so no paid period is cut (§8(4)); billing
groups the months by the period in force."""
from datetime import date, timedelta

import pytest

from portal.rules import ContractTerms, RuleError
from portal.rules.changes import (
    billing_period_effective_date, check_billing_period_effective, period_start_index,
)
from portal.rules.charges import period_charges
from portal.rules.plan_change import check_desired_date, earliest_desired_date

D = date


def T(start, period=1):
    return ContractTerms(start=start, minimum_months=12, billing_period_months=period,
                         monthly_fee=10_000)


@pytest.mark.parametrize(
    ("terms", "new", "desired", "effective"),
    [
        pytest.param(T(D(2026, 4, 1)), 3, D(2026, 12, 11), D(2027, 1, 1), id="monthly→quarterly: next third month"),
        pytest.param(T(D(2026, 4, 1)), 3, D(2027, 1, 1), D(2027, 1, 1), id="desired on a boundary"),
        pytest.param(T(D(2026, 4, 1)), 12, D(2026, 12, 11), D(2027, 4, 1), id="monthly→yearly: the anniversary"),
        pytest.param(T(D(2026, 4, 1), 12), 1, D(2026, 12, 11), D(2027, 4, 1), id="yearly→monthly: end of the paid year"),
        pytest.param(T(D(2026, 4, 1), 3), 6, D(2026, 7, 2), D(2026, 10, 1), id="quarterly→half-yearly"),
        pytest.param(T(D(2026, 4, 1), 6), 3, D(2026, 7, 2), D(2026, 10, 1), id="half-yearly→quarterly"),
        # Start on 31 Jan (Art. 143): 月度 31 Jan, 1 Mar, 31 Mar, 1 May, 31 May …
        pytest.param(T(D(2027, 1, 31)), 3, D(2027, 2, 15), D(2027, 5, 1), id="month-end start, common year"),
        pytest.param(T(D(2028, 1, 31)), 3, D(2028, 2, 29), D(2028, 5, 1), id="month-end start, leap year"),
        pytest.param(T(D(2028, 2, 29)), 12, D(2028, 12, 1), D(2029, 3, 1), id="29 Feb start: anniversary 1 Mar"),
        pytest.param(T(D(2027, 1, 1)), 3, D(2026, 12, 20), D(2027, 1, 1), id="before the start: the start"),
    ],
)
def test_billing_period_effective_date(terms, new, desired, effective):
    assert billing_period_effective_date(terms, new, desired) == effective
    assert check_billing_period_effective(terms, new, effective) is None


@pytest.mark.parametrize(("terms", "new", "day", "code", "earliest"), [
    (T(D(2026, 4, 1)), 3, D(2026, 12, 1), "period_boundary", D(2027, 1, 1)),
    (T(D(2026, 4, 1)), 3, D(2027, 1, 2), "period_boundary", D(2027, 4, 1)),
    (T(D(2026, 4, 1)), 1, D(2027, 1, 1), "billing_period_unchanged", None),
    (T(D(2026, 4, 1)), 2, D(2027, 1, 1), "billing_period", None),
])
def test_effective_date_refusals(terms, new, day, code, earliest):
    with pytest.raises(RuleError) as err:
        check_billing_period_effective(terms, new, day)
    assert (err.value.code, err.value.earliest) == (code, earliest)


def test_period_start_index():
    steps = ((12, 1),)
    assert period_start_index(5, steps, 12) == (0, 12)
    assert period_start_index(12, steps, 12) == (12, 1)
    assert period_start_index(13, steps, 12) == (13, 1)
    assert period_start_index(4, ((3, 3),), 1) == (3, 3)
    assert period_start_index(2, ((3, 3),), 1) == (2, 1)


def _billed(terms, months, **kw):
    """The periods billed issue month by issue month over `months` calendar months."""
    out = []
    y, m = terms.start.year, terms.start.month
    for _ in range(months):
        first = D(y, m, 1)
        last = D(y + (m == 12), m % 12 + 1, 1)
        out += [(c.period, len(c.months)) for c in
                period_charges(terms, (first, last - timedelta(days=1)), **kw)]
        y, m = y + (m == 12), m % 12 + 1
    return out


def test_billing_follows_the_new_period_from_its_day():
    terms = T(D(2026, 4, 1))
    billed = _billed(terms, 15, period_steps=((D(2027, 1, 1), 3),))
    assert [n for _, n in billed] == [1] * 9 + [3, 3]
    assert billed[8] == ((D(2026, 12, 1), D(2026, 12, 31)), 1)
    assert billed[9:] == [((D(2027, 1, 1), D(2027, 3, 31)), 3), ((D(2027, 4, 1), D(2027, 6, 30)), 3)]
    # Every month from the start up to the last period is billed exactly once.
    assert sum(n for _, n in billed) == 15


def test_yearly_to_monthly_bills_the_paid_year_once():
    terms = T(D(2026, 4, 1), 12)
    billed = _billed(terms, 14, period_steps=((D(2027, 4, 1), 1),))
    assert billed == [((D(2026, 4, 1), D(2027, 3, 31)), 12), ((D(2027, 4, 1), D(2027, 4, 30)), 1),
                      ((D(2027, 5, 1), D(2027, 5, 31)), 1)]


@pytest.mark.parametrize(("request_day", "earliest"), [
    pytest.param(D(2026, 12, 21), D(2026, 12, 31), id="month end"),
    pytest.param(D(2026, 12, 25), D(2027, 1, 4), id="across the year-end break: calendar days"),
    pytest.param(D(2027, 2, 18), D(2027, 2, 28), id="february, common year"),
    pytest.param(D(2028, 2, 19), D(2028, 2, 29), id="february 29, leap year"),
    pytest.param(D(2027, 4, 25), D(2027, 5, 5), id="a national holiday (こどもの日) is a day like any"),
])
def test_other_changes_use_the_plan_change_lead(request_day, earliest):
    """§14(1) 「変更希望日の10日前までに」 counts calendar days (not 営業日), for every change."""
    assert earliest_desired_date(request_day) == earliest
    check_desired_date(request_day, earliest)
    with pytest.raises(RuleError) as err:
        check_desired_date(request_day, earliest - timedelta(days=1))
    assert (err.value.code, err.value.clause, err.value.earliest) == (
        "desired_date_too_early", "§14(1)", earliest)
