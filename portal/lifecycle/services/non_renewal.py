"""The provider's non-renewal notice (§5(5)): staff give notice that a contract will not renew
after the end of one of its terms, at least 30 days before that end (checked by
`rules.renewal.check_provider_non_renewal`). It is kept as a cancellation notice with basis
"provider", already confirmed (the customer cannot withdraw the provider's notice), so the
contract pages, the staff queue and the daily end of contracts treat it like any notice; the
customer's admins (and the partner, §31(1)) are mailed.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.models import Contract
from portal.contracts.services import contract_schedule
from portal.extensions import db
from portal.pagination import Page
from portal.lifecycle.models import CancellationNotice
from portal.lifecycle.services.cancellation import open_notice
from portal.lifecycle.services.common import LifecycleError, flush_unique, from_rule, mail_admins
from portal.lifecycle.services.state import organizations
from portal.rules import RuleError, cancellation, renewal


def earliest_non_renewal_end(contract: Contract, today: date) -> date | None:
    """The first term end the provider's notice given `today` can still stop (§5(5)), or
    None for a trial, an agent contract (§31(2)) or a contract that is not in force."""
    if contract.trial or contract.channel == "agent" or contract.status != "active":
        return None
    return renewal.earliest_provider_non_renewal(contract.terms(), today)


def give_non_renewal_notice(contract: Contract, term_end: date, reason: str, *, by: User,
                            today: date) -> CancellationNotice:
    """Staff give the provider's notice that `contract` ends on `term_end` (§5(5)).

    Result: the confirmed CancellationNotice (basis "provider"); the contract is then
    "notice_given" and ends after `term_end`; every customer admin is mailed.
    Errors (LifecycleError): contract_not_active; trial_has_no_renewal (§12(5));
    agent_no_auto_renewal (§31(2)); not_a_term_end / provider_notice_too_late (§5(5), with the
    earliest allowed term end) on field "term_end"; notice_open.
    """
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§5(5)", field="term_end")
    terms = contract.terms()
    try:
        renewal.check_provider_non_renewal(terms, today, term_end)
    except RuleError as exc:
        raise from_rule(exc, "term_end") from None
    if open_notice(contract) is not None:
        raise LifecycleError("notice_open", "§14(3)", field="term_end")
    # The last month is billed in full as with any end (§14(3)); a term end is never inside
    # the minimum term, so there is no lump sum.
    quote = cancellation.quote(terms, term_end - timedelta(days=cancellation.NOTICE_DAYS),
                               term_end)
    now = now_utc()
    notice = CancellationNotice(
        organization_id=contract.organization_id, contract=contract, basis="provider",
        notice_date=today, noticed_at=now, last_day=term_end,
        billed_month_start=quote.billed_month[0], billed_month_end=quote.billed_month[1],
        minimum_term_end=quote.minimum_term_end, early_termination_months=0,
        early_termination_fee=0, clauses="§5(5)", status="confirmed", given_by_id=by.id,
        confirmed_by_id=by.id, confirmed_at=now, reason=(reason or "").strip()[:1000])
    db.session.add(notice)
    flush_unique(LifecycleError("notice_open", "§14(3)", field="term_end"))
    contract.status = "notice_given"
    db.session.flush()
    mail_admins(contract, "provider_non_renewal", "lifecycle_provider_non_renewal",
                notice=notice)
    return notice


def renewing_contracts_page(today: date, page: int, per_page: int = 50,
                            ) -> tuple[Page, dict]:
    """The contracts that renew by themselves (§5(5): in force, paid, not through an agent),
    by id: one page of (contract, schedule on `today`) and their organizations by id; the staff's
    entry point to the non-renewal notice. A fixed number of statements per page."""
    where = (Contract.status == "active", Contract.trial.is_(False), Contract.channel != "agent")
    total = db.session.scalar(sa.select(sa.func.count(Contract.id)).where(*where)) or 0
    rows = db.session.scalars(
        sa.select(Contract).where(*where)
        .options(selectinload(Contract.plan), selectinload(Contract.service))
        .order_by(Contract.id).limit(per_page).offset((page - 1) * per_page)).all()
    items = [(c, contract_schedule(c, today)) for c in rows]
    return Page(page=page, per_page=per_page, total=total, items=items), organizations(rows)
