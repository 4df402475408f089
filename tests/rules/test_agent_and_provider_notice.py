"""Agent contracts (§31(2)): the 満了日 is the end of the 6-month period of use containing the
day, and a cancellation's lump sum (§14(4)) never reaches past it, so cancelling never costs
more than not renewing. The provider's non-renewal notice (§5(5)): at least 30 days before the
end of a term. Tables at month ends and in leap years.
"""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import ContractTerms, RuleError
from portal.rules.cancellation import minimum_term_option, quote
from portal.rules.periods import billing_month_index
from portal.rules.renewal import (
    check_provider_non_renewal, commitment_months, earliest_provider_non_renewal, expiry_date,
)

D = date


def agent(start=D(2026, 5, 31), **changes):
    values = dict(start=start, minimum_months=12, monthly_fee=60_000, channel="agent")
    values.update(changes)
    return ContractTerms(**values)


def direct(start=D(2026, 4, 1), **changes):
    values = dict(start=start, minimum_months=12, monthly_fee=10_000)
    values.update(changes)
    return ContractTerms(**values)


@pytest.mark.parametrize(
    ("contract", "day", "expected"),
    [
        pytest.param(direct(), D(2026, 4, 1), D(2027, 3, 31), id="direct: minimum-term end"),
        pytest.param(direct(), D(2027, 8, 1), D(2027, 3, 31), id="direct: stays after renewal"),
        pytest.param(agent(), D(2026, 5, 31), D(2026, 11, 30), id="agent first day"),
        pytest.param(agent(), D(2026, 3, 1), D(2026, 11, 30), id="agent before the start"),
        pytest.param(agent(), D(2026, 11, 30), D(2026, 11, 30), id="agent period's last day"),
        pytest.param(agent(), D(2026, 12, 1), D(2027, 5, 30), id="agent second period"),
        # 31 Aug + 6 months: February has no 31st → its last day (Civil Code Art. 143).
        pytest.param(agent(D(2027, 8, 31)), D(2027, 9, 1), D(2028, 2, 29), id="leap Feb 29"),
        pytest.param(agent(D(2026, 8, 31)), D(2026, 9, 1), D(2027, 2, 28), id="non-leap Feb 28"),
        pytest.param(agent(D(2028, 2, 29)), D(2028, 2, 29), D(2028, 8, 28), id="start Feb 29"),
        pytest.param(agent(D(2028, 2, 29)), D(2028, 8, 29), D(2029, 2, 28), id="Feb 29 second: no Feb 29"),
    ],
)
def test_expiry_date(contract, day, expected):
    assert expiry_date(contract, day) == expected


@pytest.mark.parametrize(
    ("contract", "notice", "last_day", "expected"),
    [
        # The case of issue #15: the quote asked ¥360,000 up to 30 May 2027.
        pytest.param(agent(), D(2026, 10, 1), None,
                     dict(last=D(2026, 10, 31), billed=(D(2026, 10, 31), D(2026, 11, 30)),
                          end=D(2026, 11, 30), months=0, fee=0,
                          clauses=("§14(3)", "§14(4)", "§31(2)")),
                     id="issue case: nothing beyond the period"),
        # 14 Aug is in the third month (31 Jul–30 Aug); Aug 31–Nov 30 are 3 months.
        pytest.param(agent(), D(2026, 7, 15), None,
                     dict(last=D(2026, 8, 14), billed=(D(2026, 7, 31), D(2026, 8, 30)),
                          end=D(2026, 11, 30), months=3, fee=180_000,
                          clauses=("§14(3)", "§14(4)", "§31(2)")),
                     id="rest of the period"),
        pytest.param(agent(), D(2026, 10, 1), D(2026, 11, 30),
                     dict(last=D(2026, 11, 30), billed=(D(2026, 10, 31), D(2026, 11, 30)),
                          end=D(2026, 11, 30), months=0, fee=0, clauses=("§14(3)", "§31(2)")),
                     id="last day on the period end"),
        # After a renewal application: the period that contains the last day binds.
        pytest.param(agent(), D(2026, 11, 15), None,
                     dict(last=D(2026, 12, 15), billed=(D(2026, 12, 1), D(2026, 12, 30)),
                          end=D(2027, 5, 30), months=5, fee=300_000,
                          clauses=("§14(3)", "§14(4)", "§31(2)")),
                     id="renewed period"),
        pytest.param(agent(D(2027, 8, 31)), D(2028, 1, 30), None,
                     dict(last=D(2028, 2, 29), billed=(D(2028, 1, 31), D(2028, 2, 29)),
                          end=D(2028, 2, 29), months=0, fee=0, clauses=("§14(3)", "§31(2)")),
                     id="leap: last day Feb 29 is the period end"),
        pytest.param(agent(D(2027, 8, 31)), D(2028, 1, 31), None,
                     dict(last=D(2028, 3, 1), billed=(D(2028, 3, 1), D(2028, 3, 30)),
                          end=D(2028, 8, 30), months=5, fee=300_000,
                          clauses=("§14(3)", "§14(4)", "§31(2)")),
                     id="leap: one day later falls into the next period"),
        # Six months paid at once: the whole period is prepaid, nothing more to pay (§8(4)).
        pytest.param(agent(D(2026, 4, 1), billing_period_months=6), D(2026, 6, 1), None,
                     dict(last=D(2026, 7, 1), billed=(D(2026, 7, 1), D(2026, 7, 31)),
                          end=D(2026, 9, 30), months=0, fee=0,
                          clauses=("§8(4)", "§14(3)", "§14(4)", "§31(2)")),
                     id="6-month billing prepaid"),
        # Direct contracts keep the price list's minimum months.
        pytest.param(direct(D(2026, 5, 31), monthly_fee=60_000), D(2026, 10, 1), None,
                     dict(last=D(2026, 10, 31), billed=(D(2026, 10, 31), D(2026, 11, 30)),
                          end=D(2027, 5, 30), months=6, fee=360_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="direct: same dates, 12-month minimum"),
    ],
)
def test_agent_quote(contract, notice, last_day, expected):
    q = quote(contract, notice, last_day)
    assert (q.last_day, q.billed_month, q.minimum_term_end) == (
        expected["last"], expected["billed"], expected["end"])
    assert (q.early_termination_months, q.early_termination_fee) == (
        expected["months"], expected["fee"])
    assert q.clauses == expected["clauses"]


@pytest.mark.parametrize(
    ("contract", "notice", "expected"),
    [
        pytest.param(agent(), D(2026, 10, 1), D(2026, 11, 30), id="period end reachable"),
        pytest.param(agent(), D(2026, 10, 31), D(2026, 11, 30), id="exactly 30 days"),
        pytest.param(agent(), D(2026, 11, 1), D(2027, 5, 30), id="next period's end"),
        pytest.param(agent(D(2027, 8, 31)), D(2028, 1, 30), D(2028, 2, 29), id="leap"),
    ],
)
def test_agent_minimum_term_option(contract, notice, expected):
    option = minimum_term_option(contract, notice)
    assert option.last_day == expected
    assert option.early_termination_fee == 0


@settings(max_examples=300, deadline=None)
@given(start=st.dates(D(2026, 1, 1), D(2029, 12, 31)),
       offset=st.integers(0, 800), extra=st.integers(0, 200),
       period=st.sampled_from((1, 3, 6, 12)), minimum=st.integers(1, 36))
def test_agent_cancelling_never_costs_more_than_not_renewing(start, offset, extra, period,
                                                              minimum):
    """Billing months paid up to the last day plus the lump sum never pass the 満了日 of the
    period containing the last day: what not renewing that period would have cost."""
    terms = agent(start, billing_period_months=period, minimum_months=minimum)
    notice = start + timedelta(days=offset)
    q = quote(terms, notice, notice + timedelta(days=30 + extra))
    paid = billing_month_index(start, q.prepaid_through) + 1
    committed = commitment_months(terms, q.last_day)
    assert q.minimum_term_end == expiry_date(terms, q.last_day)
    assert q.early_termination_months == max(committed - paid, 0)
    assert paid + q.early_termination_months <= max(committed, paid)


@pytest.mark.parametrize(
    ("contract", "notice", "term_end", "error"),
    [
        pytest.param(direct(), D(2027, 3, 1), D(2027, 3, 31), None, id="30 days before 満了日"),
        pytest.param(direct(), D(2026, 6, 1), D(2027, 3, 31), None, id="well ahead"),
        pytest.param(direct(), D(2027, 3, 2), D(2027, 3, 31),
                     ("provider_notice_too_late", D(2027, 4, 30)), id="29 days: too late"),
        pytest.param(direct(), D(2027, 3, 31), D(2027, 4, 30), None, id="renewal term end"),
        pytest.param(direct(), D(2026, 6, 1), D(2027, 3, 15),
                     ("not_a_term_end", D(2027, 3, 31)), id="not a term end"),
        pytest.param(direct(), D(2026, 6, 1), D(2026, 9, 30),
                     ("not_a_term_end", D(2027, 3, 31)), id="inside the minimum term"),
        pytest.param(direct(billing_period_months=3), D(2027, 1, 1), D(2027, 5, 31),
                     ("not_a_term_end", D(2027, 3, 31)), id="3-month terms"),
        pytest.param(direct(billing_period_months=3), D(2027, 1, 1), D(2027, 6, 30), None,
                     id="3-month term end"),
        # Start 31 Mar 2026: 満了日 30 Mar 2027, next term ends 30 Apr (no 31 April).
        pytest.param(direct(D(2026, 3, 31)), D(2027, 2, 28), D(2027, 3, 30), None,
                     id="month end start"),
        pytest.param(direct(D(2026, 3, 31)), D(2027, 3, 1), D(2027, 3, 30),
                     ("provider_notice_too_late", D(2027, 4, 30)), id="month end too late"),
        # Leap year: 11 months from 31 Mar 2027 end on 29 Feb 2028; deadline 30 Jan 2028.
        pytest.param(direct(D(2027, 3, 31), minimum_months=11), D(2028, 1, 30), D(2028, 2, 29),
                     None, id="leap deadline"),
        pytest.param(direct(D(2027, 3, 31), minimum_months=11), D(2028, 1, 31), D(2028, 2, 29),
                     ("provider_notice_too_late", D(2028, 3, 30)), id="leap too late"),
        pytest.param(agent(), D(2026, 6, 1), D(2026, 11, 30),
                     ("agent_no_auto_renewal", None), id="agent"),
        pytest.param(direct(trial=True), D(2026, 6, 1), D(2027, 3, 31),
                     ("trial_has_no_renewal", None), id="trial"),
    ],
)
def test_provider_non_renewal(contract, notice, term_end, error):
    if error is None:
        assert check_provider_non_renewal(contract, notice, term_end) == term_end
        return
    with pytest.raises(RuleError) as exc:
        check_provider_non_renewal(contract, notice, term_end)
    assert exc.value.code == error[0]
    if error[1] is not None:
        assert exc.value.earliest == error[1]
        assert earliest_provider_non_renewal(contract, notice) == error[1]
