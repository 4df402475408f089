"""Plan changes: §14(1) the request comes at least 10 days before the desired date, the
effective date is agreed; §14(2) a fee increase is billed from the billing month (月度) of the
change, a decrease (SPEC §3.3) from the month after it.
"""
from datetime import date

import pytest

from portal.rules import ContractTerms, RuleError
from portal.rules.plan_change import (
    check_desired_date,
    earliest_desired_date,
    first_billed_month,
    plan_change_quote,
)

D = date
APR = ContractTerms(start=D(2026, 4, 1), minimum_months=12, monthly_fee=10_000)
JAN31 = ContractTerms(start=D(2027, 1, 31), minimum_months=12, monthly_fee=10_000)


@pytest.mark.parametrize(
    ("request_date", "earliest"),
    [
        pytest.param(D(2026, 12, 1), D(2026, 12, 11), id="plain"),
        pytest.param(D(2026, 12, 25), D(2027, 1, 4), id="across the year"),
        # 20 Feb + 10 days: 28 Feb is day 8, 1 Mar day 9, 2 Mar day 10.
        pytest.param(D(2026, 2, 20), D(2026, 3, 2), id="february non-leap"),
        pytest.param(D(2028, 2, 20), D(2028, 3, 1), id="february leap 2028"),
    ],
)
def test_earliest_desired_date(request_date, earliest):
    assert earliest_desired_date(request_date) == earliest


@pytest.mark.parametrize(
    ("request_date", "desired", "ok"),
    [
        pytest.param(D(2026, 12, 1), D(2026, 12, 11), True, id="exactly 10 days"),
        pytest.param(D(2026, 12, 1), D(2027, 2, 1), True, id="well ahead"),
        pytest.param(D(2026, 12, 1), D(2026, 12, 10), False, id="9 days"),
        pytest.param(D(2026, 12, 1), D(2026, 12, 1), False, id="same day"),
    ],
)
def test_check_desired_date(request_date, desired, ok):
    if ok:
        assert check_desired_date(request_date, desired) is None
    else:
        with pytest.raises(RuleError) as raised:
            check_desired_date(request_date, desired)
        assert raised.value.code == "desired_date_too_early"
        assert raised.value.clause == "§14(1)"
        assert raised.value.earliest == D(2026, 12, 11)


@pytest.mark.parametrize(
    ("contract", "effective", "old", "new", "month"),
    [
        pytest.param(APR, D(2026, 6, 15), 10_000, 15_000, (D(2026, 6, 1), D(2026, 6, 30)),
                     id="increase: the month of the change"),
        pytest.param(APR, D(2026, 6, 15), 15_000, 10_000, (D(2026, 7, 1), D(2026, 7, 31)),
                     id="decrease: the month after"),
        pytest.param(APR, D(2026, 6, 15), 10_000, 10_000, (D(2026, 7, 1), D(2026, 7, 31)),
                     id="equal fee: the month after"),
        pytest.param(APR, D(2026, 7, 1), 10_000, 15_000, (D(2026, 7, 1), D(2026, 7, 31)),
                     id="increase on a month's first day"),
        pytest.param(APR, D(2026, 7, 1), 15_000, 10_000, (D(2026, 8, 1), D(2026, 8, 31)),
                     id="decrease on a month's first day"),
        pytest.param(APR, D(2026, 12, 31), 15_000, 10_000, (D(2027, 1, 1), D(2027, 1, 31)),
                     id="decrease across the year"),
        # Start 31 Jan 2027: months Mar1–Mar30, Mar31–Apr30.
        pytest.param(JAN31, D(2027, 3, 15), 10_000, 15_000, (D(2027, 3, 1), D(2027, 3, 30)),
                     id="jan31 start increase"),
        pytest.param(JAN31, D(2027, 3, 15), 15_000, 10_000, (D(2027, 3, 31), D(2027, 4, 30)),
                     id="jan31 start decrease"),
    ],
)
def test_first_billed_month(contract, effective, old, new, month):
    assert first_billed_month(contract, effective, old, new) == month


def test_effective_date_before_the_start_is_refused():
    with pytest.raises(RuleError) as raised:
        first_billed_month(APR, D(2026, 3, 1), 10_000, 15_000)
    assert raised.value.code == "before_start"


@pytest.mark.parametrize(
    ("desired", "effective", "increase", "month"),
    [
        pytest.param(D(2026, 6, 11), None, True, (D(2026, 6, 1), D(2026, 6, 30)),
                     id="agreed on the desired date"),
        # §14(1) leaves the effective date to agreement: it may differ from the desired one.
        pytest.param(D(2026, 6, 11), D(2026, 7, 5), True, (D(2026, 7, 1), D(2026, 7, 31)),
                     id="agreed later"),
        pytest.param(D(2026, 6, 11), D(2026, 6, 5), True, (D(2026, 6, 1), D(2026, 6, 30)),
                     id="agreed earlier than desired"),
    ],
)
def test_plan_change_quote(desired, effective, increase, month):
    result = plan_change_quote(APR, D(2026, 6, 1), desired, 10_000, 15_000, effective)
    assert result.earliest_desired_date == D(2026, 6, 11)
    assert result.effective_date == (effective or desired)
    assert result.increase is increase
    assert result.first_billed_month == month
    assert result.clauses == ("§14(1)", "§14(2)")


@pytest.mark.parametrize(
    ("desired", "effective", "code", "earliest"),
    [
        pytest.param(D(2026, 6, 10), None, "desired_date_too_early", D(2026, 6, 11),
                     id="desired too early"),
        pytest.param(D(2026, 6, 11), D(2026, 5, 31), "effective_before_request", D(2026, 6, 1),
                     id="effective before the request"),
    ],
)
def test_plan_change_quote_refusals(desired, effective, code, earliest):
    with pytest.raises(RuleError) as raised:
        plan_change_quote(APR, D(2026, 6, 1), desired, 10_000, 15_000, effective)
    assert (raised.value.code, raised.value.clause, raised.value.earliest) == (
        code, "§14(1)", earliest)
