"""Plan changes (お申し込み内容の変更): the 10-day lead time and the first month at the new fee.

§14(1): a change is requested at least 10 days before the desired date; the provider and the
customer then agree the effective date. §14(2): a fee increase is billed from the billing
month (月度) in which the change takes effect; a decrease (or an unchanged fee) from the
billing month after it (SPEC §3.3), so a month is never billed below what was used in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .periods import billing_month, billing_month_by_index, billing_month_index
from .terms import ContractTerms, RuleError, require_date, require_int

LEAD_DAYS = 10
"""§14(1): 変更希望日の10日前までに."""


def earliest_desired_date(request_date: date) -> date:
    """The earliest desired date for a change requested on `request_date` (§14(1)).

    Input: `request_date`, the day in Japan the request is made. Result: request_date + 10
    days (a request on 1 Dec may ask for 11 Dec). Errors: TypeError for a non-date.
    Clause: §14(1).
    """
    return require_date(request_date, "request_date") + timedelta(days=LEAD_DAYS)


def check_desired_date(request_date: date, desired: date) -> None:
    """Refuse a desired date less than 10 days after the request date (§14(1)).

    Inputs: `request_date`, `desired` (days in Japan). Result: None when acceptable.
    Errors: RuleError(code="desired_date_too_early", clause="§14(1)", earliest=…).
    """
    earliest = earliest_desired_date(request_date)
    if require_date(desired, "desired") < earliest:
        raise RuleError(f"desired date {desired} is less than {LEAD_DAYS} days after the "
                        f"request date {request_date}; earliest is {earliest}",
                        code="desired_date_too_early", clause="§14(1)", earliest=earliest)


def is_increase(old_fee: int, new_fee: int) -> bool:
    """Whether moving from `old_fee` to `new_fee` (yen per month) raises the fee (§14(2))."""
    return require_int(new_fee, "new_fee") > require_int(old_fee, "old_fee")


def first_billed_month(terms: ContractTerms, effective_date: date, old_fee: int, new_fee: int,
                       ) -> tuple[date, date]:
    """The first billing month (月度) charged at the new fee.

    Inputs: `terms` (for the start date), `effective_date` (the agreed day in Japan the change
    applies), `old_fee` and `new_fee` (yen per month).
    Result: (first_day, last_day): for an increase the 月度 containing `effective_date`
    (§14(2)); for a decrease or an equal fee the 月度 after it (SPEC §3.3).
    Errors: RuleError(code="before_start", clause="§5(4)") when effective_date is before the
    contract start. Clause: §14(2).
    """
    if is_increase(old_fee, new_fee):
        return billing_month(terms.start, effective_date)
    return billing_month_by_index(terms.start, billing_month_index(terms.start, effective_date) + 1)


@dataclass(frozen=True)
class PlanChangeQuote:
    """What a plan change requested on `request_date` does.

    desired_date: the date the customer asked for, at least `earliest_desired_date`
    (request_date + 10 days, §14(1)); effective_date: the agreed date (default the desired
    one); increase: whether the fee rises; first_billed_month: the first 月度 at the new fee
    (§14(2)); clauses: ("§14(1)", "§14(2)").
    """

    request_date: date
    desired_date: date
    effective_date: date
    earliest_desired_date: date
    increase: bool
    first_billed_month: tuple[date, date]
    clauses: tuple[str, ...] = ("§14(1)", "§14(2)")


def plan_change_quote(terms: ContractTerms, request_date: date, desired_date: date,
                      old_fee: int, new_fee: int, effective_date: date | None = None,
                      ) -> PlanChangeQuote:
    """Check and describe a plan change for the pages that request and agree it.

    Inputs: `terms`, `request_date` and `desired_date` (days in Japan), `old_fee`, `new_fee`,
    and `effective_date`, the date agreed with the provider (default `desired_date`; §14(1)
    leaves it to agreement, so it is not held to the 10-day lead time, but it cannot precede
    the request). Result: PlanChangeQuote.
    Errors: RuleError(code="desired_date_too_early", clause="§14(1)", earliest=…);
    RuleError(code="effective_before_request", clause="§14(1)", earliest=request_date);
    RuleError(code="before_start", clause="§5(4)") when effective_date precedes the start.
    Clause: §14(1), §14(2).
    """
    check_desired_date(request_date, desired_date)
    if effective_date is None:
        effective_date = desired_date
    if require_date(effective_date, "effective_date") < request_date:
        raise RuleError(f"effective date {effective_date} is before the request date "
                        f"{request_date}", code="effective_before_request", clause="§14(1)",
                        earliest=request_date)
    return PlanChangeQuote(
        request_date=request_date, desired_date=desired_date, effective_date=effective_date,
        earliest_desired_date=earliest_desired_date(request_date),
        increase=is_increase(old_fee, new_fee),
        first_billed_month=first_billed_month(terms, effective_date, old_fee, new_fee))
