"""Notices and what follows them: lead times of §8(1) (fee change, 60 days), §19(2)
(discontinuation, 90 days) and §17(1) (terms change, before it takes effect); §15(1)①
termination once 15 days have passed after a payment demand; §19(3) refund of paid months not
yet begun when every service is discontinued.
"""
from datetime import date

import pytest

from portal.rules import ContractTerms, RuleError
from portal.rules.notices import (
    CATEGORIES,
    check_effective_date,
    clause_for,
    discontinuation_refund,
    earliest_effective_date,
    termination_allowed_from,
)

D = date


def test_categories():
    assert CATEGORIES == ("maintenance", "incident", "fee_change", "terms_change",
                          "service_change", "discontinuation", "business_transfer", "general")


@pytest.mark.parametrize(
    ("category", "published", "earliest"),
    [
        # 1 Jun + 60: 30 Jun is day 29, 31 Jul day 60.
        pytest.param("fee_change", D(2026, 6, 1), D(2026, 7, 31), id="fee change 60 days"),
        # 1 Dec 2027 + 60 crosses into a leap February: 31 Dec (30), 29 Jan (59), 30 Jan (60).
        pytest.param("fee_change", D(2027, 12, 1), D(2028, 1, 30), id="fee change across year"),
        # 1 Jun + 90: 31 Jul (60), 30 Aug (90).
        pytest.param("discontinuation", D(2026, 6, 1), D(2026, 8, 30), id="discontinuation 90"),
        # 1 Dec 2027 + 90: 30 Jan (60), 28 Feb (89), 29 Feb 2028 (90).
        pytest.param("discontinuation", D(2027, 12, 1), D(2028, 2, 29), id="discontinuation leap"),
        pytest.param("terms_change", D(2026, 12, 31), D(2027, 1, 1), id="terms change next day"),
        pytest.param("maintenance", D(2026, 6, 1), D(2026, 6, 1), id="maintenance at once"),
        pytest.param("incident", D(2026, 6, 1), D(2026, 6, 1), id="incident at once"),
        pytest.param("service_change", D(2026, 6, 1), D(2026, 6, 2), id="service change next day"),
        pytest.param("general", D(2026, 6, 1), D(2026, 6, 1), id="general"),
    ],
)
def test_earliest_effective_date(category, published, earliest):
    assert earliest_effective_date(category, published) == earliest


@pytest.mark.parametrize(
    ("category", "clause"),
    [
        pytest.param("maintenance", "§18(1)", id="maintenance"),
        pytest.param("incident", "§13(1)", id="incident"),
        pytest.param("fee_change", "§8(1)", id="fee_change"),
        pytest.param("terms_change", "§17(1)", id="terms_change"),
        pytest.param("service_change", "§16", id="service_change"),
        pytest.param("discontinuation", "§19(2)", id="discontinuation"),
        pytest.param("business_transfer", "§20", id="business_transfer"),
        pytest.param("general", "§10(1)", id="general"),
    ],
)
def test_clause_for(category, clause):
    assert clause_for(category) == clause


@pytest.mark.parametrize("function", [
    lambda: earliest_effective_date("price_change", D(2026, 6, 1)),
    lambda: clause_for("price_change"),
    lambda: check_effective_date("price_change", D(2026, 6, 1), D(2026, 9, 1)),
], ids=["earliest_effective_date", "clause_for", "check_effective_date"])
def test_unknown_category_is_refused(function):
    with pytest.raises(ValueError):
        function()


@pytest.mark.parametrize(
    ("category", "effective", "clause", "earliest"),
    [
        pytest.param("fee_change", D(2026, 7, 31), None, None, id="fee change on the 60th day"),
        pytest.param("fee_change", D(2026, 7, 30), "§8(1)", D(2026, 7, 31), id="fee change 59d"),
        pytest.param("discontinuation", D(2026, 8, 30), None, None, id="discontinuation on day 90"),
        pytest.param("discontinuation", D(2026, 8, 29), "§19(2)", D(2026, 8, 30),
                     id="discontinuation 89 days"),
        pytest.param("terms_change", D(2026, 6, 2), None, None, id="terms change the day after"),
        pytest.param("terms_change", D(2026, 6, 1), "§17(1)", D(2026, 6, 2),
                     id="terms change the same day"),
        pytest.param("maintenance", D(2026, 6, 1), None, None, id="maintenance same day"),
    ],
)
def test_check_effective_date(category, effective, clause, earliest):
    if clause is None:
        assert check_effective_date(category, D(2026, 6, 1), effective) is None
    else:
        with pytest.raises(RuleError) as raised:
            check_effective_date(category, D(2026, 6, 1), effective)
        assert (raised.value.code, raised.value.clause, raised.value.earliest) == (
            "lead_time_too_short", clause, earliest)


@pytest.mark.parametrize(
    ("demand", "allowed_from"),
    [
        # Demand 1 Jun: days 2–16 Jun are the 15 days (Art. 140); they have passed from 17 Jun.
        pytest.param(D(2026, 6, 1), D(2026, 6, 17), id="june"),
        # Demand 20 Dec: 21 Dec – 4 Jan are the 15 days; allowed from 5 Jan.
        pytest.param(D(2026, 12, 20), D(2027, 1, 5), id="across the year"),
        # Demand 20 Feb 2028: 21 Feb – 6 Mar (29 Feb included); allowed from 7 Mar.
        pytest.param(D(2028, 2, 20), D(2028, 3, 7), id="leap february"),
    ],
)
def test_termination_allowed_from(demand, allowed_from):
    assert termination_allowed_from(demand) == allowed_from


APR = ContractTerms(start=D(2026, 4, 1), minimum_months=12, billing_period_months=3,
                    monthly_fee=10_000)


@pytest.mark.parametrize(
    ("contract", "last_service_day", "paid_through", "months", "amount"),
    [
        # Paid through September; service ends 15 Jun: Jul, Aug, Sep not begun → 3 × 10,000.
        pytest.param(APR, D(2026, 6, 15), D(2026, 9, 30), 3, 30_000, id="quarter prepaid"),
        pytest.param(APR, D(2026, 6, 30), D(2026, 9, 30), 3, 30_000, id="ends on a month end"),
        # June was used (service until 1 Jun) and is not refunded.
        pytest.param(APR, D(2026, 6, 1), D(2026, 6, 30), 0, 0, id="current month not refunded"),
        pytest.param(APR, D(2026, 9, 30), D(2026, 9, 30), 0, 0, id="nothing paid ahead"),
        # Paid through 15 Aug only: July is fully paid, August is not → 1 month.
        pytest.param(APR, D(2026, 6, 15), D(2026, 8, 15), 1, 10_000, id="partly paid month"),
        # Discontinued before the start: every paid month is refunded (Apr–Jun).
        pytest.param(APR, D(2026, 3, 20), D(2026, 6, 30), 3, 30_000, id="before the start"),
        pytest.param(APR, D(2026, 6, 15), D(2026, 3, 31), 0, 0, id="nothing paid"),
        # Start 31 Jan 2027: months Mar1–Mar30, Mar31–Apr30 — only the latter is refunded.
        pytest.param(ContractTerms(start=D(2027, 1, 31), minimum_months=12, monthly_fee=1_000),
                     D(2027, 3, 15), D(2027, 4, 30), 1, 1_000, id="jan31 start"),
        pytest.param(ContractTerms(start=D(2026, 4, 1), minimum_months=12, monthly_fee=10_000,
                                   trial=True),
                     D(2026, 4, 15), D(2026, 6, 30), 0, 0, id="trial pays nothing"),
    ],
)
def test_discontinuation_refund(contract, last_service_day, paid_through, months, amount):
    refund = discontinuation_refund(contract, last_service_day, paid_through)
    assert (refund.months, refund.amount) == (months, amount)
    assert len(refund.refunded_months) == months
    assert refund.clauses == ("§19(3)",)


def test_discontinuation_refund_lists_the_months():
    refund = discontinuation_refund(APR, D(2026, 6, 15), D(2026, 9, 30))
    assert refund.refunded_months == ((D(2026, 7, 1), D(2026, 7, 31)),
                                      (D(2026, 8, 1), D(2026, 8, 31)),
                                      (D(2026, 9, 1), D(2026, 9, 30)))
