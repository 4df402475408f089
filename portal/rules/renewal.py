"""Contract terms and automatic renewal (§5(5)), and the agent channel's 6-month periods (§31(2)).

A contract first runs for its minimum term, from the start date to the minimum-term end
(満了日). Unless notice is given by 30 days before a term's end, it renews: by one month, or,
when several months are paid at once, by that billing period, the periods counted from the
start date (「契約月の起算日から該当の複数月度数で」). Contracts through an agent (取次店) instead
run in 6-month periods from the start and continue only when a renewal application is filed
for each period (§31(2)). Every term is derived from the start date (Civil Code Art. 143).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .periods import billing_month_by_index, billing_month_index, month_period_end
from .terms import ContractTerms, RuleError, require_date

NOTICE_DAYS = 30
"""§5(5): notice stops a renewal when given by 30 days before the term's end."""

AGENT_PERIOD_MONTHS = 6
"""§31(2): agent contracts run in 6-month periods from the start date."""

_ONE_DAY = timedelta(days=1)


def _refuse_trial(terms: ContractTerms) -> None:
    if terms.trial:
        raise RuleError("a free trial has no renewal terms; it ends on its trial end date",
                        code="trial_has_no_renewal", clause="§12(5)")


def _term_bounds(terms: ContractTerms, month_index: int) -> tuple[int, int]:
    """Month counts from the start at which the term holding `month_index` begins and ends."""
    if terms.channel == "agent":
        end = (month_index // AGENT_PERIOD_MONTHS + 1) * AGENT_PERIOD_MONTHS
        return end - AGENT_PERIOD_MONTHS, end
    minimum = terms.minimum_months
    if month_index < minimum:
        return 0, minimum
    period = terms.billing_period_months
    # Renewal terms end on billing-period boundaries counted from the start; when the minimum
    # term is a multiple of the period these are minimum + j × period.
    end = (month_index // period + 1) * period
    return max(end - period, minimum), end


def _term(terms: ContractTerms, month_index: int) -> tuple[date, date]:
    first, last = _term_bounds(terms, month_index)
    return billing_month_by_index(terms.start, first)[0], month_period_end(terms.start, last)


def current_term(terms: ContractTerms, day: date) -> tuple[date, date]:
    """The term (first day, last day) of the contract that contains `day`.

    Inputs: `terms`, `day` (a day in Japan, not before the start).
    Result: up to the minimum-term end, (start, minimum-term end); after it, renewal terms of
    one month, or of `billing_period_months` when that is more than 1, ending on billing-period
    boundaries counted from the start (§5(5)); for agent contracts the 6-month period from the
    start containing `day` regardless of the minimum term (§31(2)).
    Errors: RuleError(code="before_start", clause="§5(4)") when day < start;
    RuleError(code="trial_has_no_renewal", clause="§12(5)") for a free trial.
    Clause: §5(5); §31(2) for agent contracts.
    """
    _refuse_trial(terms)
    return _term(terms, billing_month_index(terms.start, day))


def commitment_months(terms: ContractTerms, day: date) -> int:
    """Months from the start to the 満了日 that binds `day`.

    Direct and reseller contracts: the minimum months of the price list (§5(5)). Agent
    contracts: the end of the 6-month period of use containing `day` (§31(2) applies
    「第5条…の取り決めに関わらず」, so the price list's minimum months do not bind them; a
    period continues only on a renewal application). `day` before the start counts as the
    start. Errors: RuleError(code="trial_has_no_renewal") for a free trial.
    Clause: §5(5); §31(2) for agent contracts. Reading in docs/decisions.md.
    """
    _refuse_trial(terms)
    if terms.channel != "agent":
        return terms.minimum_months
    index = billing_month_index(terms.start, max(day, terms.start))
    return (index // AGENT_PERIOD_MONTHS + 1) * AGENT_PERIOD_MONTHS


def expiry_date(terms: ContractTerms, day: date) -> date:
    """The 満了日 of the contract as seen on `day`: the one date a page shows under that name.

    Result: the minimum-term end (最低利用月数満了日, §5(5)) for direct and reseller contracts;
    for agent contracts the last day of the 6-month period of use containing `day` (§31(2)):
    start 31 May 2026 → 30 Nov 2026 for any day up to then, 30 May 2027 in the next period.
    Errors: as `commitment_months`. Clause: §5(5); §31(2) for agent contracts.
    """
    return month_period_end(terms.start, commitment_months(terms, day))


def _deadline(terms: ContractTerms, term_end: date) -> date:
    if terms.channel == "agent":
        return term_end
    return term_end - timedelta(days=NOTICE_DAYS)


def notice_deadline(terms: ContractTerms, day: date) -> date:
    """The last day on which notice stops the term containing `day` from renewing.

    Result: the term's end − 30 days (「満了日の30日前までに」, §5(5)); a term ending 31 March
    has its deadline on 1 March. For agent contracts the period's last day: the renewal
    application (更新申込) must be filed by then, or the contract ends with the period (§31(2)).
    The deadline of a one-month renewal term usually falls before the term begins; see
    `next_renewal` for the first renewal notice given on `day` can still stop.
    Errors: as `current_term`. Clause: §5(5); §31(2) for agent contracts.
    """
    return _deadline(terms, current_term(terms, day)[1])


@dataclass(frozen=True)
class Renewal:
    """The next renewal of a contract as seen on `day`.

    term_start, term_end: the current term; renews_on: term_end + 1 day, the first day of
    renewal_term (the term that follows); notice_deadline: last day for notice stopping this
    renewal (for agents: last day to file the renewal application); deadline_passed: `day`
    is after it, so notice given on `day` lets the contract renew once more and stops only a
    later renewal; next_stoppable_renewal / next_stoppable_deadline: the first renewal that
    notice given on `day` still stops, and its deadline (equal to renews_on / notice_deadline
    when the deadline has not passed); requires_application: agent contracts renew only on an
    application (§31(2)); clauses: ("§5(5)",) or ("§31(2)",).
    """

    day: date
    term_start: date
    term_end: date
    renews_on: date
    renewal_term: tuple[date, date]
    notice_deadline: date
    deadline_passed: bool
    next_stoppable_renewal: date
    next_stoppable_deadline: date
    requires_application: bool
    clauses: tuple[str, ...]


def next_renewal(terms: ContractTerms, day: date) -> Renewal:
    """The next renewal of the contract and what notice given on `day` can still stop.

    Inputs: `terms`, `day` (a day in Japan, not before the start). Result: Renewal.
    Errors: as `current_term`. Clause: §5(5); §31(2) for agent contracts.
    """
    term_start, term_end = current_term(terms, day)
    deadline = _deadline(terms, term_end)
    renews_on = term_end + _ONE_DAY
    renewal_term = current_term(terms, renews_on)
    # A one-month term can be shorter than the 30-day notice, so more than one deadline can
    # be past already: walk forward to the first term whose deadline is still ahead.
    stoppable_end, stoppable_deadline = term_end, deadline
    while stoppable_deadline < day:
        stoppable_end = current_term(terms, stoppable_end + _ONE_DAY)[1]
        stoppable_deadline = _deadline(terms, stoppable_end)
    agent = terms.channel == "agent"
    return Renewal(
        day=day, term_start=term_start, term_end=term_end, renews_on=renews_on,
        renewal_term=renewal_term, notice_deadline=deadline, deadline_passed=day > deadline,
        next_stoppable_renewal=stoppable_end + _ONE_DAY,
        next_stoppable_deadline=stoppable_deadline, requires_application=agent,
        clauses=("§31(2)",) if agent else ("§5(5)",))


def check_provider_non_renewal(terms: ContractTerms, notice_date: date, term_end: date) -> date:
    """Check the provider's notice, given on `notice_date`, that the contract ends on `term_end`.

    §5(5): a contract renews unless 「お客様または弊社のいずれからも」 notice is given by 30 days
    before 満了日; for the provider this is the same 30 days before the end of a term (the
    minimum-term end or a later renewal term's end). Inputs: `terms`, `notice_date` (a day in
    Japan), `term_end` (the chosen last day). Result: `term_end`, which then becomes the last
    day of use.
    Errors: RuleError code "trial_has_no_renewal" (§12(5)) for a trial; "agent_no_auto_renewal"
    (§31(2)) for an agent contract, which renews only on the customer's application anyway;
    "not_a_term_end" (§5(5), earliest = the first term end still allowed) when `term_end` is
    not the last day of a term; "provider_notice_too_late" (§5(5), earliest = the same) when
    `notice_date` is after `term_end` − 30 days.
    """
    _refuse_trial(terms)
    if terms.channel == "agent":
        raise RuleError("agent contracts renew only on a renewal application",
                        code="agent_no_auto_renewal", clause="§31(2)")
    require_date(notice_date, "notice_date")
    require_date(term_end, "term_end")
    day = max(notice_date, terms.start)
    earliest = next_renewal(terms, day).next_stoppable_renewal - _ONE_DAY
    if term_end < terms.start or current_term(terms, term_end)[1] != term_end:
        raise RuleError(f"{term_end} is not the last day of a term",
                        code="not_a_term_end", clause="§5(5)", earliest=earliest)
    if notice_date > _deadline(terms, term_end):
        raise RuleError(f"notice on {notice_date} is later than 30 days before {term_end}",
                        code="provider_notice_too_late", clause="§5(5)", earliest=earliest)
    return term_end


def earliest_provider_non_renewal(terms: ContractTerms, notice_date: date) -> date:
    """The first term end at which the provider's notice given on `notice_date` stops the
    contract (§5(5)): the last day before `next_renewal(...).next_stoppable_renewal`.
    Errors: as `check_provider_non_renewal` for trials and agent contracts."""
    _refuse_trial(terms)
    if terms.channel == "agent":
        raise RuleError("agent contracts renew only on a renewal application",
                        code="agent_no_auto_renewal", clause="§31(2)")
    return next_renewal(terms, max(notice_date, terms.start)).next_stoppable_renewal - _ONE_DAY
