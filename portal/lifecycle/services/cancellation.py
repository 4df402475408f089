"""Cancellation notices (§14(3)(4), §17(4), §5(5)): what the cancellation page offers, the live
quote for a chosen basis, the two steps of the page (show the quote; give notice on the quote
shown), withdrawal until staff confirm, and staff confirmation. Dates and the early-termination
lump sum come from `portal.rules.cancellation`; the notice keeps the quote as given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.models import Contract
from portal.contracts.services import Ending, Schedule, contract_schedule
from portal.extensions import db
from portal.lifecycle.models import NOTICE_OPEN, CancellationNotice
from portal.lifecycle.services.common import (
    ONE_DAY, LifecycleError, flush_unique, from_rule, mail_admins, require_status,
)
from portal.lifecycle.services.renewals import agent_period, renewal_application
from portal.rules import RuleError, cancellation
from portal.rules.cancellation import CancellationQuote
from portal.terms.models import TermsVersion


def open_notice(contract: Contract) -> CancellationNotice | None:
    """The contract's notice that is requested or confirmed but not completed, if any."""
    return db.session.scalar(sa.select(CancellationNotice).where(
        CancellationNotice.contract_id == contract.id,
        CancellationNotice.status.in_(NOTICE_OPEN)))


def notice_ending(contract: Contract) -> Ending | None:
    """The open notice of `contract` as the contracts page shows it (contracts.Ending)."""
    notice = open_notice(contract)
    if notice is None:
        return None
    billed = ((notice.billed_month_start, notice.billed_month_end)
              if notice.billed_month_start else None)
    return Ending(last_day=notice.last_day,
                  reason="provider_non_renewal" if notice.by_provider else "cancellation",
                  billed_month=billed, early_termination_fee=notice.early_termination_fee,
                  by_provider=notice.by_provider, clauses=notice.clause_list)


def pending_terms_change(today: date) -> TermsVersion | None:
    """The terms version that takes effect after `today`, if one is published (§17(4))."""
    return db.session.scalar(sa.select(TermsVersion).where(TermsVersion.effective_date > today)
                             .order_by(TermsVersion.effective_date))


@dataclass(frozen=True)
class CancellationOptions:
    """What the cancellation page offers on `today`: the earliest last day (§14(3)), the
    minimum-term end option without lump sum (§14(4)) and, while a terms change is pending,
    ending the day before it takes effect (§17(4))."""

    today: date
    earliest_last_day: date
    minimum_term: CancellationQuote | None
    terms_change: TermsVersion | None
    terms_change_quote: CancellationQuote | None
    clauses: tuple[str, ...] = field(default=("§14(3)",))


def _terms_change_quote(contract: Contract, today: date, version) -> CancellationQuote | None:
    """§17(4): ending on the day before the new terms take effect, without the 30-day notice
    of §14(3) and without the lump sum of §14(4); the month of the last day is billed in full
    and prepaid months are not refunded (§14(3), §8(4)). Reading in docs/decisions.md."""
    last_day = version.effective_date - ONE_DAY
    terms = contract.terms()
    if last_day < max(today, terms.start):
        return None
    standard = cancellation.quote(terms, last_day - timedelta(days=cancellation.NOTICE_DAYS),
                                  last_day)
    return CancellationQuote(
        notice_date=today, earliest_last_day=last_day, last_day=last_day,
        billed_month=standard.billed_month, prepaid_through=standard.prepaid_through,
        minimum_term_end=standard.minimum_term_end, early_termination_months=0,
        early_termination_fee=0, trial=False,
        clauses=tuple(c for c in standard.clauses if c != "§14(4)") + ("§17(4)",))


def cancellation_options(contract: Contract, today: date) -> CancellationOptions:
    """The options of a notice given on `today` (see CancellationOptions)."""
    terms = contract.terms()
    version = pending_terms_change(today)
    return CancellationOptions(
        today=today, earliest_last_day=cancellation.earliest_last_day(terms, today),
        minimum_term=cancellation.minimum_term_option(terms, today),
        terms_change=version,
        terms_change_quote=_terms_change_quote(contract, today, version) if version else None)


def check_cancellable(contract: Contract) -> None:
    """Refuse a notice for a trial (trial_no_notice §12(5)) or a contract not active
    (contract_not_active §14(3), which includes one with a notice already given)."""
    if contract.trial:
        raise LifecycleError("trial_no_notice", "§12(5)")
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§14(3)")


def agent_period_end(contract: Contract, today: date) -> date | None:
    """For an agent contract without a renewal application for its current period, the end
    of that period: the contract ends there by itself (§31(2)). None otherwise."""
    if contract.channel != "agent" or contract.trial:
        return None
    period = agent_period(contract, today)
    if renewal_application(contract, period.term_end) is not None:
        return None
    return period.term_end


def _check_agent_period(contract: Contract, today: date, last_day: date | None) -> None:
    """§31(2): an agent contract without a renewal application ends with its period anyway.
    A notice whose earliest last day is after that end is not needed (agent_period_ends);
    a last day after it is refused (after_period_end, field last_day)."""
    end = agent_period_end(contract, today)
    if end is None:
        return
    if cancellation.earliest_last_day(contract.terms(), today) > end:
        raise LifecycleError("agent_period_ends", "§31(2)", earliest=end)
    if last_day is not None and last_day > end:
        raise LifecycleError("after_period_end", "§31(2)", earliest=end, field="last_day")


@dataclass(frozen=True)
class CancellationPage:
    """What the cancellation page shows on `today`: its options, or the refusal when the
    contract cannot be cancelled; the bases offered ("chosen" always, "minimum_term" and
    "terms_change" when the options have them); and the contract's schedule."""

    options: CancellationOptions | None
    refusal: LifecycleError | None
    bases: tuple[str, ...]
    schedule: Schedule


def cancellation_page(contract: Contract, today: date) -> CancellationPage:
    """The cancellation page of `contract` on `today` (see CancellationPage)."""
    options = refusal = None
    try:
        check_cancellable(contract)
        _check_agent_period(contract, today, None)
        options = cancellation_options(contract, today)
    except LifecycleError as exc:
        refusal = exc
    bases = ["chosen"]
    if options and options.minimum_term:
        bases.append("minimum_term")
    if options and options.terms_change_quote:
        bases.append("terms_change")
    return CancellationPage(options=options, refusal=refusal, bases=tuple(bases),
                            schedule=contract_schedule(contract, today))


def cancellation_quote(contract: Contract, today: date, basis: str,
                       last_day: date | None) -> CancellationQuote:
    """The quote for a notice given `today` on `basis` ("chosen" with `last_day`,
    "minimum_term", "terms_change"). Errors: LifecycleError with the rule's code and clause
    (last_day_too_early §14(3), last_day_required, option_unavailable; for an agent contract
    without a renewal application agent_period_ends / after_period_end §31(2))."""
    check_cancellable(contract)
    _check_agent_period(contract, today, last_day if basis == "chosen" else None)
    if basis == "minimum_term":
        option = cancellation.minimum_term_option(contract.terms(), today)
        if option is None:
            raise LifecycleError("option_unavailable", "§14(4)", field="basis")
        return option
    if basis == "terms_change":
        version = pending_terms_change(today)
        option = _terms_change_quote(contract, today, version) if version else None
        if option is None:
            raise LifecycleError("option_unavailable", "§17(4)", field="basis")
        return option
    if last_day is None:
        raise LifecycleError("last_day_required", "§14(3)", field="last_day")
    try:
        return cancellation.quote(contract.terms(), today, last_day)
    except RuleError as exc:
        raise from_rule(exc, "last_day") from None


def _record_notice(contract: Contract, basis: str, quote: CancellationQuote, *, by: User,
                   today: date) -> CancellationNotice:
    if open_notice(contract) is not None:
        raise LifecycleError("notice_open", "§14(3)")
    notice = CancellationNotice(
        organization_id=contract.organization_id, contract=contract, basis=basis,
        notice_date=today, noticed_at=now_utc(), last_day=quote.last_day,
        billed_month_start=quote.billed_month[0] if quote.billed_month else None,
        billed_month_end=quote.billed_month[1] if quote.billed_month else None,
        minimum_term_end=quote.minimum_term_end,
        early_termination_months=quote.early_termination_months,
        early_termination_fee=quote.early_termination_fee, clauses=",".join(quote.clauses),
        given_by_id=by.id)
    db.session.add(notice)
    flush_unique(LifecycleError("notice_open", "§14(3)"))
    contract.status = "notice_given"
    db.session.flush()
    mail_admins(contract, "cancellation_received", "lifecycle_cancellation_received",
                notice=notice)
    return notice


def give_notice(contract: Contract, basis: str, last_day: date | None, *, by: User,
                today: date) -> CancellationNotice:
    """Record the cancellation notice (the written notice of §14(3)) with its quote, set the
    contract to "notice_given" and mail every customer admin (and the partner, §31(1)).

    The quote is computed here from `basis` and `last_day` on the server, whatever a page
    showed. Errors: as cancellation_quote; LifecycleError("notice_open") when a notice is
    open already.
    """
    quote = cancellation_quote(contract, today, basis, last_day)
    return _record_notice(contract, basis, quote, by=by, today=today)


def confirm_cancellation(contract: Contract, basis: str, last_day: date | None,
                         quoted_last_day: date | None, *, by: User,
                         today: date) -> CancellationNotice:
    """Step 2 of the cancellation page: give notice on the quote the page showed.

    The quote is computed once, again on the server, for `basis` and the quoted last day
    (`last_day` from the form when the page carried none). When the quote's last day is not
    the one shown (or none was shown) nothing is recorded:
    LifecycleError("quote_changed", "§14(3)", field="last_day"). Otherwise as give_notice.
    Errors: as cancellation_quote; quote_changed; notice_open.
    """
    quote = cancellation_quote(contract, today, basis, quoted_last_day or last_day)
    if quoted_last_day is None or quote.last_day != quoted_last_day:
        raise LifecycleError("quote_changed", "§14(3)", field="last_day")
    return _record_notice(contract, basis, quote, by=by, today=today)


@dataclass(frozen=True)
class CancellationStep:
    """The outcome of a POST of the cancellation page: the `quote` to show (step 1) or the
    `notice` recorded (step 2)."""

    quote: CancellationQuote | None = None
    notice: CancellationNotice | None = None


def cancellation_step(contract: Contract, step: str, basis: str, last_day: date | None,
                      quoted_last_day: date | None, *, by: User,
                      today: date) -> CancellationStep:
    """One POST of the two-step cancellation page: `step` "confirm" gives notice on the
    quoted last day (confirm_cancellation); any other step only quotes `basis` and `last_day`
    (cancellation_quote) and records nothing. Errors: as those two."""
    if step == "confirm":
        return CancellationStep(notice=confirm_cancellation(
            contract, basis, last_day, quoted_last_day, by=by, today=today))
    return CancellationStep(quote=cancellation_quote(contract, today, basis, last_day))


def withdraw_notice(notice: CancellationNotice, *, by: User) -> None:
    """Withdraw a notice staff have not confirmed; the contract is active again.
    Errors: LifecycleError("not_withdrawable", "§14(3)")."""
    require_status(notice, ("requested",), "not_withdrawable", "§14(3)")
    notice.status = "withdrawn"
    notice.withdrawn_at = now_utc()
    if notice.contract.status == "notice_given":
        notice.contract.status = "active"
    db.session.flush()
    mail_admins(notice.contract, "cancellation_withdrawn", "lifecycle_cancellation_withdrawn",
                notice=notice)


def confirm_notice(notice: CancellationNotice, *, by: User) -> None:
    """Staff confirm a notice; from then on it can no longer be withdrawn.
    Errors: LifecycleError("already_decided", "§14(3)")."""
    require_status(notice, ("requested",), "already_decided", "§14(3)")
    notice.status = "confirmed"
    notice.confirmed_by_id = by.id
    notice.confirmed_at = now_utc()
    db.session.flush()
    mail_admins(notice.contract, "cancellation_confirmed", "lifecycle_cancellation_confirmed",
                notice=notice)
