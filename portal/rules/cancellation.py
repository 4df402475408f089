"""What a cancellation by the customer costs and when it can end (§14(3)(4), §5(5), §8(4), §12(5)).

The portal's cancellation page is the written notice of §14(3). Given the contract and the
day in Japan the notice is given, `quote` says the earliest possible last day of use (30 days
after the notice), the billing month billed in full (the one containing the last day), the
minimum-term end (満了日, §5(5)) and the early-termination lump sum for the minimum-term
months not yet reached (§14(4)). Months already paid under a multi-month billing period are
not refunded (§8(4)) and not charged twice. Free trials end without notice or fee (§12(5)).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .periods import billing_month, billing_month_index, billing_period, month_period_end
from .renewal import commitment_months
from .terms import ContractTerms, RuleError, require_date, sort_clauses

NOTICE_DAYS = 30
"""§14(3): notice is given 30 days before the last day of use."""


@dataclass(frozen=True)
class CancellationQuote:
    """The outcome of a cancellation notice given on `notice_date`.

    earliest_last_day: the first day that may be the last day of use.
    last_day: the chosen last day of use.
    billed_month: (first, last) of the billing month containing `last_day`, billed in full
        (§14(3)); None for a free trial.
    prepaid_through: last day of the paid billing period containing `last_day` (§8(4)); equals
        billed_month's last day for monthly billing; None for a free trial.
    minimum_term_end: 満了日, the end of the minimum term (§5(5)); for an agent contract the
        end of the 6-month period of use containing `last_day` (§31(2)); None for a trial.
    early_termination_months / early_termination_fee: billing months after `prepaid_through`
        up to `minimum_term_end`, and monthly_fee × that number (§14(4)). For an agent
        contract this never exceeds what the rest of the period costs when it is simply not
        renewed, so cancelling never costs more than not renewing (§31(2)).
    trial: whether the contract is a free trial (§12(5)).
    clauses: the clauses applied, in the order of the terms.
    """

    notice_date: date
    earliest_last_day: date
    last_day: date
    billed_month: tuple[date, date] | None
    prepaid_through: date | None
    minimum_term_end: date | None
    early_termination_months: int
    early_termination_fee: int
    trial: bool
    clauses: tuple[str, ...]


def earliest_last_day(terms: ContractTerms, notice_date: date) -> date:
    """The earliest last day of use for a notice given on `notice_date`.

    Result: notice_date + 30 days (§14(3)); for a free trial notice_date itself (§12(5)).
    Never before the contract start: a notice given before the start can end the contract on
    its first day at the earliest. Errors: TypeError for a non-date. Clause: §14(3), §12(5).
    """
    require_date(notice_date, "notice_date")
    earliest = notice_date if terms.trial else notice_date + timedelta(days=NOTICE_DAYS)
    return max(earliest, terms.start)


def quote(terms: ContractTerms, notice_date: date, last_day: date | None = None,
          ) -> CancellationQuote:
    """Quote a cancellation notice given on `notice_date` with last day of use `last_day`.

    Inputs: `terms`; `notice_date`, the day in Japan the notice is given (use jst.jst_date on
    the submission moment); `last_day`, defaulting to the earliest allowed one.
    Result: CancellationQuote. The lump sum covers the minimum-term months after the last
    paid month: billing months after `prepaid_through` up to the minimum-term end (§14(4)),
    × monthly_fee. Trials: earliest last day = notice_date, no fee, clauses ("§12(5)",).
    Errors: RuleError(code="last_day_too_early", clause="§14(3)", earliest=…) when last_day is
    before the earliest last day (clause "§12(5)" for a trial notice dated after last_day);
    RuleError(code="before_start", clause="§5(4)", earliest=start) when last_day is before the
    contract start. Clause: §14(3), §14(4), §5(5), §8(4); §12(5) for trials.
    """
    earliest = earliest_last_day(terms, notice_date)
    if last_day is None:
        last_day = earliest
    require_date(last_day, "last_day")
    if last_day < terms.start:
        raise RuleError(f"last day {last_day} is before the contract start {terms.start}",
                        code="before_start", clause="§5(4)", earliest=earliest)
    if last_day < earliest:
        clause = "§12(5)" if terms.trial else "§14(3)"
        raise RuleError(f"last day {last_day} is before the earliest allowed last day "
                        f"{earliest} for a notice given on {notice_date}",
                        code="last_day_too_early", clause=clause, earliest=earliest)

    if terms.trial:
        return CancellationQuote(
            notice_date=notice_date, earliest_last_day=earliest, last_day=last_day,
            billed_month=None, prepaid_through=None, minimum_term_end=None,
            early_termination_months=0, early_termination_fee=0, trial=True,
            clauses=("§12(5)",))

    billed = billing_month(terms.start, last_day)
    prepaid_through = billing_period(terms.start, last_day, terms.billing_period_months)[1]
    committed = commitment_months(terms, last_day)
    minimum_term_end = month_period_end(terms.start, committed)
    clauses = ["§5(5)", "§14(3)"] if terms.channel != "agent" else ["§14(3)", "§31(2)"]
    months = 0
    if last_day < minimum_term_end:
        # Ending inside the minimum term: §14(4) applies even when every remaining month is
        # already prepaid (then the lump sum is 0). Ending on the 満了日 itself costs nothing.
        clauses.append("§14(4)")
        if prepaid_through < minimum_term_end:
            # Indices of the first unpaid month and of the last month of the minimum term.
            first_unpaid = billing_month_index(terms.start, prepaid_through) + 1
            months = max(committed - first_unpaid, 0)
    if prepaid_through > billed[1]:
        clauses.append("§8(4)")
    return CancellationQuote(
        notice_date=notice_date, earliest_last_day=earliest, last_day=last_day,
        billed_month=billed, prepaid_through=prepaid_through, minimum_term_end=minimum_term_end,
        early_termination_months=months, early_termination_fee=months * terms.monthly_fee,
        trial=False, clauses=sort_clauses(*clauses))


def minimum_term_option(terms: ContractTerms, notice_date: date) -> CancellationQuote | None:
    """A quote for ending on the minimum-term end (満了日), which costs no lump sum (§14(4)).

    Inputs: `terms`, `notice_date` (day in Japan). Result: `quote(terms, notice_date,
    minimum_term_end)`, or None when the minimum-term end is earlier than the earliest allowed
    last day (already past, or less than 30 days away), and always None for a free trial.
    For an agent contract the 満了日 is the end of the period of use containing the earliest
    last day (§31(2)). Clause: §5(5), §14(3), §14(4); §31(2) for agent contracts.
    """
    if terms.trial:
        return None
    earliest = earliest_last_day(terms, notice_date)
    end = month_period_end(terms.start, commitment_months(terms, earliest))
    if end < earliest:
        return None
    return quote(terms, notice_date, end)
