"""Terms and automatic renewal: §5(5) (minimum term, 30-day notice before the 満了日, renewal by
one month or by the multi-month billing period counted from the start) and §31(2) (agent
contracts: 6-month periods from the start, renewed only on application).
"""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import ContractTerms, RuleError
from portal.rules.periods import month_period_end
from portal.rules.renewal import current_term, next_renewal, notice_deadline

D = date


def terms(**changes):
    values = dict(start=D(2026, 4, 1), minimum_months=12)
    values.update(changes)
    return ContractTerms(**values)


@pytest.mark.parametrize(
    ("contract", "day", "term"),
    [
        pytest.param(terms(), D(2026, 4, 1), (D(2026, 4, 1), D(2027, 3, 31)), id="min12 first day"),
        pytest.param(terms(), D(2027, 3, 31), (D(2026, 4, 1), D(2027, 3, 31)), id="min12 満了日"),
        pytest.param(terms(), D(2027, 4, 1), (D(2027, 4, 1), D(2027, 4, 30)), id="first renewal"),
        pytest.param(terms(), D(2027, 5, 15), (D(2027, 5, 1), D(2027, 5, 31)), id="second renewal"),
        pytest.param(terms(minimum_months=1), D(2026, 4, 30), (D(2026, 4, 1), D(2026, 4, 30)),
                     id="min1"),
        pytest.param(terms(minimum_months=1), D(2026, 5, 10), (D(2026, 5, 1), D(2026, 5, 31)),
                     id="min1 renewed"),
        # 24 months from 15 Jul 2026 end on 14 Jul 2028.
        pytest.param(terms(start=D(2026, 7, 15), minimum_months=24), D(2027, 1, 1),
                     (D(2026, 7, 15), D(2028, 7, 14)), id="min24"),
        pytest.param(terms(start=D(2026, 7, 15), minimum_months=24), D(2028, 7, 15),
                     (D(2028, 7, 15), D(2028, 8, 14)), id="min24 renewed"),
        # Start 31 Jan 2027: 満了日 30 Jan 2028; renewals derived from the start, no drift.
        pytest.param(terms(start=D(2027, 1, 31)), D(2028, 2, 1), (D(2028, 1, 31), D(2028, 2, 29)),
                     id="jan31 renewal into leap feb"),
        pytest.param(terms(start=D(2027, 1, 31)), D(2028, 3, 30), (D(2028, 3, 1), D(2028, 3, 30)),
                     id="jan31 renewal march"),
        pytest.param(terms(start=D(2027, 1, 31)), D(2028, 3, 31), (D(2028, 3, 31), D(2028, 4, 30)),
                     id="jan31 renewal back to 31st"),
        # Multi-month billing renews by the billing period (§5(5) 複数月度単位).
        pytest.param(terms(billing_period_months=3), D(2027, 4, 1),
                     (D(2027, 4, 1), D(2027, 6, 30)), id="3m renewal"),
        pytest.param(terms(billing_period_months=3), D(2027, 8, 20),
                     (D(2027, 7, 1), D(2027, 9, 30)), id="3m second renewal"),
        pytest.param(terms(billing_period_months=6), D(2027, 4, 1),
                     (D(2027, 4, 1), D(2027, 9, 30)), id="6m renewal"),
        pytest.param(terms(billing_period_months=12), D(2027, 4, 1),
                     (D(2027, 4, 1), D(2028, 3, 31)), id="12m renewal"),
        pytest.param(terms(billing_period_months=12), D(2026, 10, 1),
                     (D(2026, 4, 1), D(2027, 3, 31)), id="12m minimum term"),
        # Minimum 1 month paid quarterly: the renewals follow the paid quarters from the start
        # (Apr–Jun, Jul–Sep), so the first renewal is May–June.
        pytest.param(terms(minimum_months=1, billing_period_months=3), D(2026, 4, 15),
                     (D(2026, 4, 1), D(2026, 4, 30)), id="min1 3m minimum"),
        pytest.param(terms(minimum_months=1, billing_period_months=3), D(2026, 5, 15),
                     (D(2026, 5, 1), D(2026, 6, 30)), id="min1 3m aligned renewal"),
        pytest.param(terms(minimum_months=1, billing_period_months=3), D(2026, 7, 1),
                     (D(2026, 7, 1), D(2026, 9, 30)), id="min1 3m next quarter"),
        # Agents: 6-month periods from the start, whatever the minimum term (§31(2)).
        pytest.param(terms(channel="agent"), D(2026, 5, 1), (D(2026, 4, 1), D(2026, 9, 30)),
                     id="agent first period"),
        pytest.param(terms(channel="agent"), D(2026, 10, 1), (D(2026, 10, 1), D(2027, 3, 31)),
                     id="agent second period"),
        pytest.param(terms(channel="agent", minimum_months=1), D(2027, 4, 1),
                     (D(2027, 4, 1), D(2027, 9, 30)), id="agent min1 third period"),
        # 6 months from 31 Aug 2026 end on 28 Feb 2027 (no 31 Feb); 12 months on 30 Aug 2027.
        pytest.param(terms(channel="agent", start=D(2026, 8, 31)), D(2026, 12, 1),
                     (D(2026, 8, 31), D(2027, 2, 28)), id="agent aug31"),
        pytest.param(terms(channel="agent", start=D(2026, 8, 31)), D(2027, 3, 1),
                     (D(2027, 3, 1), D(2027, 8, 30)), id="agent aug31 second"),
        pytest.param(terms(channel="reseller"), D(2027, 4, 1), (D(2027, 4, 1), D(2027, 4, 30)),
                     id="reseller follows §5(5)"),
    ],
)
def test_current_term(contract, day, term):
    assert current_term(contract, day) == term


@pytest.mark.parametrize(
    ("contract", "day", "deadline"),
    [
        # 30 days before 31 Mar 2027 is 1 Mar 2027.
        pytest.param(terms(), D(2026, 10, 1), D(2027, 3, 1), id="min12"),
        # Renewal term April ends 30 Apr: its deadline, 31 Mar, is before it begins.
        pytest.param(terms(), D(2027, 4, 10), D(2027, 3, 31), id="monthly renewal term"),
        # 14 Jul 2028 − 30 days = 14 Jun 2028.
        pytest.param(terms(start=D(2026, 7, 15), minimum_months=24), D(2027, 1, 1), D(2028, 6, 14),
                     id="min24"),
        # Renewal term 31 Jan – 29 Feb 2028: 29 Feb − 30 days = 30 Jan 2028.
        pytest.param(terms(start=D(2027, 1, 31)), D(2028, 2, 1), D(2028, 1, 30), id="leap feb"),
        pytest.param(terms(billing_period_months=3), D(2027, 4, 1), D(2027, 5, 31),
                     id="3m term: 30 jun - 30"),
        # Agents file the renewal application by the period's last day.
        pytest.param(terms(channel="agent"), D(2026, 5, 1), D(2026, 9, 30), id="agent period end"),
    ],
)
def test_notice_deadline(contract, day, deadline):
    assert notice_deadline(contract, day) == deadline


@pytest.mark.parametrize(
    ("contract", "today", "expected"),
    [
        pytest.param(terms(), D(2026, 10, 1),
                     dict(term=(D(2026, 4, 1), D(2027, 3, 31)), renews_on=D(2027, 4, 1),
                          renewal_term=(D(2027, 4, 1), D(2027, 4, 30)), deadline=D(2027, 3, 1),
                          passed=False, stoppable=D(2027, 4, 1), stoppable_deadline=D(2027, 3, 1),
                          application=False, clauses=("§5(5)",)),
                     id="in time"),
        pytest.param(terms(), D(2027, 3, 1),
                     dict(term=(D(2026, 4, 1), D(2027, 3, 31)), renews_on=D(2027, 4, 1),
                          renewal_term=(D(2027, 4, 1), D(2027, 4, 30)), deadline=D(2027, 3, 1),
                          passed=False, stoppable=D(2027, 4, 1), stoppable_deadline=D(2027, 3, 1),
                          application=False, clauses=("§5(5)",)),
                     id="on the deadline"),
        # Past 1 Mar: the April renewal happens; notice stops the May one (deadline 31 Mar).
        pytest.param(terms(), D(2027, 3, 2),
                     dict(term=(D(2026, 4, 1), D(2027, 3, 31)), renews_on=D(2027, 4, 1),
                          renewal_term=(D(2027, 4, 1), D(2027, 4, 30)), deadline=D(2027, 3, 1),
                          passed=True, stoppable=D(2027, 5, 1), stoppable_deadline=D(2027, 3, 31),
                          application=False, clauses=("§5(5)",)),
                     id="deadline passed"),
        # Start 1 Jan 2026, minimum 12: renewals Jan 2027 (deadline 1 Jan), Feb 2027 (deadline
        # 28 Feb − 30 = 29 Jan), Mar 2027 (deadline 1 Mar). On 30 Jan two deadlines are past:
        # notice then stops only the renewal of 1 Apr.
        pytest.param(terms(start=D(2026, 1, 1)), D(2027, 1, 30),
                     dict(term=(D(2027, 1, 1), D(2027, 1, 31)), renews_on=D(2027, 2, 1),
                          renewal_term=(D(2027, 2, 1), D(2027, 2, 28)), deadline=D(2027, 1, 1),
                          passed=True, stoppable=D(2027, 4, 1), stoppable_deadline=D(2027, 3, 1),
                          application=False, clauses=("§5(5)",)),
                     id="february: two deadlines past"),
        pytest.param(terms(billing_period_months=3), D(2027, 6, 1),
                     dict(term=(D(2027, 4, 1), D(2027, 6, 30)), renews_on=D(2027, 7, 1),
                          renewal_term=(D(2027, 7, 1), D(2027, 9, 30)), deadline=D(2027, 5, 31),
                          passed=True, stoppable=D(2027, 10, 1), stoppable_deadline=D(2027, 8, 31),
                          application=False, clauses=("§5(5)",)),
                     id="quarterly deadline passed"),
        pytest.param(terms(channel="agent"), D(2026, 9, 30),
                     dict(term=(D(2026, 4, 1), D(2026, 9, 30)), renews_on=D(2026, 10, 1),
                          renewal_term=(D(2026, 10, 1), D(2027, 3, 31)), deadline=D(2026, 9, 30),
                          passed=False, stoppable=D(2026, 10, 1), stoppable_deadline=D(2026, 9, 30),
                          application=True, clauses=("§31(2)",)),
                     id="agent on the last day"),
    ],
)
def test_next_renewal(contract, today, expected):
    result = next_renewal(contract, today)
    assert (result.term_start, result.term_end) == expected["term"]
    assert result.renews_on == expected["renews_on"]
    assert result.renewal_term == expected["renewal_term"]
    assert result.notice_deadline == expected["deadline"]
    assert result.deadline_passed is expected["passed"]
    assert result.next_stoppable_renewal == expected["stoppable"]
    assert result.next_stoppable_deadline == expected["stoppable_deadline"]
    assert result.requires_application is expected["application"]
    assert result.clauses == expected["clauses"]


@pytest.mark.parametrize("function", [current_term, notice_deadline, next_renewal],
                         ids=["current_term", "notice_deadline", "next_renewal"])
def test_trials_do_not_renew(function):
    with pytest.raises(RuleError) as raised:
        function(terms(trial=True), D(2026, 4, 10))
    assert (raised.value.code, raised.value.clause) == ("trial_has_no_renewal", "§12(5)")


def test_day_before_start_is_refused():
    with pytest.raises(RuleError) as raised:
        current_term(terms(), D(2026, 3, 31))
    assert raised.value.code == "before_start"


contracts = st.builds(
    ContractTerms,
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
    minimum_months=st.integers(min_value=1, max_value=36),
    billing_period_months=st.sampled_from([1, 3, 6, 12]),
    channel=st.sampled_from(["direct", "reseller", "agent"]),
)


@settings(deadline=None)
@given(contract=contracts, offset=st.integers(min_value=0, max_value=3700))
def test_terms_tile_the_timeline(contract, offset):
    day = contract.start + timedelta(days=offset)
    first, last = current_term(contract, day)
    assert first <= day <= last
    # Every term ends where a whole number of months from the start ends (Art. 143).
    assert any(month_period_end(contract.start, n) == last for n in range(1, offset // 28 + 40))
    # No gap, no overlap.
    assert current_term(contract, last + timedelta(days=1))[0] == last + timedelta(days=1)
    if first == contract.start:
        assert current_term(contract, contract.start) == (first, last)
    else:
        assert current_term(contract, first - timedelta(days=1))[1] == first - timedelta(days=1)
    # The first term is the minimum term (agents: 6 months) and no term is shorter than a month.
    if contract.channel == "agent":
        assert current_term(contract, contract.start)[1] == month_period_end(contract.start, 6)
    else:
        assert current_term(contract, contract.start)[1] == month_period_end(
            contract.start, contract.minimum_months)
    assert (last - first).days >= 27


@settings(deadline=None)
@given(contract=contracts, offset=st.integers(min_value=0, max_value=3700))
def test_next_stoppable_renewal_is_the_first_one_still_in_time(contract, offset):
    today = contract.start + timedelta(days=offset)
    renewal = next_renewal(contract, today)
    assert renewal.next_stoppable_deadline >= today
    assert renewal.next_stoppable_renewal >= renewal.renews_on
    assert renewal.deadline_passed is (renewal.next_stoppable_renewal != renewal.renews_on)
