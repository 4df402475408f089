"""What a contract is billed for the billing months (月度) that start in an issue window.

The daily job issues, for each calendar month, an invoice with the billing periods that start
in it. A billing period of N months (1, 3, 6, 12) is billed in advance, whole, when it starts
(§5(5) 複数月度単位の前払い); each of its billing months at the fee in force for that month.
The fee of a month comes from the contract's fee history as `FeeStep`s: a plan change applies
an increase from the billing month containing its effective date and a decrease from the next
one (§14(2), computed by `plan_change.first_billed_month`), a price-list fee change from the
first billing month that starts on or after its effective date (§8(1)). Billing months that
start after the last day of use are not billed; the one containing it is billed in full
(§14(3)). Free trials are never billed (§12(5)). Months already billed (passed in `billed`)
are left out, so catching up never bills a month twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .changes import period_start_index
from .periods import billing_month_by_index, billing_month_index
from .terms import ContractTerms, require_date, sort_clauses


@dataclass(frozen=True)
class FeeStep:
    """From the first billing month that starts on or after `from_day`, the monthly fee is
    `fee` yen (tax excluded); `clause` is why (§14(2) plan change, §8(1) price-list change)."""

    from_day: date
    fee: int
    clause: str = "§14(2)"


@dataclass(frozen=True)
class PeriodCharge:
    """One invoice line: the billing months of one billing period not billed before.

    months: (first, last) of each billed month; fees: the fee of each; amount: their sum;
    period: (first day of the first month, last day of the last); clauses: the clauses that
    decided the months and fees, in the order of the terms.
    """

    months: tuple[tuple[date, date], ...]
    fees: tuple[int, ...]
    amount: int
    clauses: tuple[str, ...]

    @property
    def period(self) -> tuple[date, date]:
        return self.months[0][0], self.months[-1][1]


def fee_for_month(base_fee: int, steps: tuple[FeeStep, ...] | list[FeeStep],
                  month_start: date) -> tuple[int, str | None]:
    """The fee of the billing month beginning `month_start` and the clause of the step that
    set it (None for the base fee): the latest step with from_day <= month_start."""
    fee, clause = base_fee, None
    for step in sorted(steps, key=lambda s: s.from_day):
        if step.from_day <= month_start:
            fee, clause = step.fee, step.clause
    return fee, clause


def period_charges(terms: ContractTerms, window: tuple[date, date], *,
                   fee_steps: tuple[FeeStep, ...] | list[FeeStep] = (),
                   last_day: date | None = None,
                   billed: frozenset[date] | set[date] = frozenset(),
                   period_steps: tuple[tuple[date, int], ...] = ()) -> list[PeriodCharge]:
    """The charges for the billing periods of `terms` that start inside `window`.

    Inputs: `terms` (start, billing period, monthly_fee as the base fee, trial); `window`
    (first, last) days of the issue month; `fee_steps` (the fee history); `last_day` (the last
    day of use, if known); `billed` (first days of months already billed); `period_steps`
    ((first day of a 月度, months) for each agreed change of the billing period, §14(1): from
    that 月度 the periods have the new length — `terms.billing_period_months` is the length
    before the first step; each day must be a boundary of both lengths, `rules.changes`).
    Result: one PeriodCharge per billing period whose first day is in `window`, holding its
    months that start on or before `last_day` and are not in `billed`; periods left empty
    are omitted. [] for a free trial (§12(5)).
    Clause: §5(5) for multi-month periods, §14(2)/§8(1) for a changed fee, §14(3) for the
    month containing the last day.
    """
    first, last = require_date(window[0], "window start"), require_date(window[1], "window end")
    if terms.trial or last < terms.start:
        return []
    steps = tuple(sorted((billing_month_index(terms.start, d), m) for d, m in period_steps))
    index = 0 if first <= terms.start else billing_month_index(terms.start, first)
    p, n = period_start_index(index, steps, terms.billing_period_months)
    charges = []
    while True:
        period_first = billing_month_by_index(terms.start, p)[0]
        if period_first > last:
            break
        if period_first >= first and (last_day is None or period_first <= last_day):
            charge = _charge(terms, p, n, fee_steps, last_day, billed)
            if charge is not None:
                charges.append(charge)
        p, n = period_start_index(p + n, steps, terms.billing_period_months)
    return charges


def _charge(terms: ContractTerms, p: int, n: int, fee_steps, last_day: date | None,
            billed) -> PeriodCharge | None:
    months, fees, clauses = [], [], ["§5(5)"] if n > 1 else []
    for k in range(p, p + n):
        month = billing_month_by_index(terms.start, k)
        if last_day is not None and month[0] > last_day:
            break
        if month[0] in billed:
            continue
        fee, clause = fee_for_month(terms.monthly_fee, fee_steps, month[0])
        if clause:
            clauses.append(clause)
        if last_day is not None and month[0] <= last_day <= month[1]:
            clauses.append("§14(3)")
        months.append(month)
        fees.append(fee)
    if not months:
        return None
    return PeriodCharge(months=tuple(months), fees=tuple(fees), amount=sum(fees),
                        clauses=sort_clauses(*clauses))
