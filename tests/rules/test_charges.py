"""The charges of a contract for the billing months (月度) that start in an issue month:
multi-month periods billed in advance (§5(5)), plan changes (§14(2)), price-list fee changes
(§8(1)), the month of the last day billed in full (§14(3)), trials never billed (§12(5)),
months already billed left out."""
from datetime import date

import pytest

from portal.rules import ContractTerms
from portal.rules.charges import FeeStep, fee_for_month, period_charges
from portal.rules.plan_change import first_billed_month

D = date
DEC = (D(2026, 12, 1), D(2026, 12, 31))


def terms(start=D(2026, 4, 1), months=1, fee=60_000, trial=False, minimum=12):
    return ContractTerms(start=start, minimum_months=minimum, billing_period_months=months,
                         monthly_fee=fee, trial=trial)


def summary(charges):
    return [(c.period, c.amount, len(c.months), c.clauses) for c in charges]


@pytest.mark.parametrize(("t", "window", "kw", "expected"), [
    pytest.param(terms(), DEC, {}, [((D(2026, 12, 1), D(2026, 12, 31)), 60_000, 1, ())],
                 id="monthly on the 1st"),
    # Start on the 15th: the 月度 Dec 15 – Jan 14 starts in December.
    pytest.param(terms(start=D(2026, 4, 15)), DEC, {},
                 [((D(2026, 12, 15), D(2027, 1, 14)), 60_000, 1, ())], id="start mid-month"),
    # Start on Jan 31: 月度 Jan 31–Feb 28, Mar 1–Mar 30, Mar 31–Apr 30 (Art. 143, no drift).
    pytest.param(terms(start=D(2027, 1, 31)), (D(2027, 3, 1), D(2027, 3, 31)), {},
                 [((D(2027, 3, 1), D(2027, 3, 30)), 60_000, 1, ()),
                  ((D(2027, 3, 31), D(2027, 4, 30)), 60_000, 1, ())], id="month end: two in March"),
    pytest.param(terms(start=D(2027, 1, 31)), (D(2027, 2, 1), D(2027, 2, 28)), {}, [],
                 id="month end: none starts in February"),
    # Leap year: start Jan 31 2028 → first month Jan 31–Feb 29.
    pytest.param(terms(start=D(2028, 1, 31)), (D(2028, 1, 1), D(2028, 1, 31)), {},
                 [((D(2028, 1, 31), D(2028, 2, 29)), 60_000, 1, ())], id="leap february"),
    # 12-month period from Apr 1: billed whole in April, nothing in May.
    pytest.param(terms(months=12), (D(2026, 4, 1), D(2026, 4, 30)), {},
                 [((D(2026, 4, 1), D(2027, 3, 31)), 720_000, 12, ("§5(5)",))],
                 id="twelve months in advance"),
    pytest.param(terms(months=12), (D(2026, 5, 1), D(2026, 5, 31)), {}, [],
                 id="nothing inside a prepaid period"),
    pytest.param(terms(months=3), (D(2026, 7, 1), D(2026, 7, 31)), {},
                 [((D(2026, 7, 1), D(2026, 9, 30)), 180_000, 3, ("§5(5)",))],
                 id="second quarter"),
    pytest.param(terms(trial=True, fee=0), DEC, {}, [], id="trial never billed"),
    pytest.param(terms(start=D(2027, 1, 1)), DEC, {}, [], id="not started yet"),
    # Last day Dec 20: the month containing it is billed in full, later ones not at all.
    pytest.param(terms(), DEC, {"last_day": D(2026, 12, 20)},
                 [((D(2026, 12, 1), D(2026, 12, 31)), 60_000, 1, ("§14(3)",))],
                 id="last month billed in full"),
    pytest.param(terms(), (D(2027, 1, 1), D(2027, 1, 31)), {"last_day": D(2026, 12, 20)}, [],
                 id="nothing after the last day"),
    # 3-month period Oct–Dec with last day Nov 10 → already billed in October: nothing new.
    pytest.param(terms(months=3), (D(2026, 10, 1), D(2026, 10, 31)),
                 {"last_day": D(2026, 11, 10)},
                 [((D(2026, 10, 1), D(2026, 11, 30)), 120_000, 2, ("§5(5)", "§14(3)"))],
                 id="multi-month period cut after the last month"),
    pytest.param(terms(), DEC, {"billed": frozenset({D(2026, 12, 1)})}, [],
                 id="already billed"),
    # Price list change §8(1): effective Dec 10 → months starting on or after it.
    pytest.param(terms(start=D(2026, 4, 15)), DEC,
                 {"fee_steps": (FeeStep(D(2026, 12, 10), 99_000, "§8(1)"),)},
                 [((D(2026, 12, 15), D(2027, 1, 14)), 99_000, 1, ("§8(1)",))],
                 id="fee change from the first month starting on or after it"),
    pytest.param(terms(start=D(2026, 4, 15)), (D(2026, 11, 1), D(2026, 11, 30)),
                 {"fee_steps": (FeeStep(D(2026, 11, 16), 99_000, "§8(1)"),)},
                 [((D(2026, 11, 15), D(2026, 12, 14)), 60_000, 1, ())],
                 id="fee change not in the month it falls in"),
])
def test_period_charges(t, window, kw, expected):
    assert summary(period_charges(t, window, **kw)) == expected


def test_plan_change_mid_period_increase_and_decrease():
    """§14(2): an increase effective Dec 10 bills the month containing it (Dec 1–31) at the
    new fee; a decrease bills from the next month (Jan)."""
    t = terms()
    up = FeeStep(first_billed_month(t, D(2026, 12, 10), 60_000, 99_000)[0], 99_000)
    assert up.from_day == D(2026, 12, 1)
    assert period_charges(t, DEC, fee_steps=(up,))[0].amount == 99_000
    down = FeeStep(first_billed_month(t, D(2026, 12, 10), 60_000, 30_000)[0], 30_000)
    assert period_charges(t, DEC, fee_steps=(down,))[0].amount == 60_000
    jan = (D(2027, 1, 1), D(2027, 1, 31))
    assert period_charges(t, jan, fee_steps=(down,))[0].amount == 30_000


def test_plan_change_inside_a_prepaid_quarter():
    """A 3-month period billed in October, each month at the fee in force for it."""
    t = terms(months=3)
    step = FeeStep(D(2026, 11, 1), 99_000)
    charge = period_charges(t, (D(2026, 10, 1), D(2026, 10, 31)), fee_steps=(step,))[0]
    assert charge.fees == (60_000, 99_000, 99_000) and charge.amount == 258_000
    assert charge.clauses == ("§5(5)", "§14(2)")


def test_fee_for_month_takes_the_latest_step():
    steps = (FeeStep(D(2027, 1, 1), 70_000), FeeStep(D(2026, 12, 1), 65_000, "§8(1)"))
    assert fee_for_month(60_000, steps, D(2026, 11, 1)) == (60_000, None)
    assert fee_for_month(60_000, steps, D(2026, 12, 1)) == (65_000, "§8(1)")
    assert fee_for_month(60_000, steps, D(2027, 2, 1)) == (70_000, "§14(2)")
