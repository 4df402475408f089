"""Other changes of the application (お申し込み内容の変更) under §14(1): the billing period.

§14(1) puts every change of what was applied for under one rule: requested at least 10 days
before the desired date (`plan_change.check_desired_date`, the same lead as a plan change),
applied on a date agreed with the provider. A change of the billing period (1, 3, 6 or 12
months paid at once, §5(5) 複数月度単位) has one more constraint: billing periods are counted
from the 起算日 (§5(4)), never chained, and a paid period is never cut short (§8(4): paid
fees are not refunded). So the change takes effect on the first day of a billing month (月度)
whose index from the start is a multiple of both the old and the new period — for the
periods of the price list (all divide 12) a multiple of the longer one: monthly → quarterly
at any third 月度, anything to or from yearly on an anniversary of the 起算日. Before that day
every period is one of the old length counted from the start, from it one of the new length
counted from the start, so no month is billed twice or left out.
"""
from __future__ import annotations

from datetime import date

from .periods import billing_month, billing_month_by_index, billing_month_index
from .terms import BILLING_PERIODS, ContractTerms, RuleError, require_date


def _step(old: int, new: int) -> int:
    return max(old, new)


def _check_periods(terms: ContractTerms, new_period: int) -> None:
    if new_period not in BILLING_PERIODS:
        raise RuleError(f"billing period {new_period} is not offered", code="billing_period",
                        clause="§5(5)")
    if new_period == terms.billing_period_months:
        raise RuleError("the billing period is unchanged", code="billing_period_unchanged",
                        clause="§14(1)")


def billing_period_effective_date(terms: ContractTerms, new_period: int, desired: date) -> date:
    """The first day on or after `desired` on which the billing period can become `new_period`.

    Inputs: `terms` (start = 起算日, billing_period_months = the current period), `new_period`
    (months), `desired` (a day in Japan). Result: the first day of the first 月度 starting on
    or after `desired` (or on the start, if `desired` is before it) whose index from the
    start is a multiple of max(current, new) — e.g. start 31 Jan 2027, monthly → 3 months,
    desired 15 Feb → 1 May 2027 (index 3: 31 Jan, 1 Mar, 31 Mar, 1 May … per Art. 143).
    Errors: RuleError billing_period (§5(5)) for a period not in 1/3/6/12,
    billing_period_unchanged (§14(1)). Clause: §5(5), §8(4), §14(1).
    """
    require_date(desired, "desired")
    _check_periods(terms, new_period)
    step = _step(terms.billing_period_months, new_period)
    if desired <= terms.start:
        return terms.start
    index = billing_month_index(terms.start, desired)
    if billing_month(terms.start, desired)[0] < desired:
        index += 1
    index = -(-index // step) * step
    return billing_month_by_index(terms.start, index)[0]


def check_billing_period_effective(terms: ContractTerms, new_period: int, effective: date) -> None:
    """Refuse an agreed effective date that is not a boundary where both periods meet.

    Result: None when `effective` is the first day of a 月度 whose index from the start is a
    multiple of max(current, new). Errors: RuleError(code="period_boundary",
    clause="§5(5)", earliest=the next acceptable day); the errors of
    `billing_period_effective_date`.
    """
    expected = billing_period_effective_date(terms, new_period, effective)
    if expected != effective:
        raise RuleError(f"{effective} is not the start of a billing period of both lengths; "
                        f"next is {expected}", code="period_boundary", clause="§5(5)",
                        earliest=expected)


def period_start_index(month_index: int, steps: tuple[tuple[int, int], ...], base: int) -> tuple[int, int]:
    """The index of the first 月度 of the billing period containing 月度 `month_index`, and its
    length, when the period was `base` months and became `n` from 月度 index `k` for each
    (k, n) in `steps` (sorted, each k a multiple of both lengths it joins).
    Result: (first index, months). Errors: none."""
    anchor, n = 0, base
    for k, length in steps:
        if k <= month_index:
            anchor, n = k, length
    return anchor + (month_index - anchor) // n * n, n
