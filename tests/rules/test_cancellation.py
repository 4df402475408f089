"""Cancellation by the customer: §14(3) 30-day notice and the last month billed in full, §14(4)
lump sum for the unexpired minimum term, §5(5) minimum-term end, §8(4) prepaid months not
refunded, §12(5) free trials end without notice or fee.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules import ContractTerms, RuleError
from portal.rules.cancellation import quote, minimum_term_option
from portal.rules.jst import jst_date
from portal.rules.renewal import next_renewal

D = date

# Start 1 Apr 2026, 12 months minimum → 満了日 31 Mar 2027; calendar billing months.
APR = ContractTerms(start=D(2026, 4, 1), minimum_months=12, monthly_fee=10_000)


def terms(**changes):
    values = dict(start=D(2026, 4, 1), minimum_months=12, monthly_fee=10_000)
    values.update(changes)
    return ContractTerms(**values)


@pytest.mark.parametrize(
    ("contract", "notice", "last_day", "expected"),
    [
        # Notice 15 Jun → earliest 15 Jul; July billed in full; Aug–Mar (8 months) lump sum.
        pytest.param(APR, D(2026, 6, 15), None,
                     dict(earliest=D(2026, 7, 15), last=D(2026, 7, 15),
                          billed=(D(2026, 7, 1), D(2026, 7, 31)), prepaid=D(2026, 7, 31),
                          end=D(2027, 3, 31), months=8, fee=80_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="min12 monthly: 8 months lump sum"),
        # A later last day in the same month costs the same.
        pytest.param(APR, D(2026, 6, 15), D(2026, 7, 31),
                     dict(earliest=D(2026, 7, 15), last=D(2026, 7, 31),
                          billed=(D(2026, 7, 1), D(2026, 7, 31)), prepaid=D(2026, 7, 31),
                          end=D(2027, 3, 31), months=8, fee=80_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="chosen last day end of the same month"),
        # Last day on the 満了日: the minimum term is served, nothing more to pay.
        pytest.param(APR, D(2026, 6, 15), D(2027, 3, 31),
                     dict(earliest=D(2026, 7, 15), last=D(2027, 3, 31),
                          billed=(D(2027, 3, 1), D(2027, 3, 31)), prepaid=D(2027, 3, 31),
                          end=D(2027, 3, 31), months=0, fee=0, clauses=("§5(5)", "§14(3)")),
                     id="last day on the minimum-term end"),
        # Last month of the minimum term, but not its last day: billed in full, no lump sum left.
        pytest.param(APR, D(2027, 2, 1), None,
                     dict(earliest=D(2027, 3, 3), last=D(2027, 3, 3),
                          billed=(D(2027, 3, 1), D(2027, 3, 31)), prepaid=D(2027, 3, 31),
                          end=D(2027, 3, 31), months=0, fee=0,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="inside the last minimum month"),
        pytest.param(APR, D(2027, 4, 10), None,
                     dict(earliest=D(2027, 5, 10), last=D(2027, 5, 10),
                          billed=(D(2027, 5, 1), D(2027, 5, 31)), prepaid=D(2027, 5, 31),
                          end=D(2027, 3, 31), months=0, fee=0, clauses=("§5(5)", "§14(3)")),
                     id="after the minimum term"),
        # Notice before the start: the contract can end on its first day at the earliest;
        # April billed, May–March (11 months) lump sum.
        pytest.param(APR, D(2026, 2, 1), None,
                     dict(earliest=D(2026, 4, 1), last=D(2026, 4, 1),
                          billed=(D(2026, 4, 1), D(2026, 4, 30)), prepaid=D(2026, 4, 30),
                          end=D(2027, 3, 31), months=11, fee=110_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="notice before the start"),
        # Minimum 1 month from 1 Jan 2027 → 満了日 31 Jan; notice on the start day reaches it.
        pytest.param(terms(start=D(2027, 1, 1), minimum_months=1, monthly_fee=5_000),
                     D(2027, 1, 1), None,
                     dict(earliest=D(2027, 1, 31), last=D(2027, 1, 31),
                          billed=(D(2027, 1, 1), D(2027, 1, 31)), prepaid=D(2027, 1, 31),
                          end=D(2027, 1, 31), months=0, fee=0, clauses=("§5(5)", "§14(3)")),
                     id="min1: notice on day one ends on the minimum-term end"),
        # Minimum 24 months from 15 Jul 2026 → 満了日 14 Jul 2028. Notice 20 Aug → 19 Sep, in
        # month 2 (15 Sep – 14 Oct); months 3–23 remain: 21 × 8,000.
        pytest.param(terms(start=D(2026, 7, 15), minimum_months=24, monthly_fee=8_000),
                     D(2026, 8, 20), None,
                     dict(earliest=D(2026, 9, 19), last=D(2026, 9, 19),
                          billed=(D(2026, 9, 15), D(2026, 10, 14)), prepaid=D(2026, 10, 14),
                          end=D(2028, 7, 14), months=21, fee=168_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="min24 mid-month start"),
        # Start 31 Jan 2027: months Jan31–Feb28, Mar1–Mar30, …; 満了日 = 30 Jan 2028.
        # Notice 1 Feb → 3 Mar, in month 1; months 2–11 remain: 10 × 1,000.
        pytest.param(terms(start=D(2027, 1, 31), monthly_fee=1_000), D(2027, 2, 1), None,
                     dict(earliest=D(2027, 3, 3), last=D(2027, 3, 3),
                          billed=(D(2027, 3, 1), D(2027, 3, 30)), prepaid=D(2027, 3, 30),
                          end=D(2028, 1, 30), months=10, fee=10_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="start jan31"),
        # Start 29 Feb 2028: months Feb29–Mar28, Mar29–Apr28, …; 満了日 = 28 Feb 2029.
        # Notice 1 Mar → 31 Mar, in month 1; months 2–11 remain: 10 × 3,000.
        pytest.param(terms(start=D(2028, 2, 29), monthly_fee=3_000), D(2028, 3, 1), None,
                     dict(earliest=D(2028, 3, 31), last=D(2028, 3, 31),
                          billed=(D(2028, 3, 29), D(2028, 4, 28)), prepaid=D(2028, 4, 28),
                          end=D(2029, 2, 28), months=10, fee=30_000,
                          clauses=("§5(5)", "§14(3)", "§14(4)")),
                     id="start feb29 leap"),
    ],
)
def test_quote(contract, notice, last_day, expected):
    result = quote(contract, notice, last_day)
    assert result.notice_date == notice
    assert result.earliest_last_day == expected["earliest"]
    assert result.last_day == expected["last"]
    assert result.billed_month == expected["billed"]
    assert result.prepaid_through == expected["prepaid"]
    assert result.minimum_term_end == expected["end"]
    assert result.early_termination_months == expected["months"]
    assert result.early_termination_fee == expected["fee"]
    assert result.trial is False
    assert result.clauses == expected["clauses"]


@pytest.mark.parametrize(
    ("period", "notice", "last_day", "prepaid", "months", "fee", "clauses"),
    [
        # Quarterly from 1 Apr: Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar. Last day 15 Jul: Jul–Sep is
        # paid and not refunded (§8(4)); Oct–Mar (6 months) is the lump sum, not Aug–Mar (8).
        pytest.param(3, D(2026, 6, 15), None, D(2026, 9, 30), 6, 60_000,
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="3m mid-period"),
        # Last day on the period end: nothing prepaid beyond the billed month; Jul–Mar = 9.
        pytest.param(3, D(2026, 5, 31), None, D(2026, 6, 30), 9, 90_000,
                     ("§5(5)", "§14(3)", "§14(4)"), id="3m on a period end"),
        # Last day 20 Oct: Oct–Dec paid; Jan–Mar (3) remain.
        pytest.param(3, D(2026, 9, 20), None, D(2026, 12, 31), 3, 30_000,
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="3m third period"),
        # Half-yearly: Apr–Sep then Oct–Mar. Last day 15 Jul: Apr–Sep paid; Oct–Mar = 6.
        pytest.param(6, D(2026, 6, 15), None, D(2026, 9, 30), 6, 60_000,
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="6m first half"),
        # Last day 20 Oct: Oct–Mar already paid, which covers the rest of the minimum term.
        pytest.param(6, D(2026, 9, 20), None, D(2027, 3, 31), 0, 0,
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="6m second half prepaid"),
        # Yearly: the whole minimum term was paid up front.
        pytest.param(12, D(2026, 6, 15), None, D(2027, 3, 31), 0, 0,
                     ("§5(5)", "§8(4)", "§14(3)", "§14(4)"), id="12m prepaid"),
        # After the minimum term the second year (Apr 2027 – Mar 2028) is prepaid.
        pytest.param(12, D(2027, 4, 10), None, D(2028, 3, 31), 0, 0,
                     ("§5(5)", "§8(4)", "§14(3)"), id="12m renewed year"),
        pytest.param(1, D(2026, 6, 15), None, D(2026, 7, 31), 8, 80_000,
                     ("§5(5)", "§14(3)", "§14(4)"), id="1m for comparison"),
    ],
)
def test_quote_with_prepaid_billing_periods(period, notice, last_day, prepaid, months, fee,
                                            clauses):
    result = quote(terms(billing_period_months=period), notice, last_day)
    assert result.prepaid_through == prepaid
    assert (result.early_termination_months, result.early_termination_fee) == (months, fee)
    assert result.clauses == clauses


@pytest.mark.parametrize(
    ("moment", "earliest", "billed", "fee"),
    [
        # 30 Nov 23:30 UTC is 1 Dec in Japan: earliest 31 Dec (not 30 Dec); Jan–Mar = 3 months.
        pytest.param(datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc), D(2026, 12, 31),
                     (D(2026, 12, 1), D(2026, 12, 31)), 30_000, id="23:30 utc on 30 nov"),
        # 1 Dec 23:30 UTC is 2 Dec in Japan: earliest 1 Jan, so January is billed, Feb–Mar = 2.
        # With the UTC date (1 Dec) it would wrongly be 31 Dec and 3 months.
        pytest.param(datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc), D(2027, 1, 1),
                     (D(2027, 1, 1), D(2027, 1, 31)), 20_000, id="23:30 utc crosses the month"),
    ],
)
def test_notice_date_is_the_day_in_japan(moment, earliest, billed, fee):
    result = quote(APR, jst_date(moment))
    assert (result.earliest_last_day, result.billed_month, result.early_termination_fee) == (
        earliest, billed, fee)


def test_last_day_too_early_names_the_clause_and_the_earliest_day():
    with pytest.raises(RuleError) as raised:
        quote(APR, D(2026, 6, 15), D(2026, 7, 14))
    assert raised.value.code == "last_day_too_early"
    assert raised.value.clause == "§14(3)"
    assert raised.value.earliest == D(2026, 7, 15)


def test_last_day_before_the_start_is_refused():
    with pytest.raises(RuleError) as raised:
        quote(APR, D(2026, 1, 1), D(2026, 3, 31))
    assert (raised.value.code, raised.value.clause) == ("before_start", "§5(4)")


TRIAL = ContractTerms(start=D(2026, 4, 1), minimum_months=12, monthly_fee=10_000, trial=True)


@pytest.mark.parametrize(
    ("notice", "last_day", "earliest", "last"),
    [
        pytest.param(D(2026, 4, 10), None, D(2026, 4, 10), D(2026, 4, 10), id="ends the same day"),
        pytest.param(D(2026, 4, 10), D(2026, 4, 20), D(2026, 4, 10), D(2026, 4, 20),
                     id="chosen later day"),
        pytest.param(D(2026, 3, 20), None, D(2026, 4, 1), D(2026, 4, 1), id="before the start"),
    ],
)
def test_trial_ends_without_notice_or_fee(notice, last_day, earliest, last):
    result = quote(TRIAL, notice, last_day)
    assert (result.earliest_last_day, result.last_day) == (earliest, last)
    assert result.billed_month is None and result.prepaid_through is None
    assert result.minimum_term_end is None
    assert (result.early_termination_months, result.early_termination_fee) == (0, 0)
    assert result.trial is True
    assert result.clauses == ("§12(5)",)


def test_trial_last_day_cannot_precede_the_notice():
    with pytest.raises(RuleError) as raised:
        quote(TRIAL, D(2026, 4, 10), D(2026, 4, 9))
    assert (raised.value.code, raised.value.clause, raised.value.earliest) == (
        "last_day_too_early", "§12(5)", D(2026, 4, 10))


@pytest.mark.parametrize(
    ("contract", "notice", "last_day"),
    [
        pytest.param(APR, D(2026, 6, 15), D(2027, 3, 31), id="well ahead"),
        # 1 Mar + 30 days = 31 Mar, exactly the 満了日.
        pytest.param(APR, D(2027, 3, 1), D(2027, 3, 31), id="last possible notice day"),
        pytest.param(APR, D(2027, 3, 2), None, id="one day too late"),
        pytest.param(APR, D(2027, 6, 1), None, id="minimum term long over"),
        pytest.param(TRIAL, D(2026, 4, 10), None, id="trial has no minimum term"),
    ],
)
def test_minimum_term_option(contract, notice, last_day):
    option = minimum_term_option(contract, notice)
    if last_day is None:
        assert option is None
    else:
        assert option.last_day == last_day
        assert option.early_termination_fee == 0


@settings(deadline=None)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 1, 1)),
       minimum=st.sampled_from([1, 3, 6, 12, 24, 36]), period=st.sampled_from([1, 3, 6, 12]),
       offset=st.integers(min_value=0, max_value=1500),
       later=st.integers(min_value=0, max_value=400))
def test_a_later_last_day_never_costs_more(start, minimum, period, offset, later):
    contract = ContractTerms(start=start, minimum_months=minimum, billing_period_months=period,
                             monthly_fee=1_000)
    notice = start + timedelta(days=offset)
    first = quote(contract, notice)
    second = quote(contract, notice, first.last_day + timedelta(days=later))
    assert second.early_termination_fee <= first.early_termination_fee
    assert first.billed_month[0] <= first.last_day <= first.billed_month[1] <= first.prepaid_through
    if first.last_day >= first.minimum_term_end:
        assert first.early_termination_fee == 0


@settings(deadline=None)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 1, 1)),
       minimum=st.sampled_from([1, 3, 6, 12, 24]), period=st.sampled_from([1, 3, 6, 12]),
       offset=st.integers(min_value=0, max_value=1500))
def test_notice_on_the_renewal_deadline_ends_the_contract_on_the_term_end(start, minimum, period,
                                                                          offset):
    # §5(5) 「満了日の30日前までに」 and §14(3) 「30日前までに」 must agree: notice given on the
    # last day that stops a renewal can end the contract on the term end, not a day later.
    contract = ContractTerms(start=start, minimum_months=minimum, billing_period_months=period)
    renewal = next_renewal(contract, start + timedelta(days=offset))
    result = quote(contract, renewal.next_stoppable_deadline)
    assert result.earliest_last_day == renewal.next_stoppable_renewal - timedelta(days=1)
