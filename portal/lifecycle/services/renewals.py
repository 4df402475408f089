"""Renewals (§5(5)) and agent renewal applications (§31(2)): a contract's term renews by
itself unless it ends; an agent contract renews its 6-month period only when a renewal
application (更新申込) was filed for it. The daily job records each renewal once.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.models import User
from portal.contracts.models import Contract
from portal.extensions import db
from portal.lifecycle.models import ContractRenewal, RenewalApplication
from portal.lifecycle.services.common import ONE_DAY, LifecycleError, flush_unique, mail_admins
from portal.rules import renewal


def agent_period(contract: Contract, today: date) -> renewal.Renewal:
    """The agent contract's current 6-month period and its application deadline (§31(2))."""
    return renewal.next_renewal(contract.terms(), max(today, contract.start_date))


def renewal_application(contract: Contract, period_end: date) -> RenewalApplication | None:
    """The renewal application filed for the period ending on `period_end`, if any."""
    return db.session.scalar(sa.select(RenewalApplication).where(
        RenewalApplication.contract_id == contract.id,
        RenewalApplication.period_end == period_end))


def apply_for_renewal(contract: Contract, *, by: User, today: date) -> RenewalApplication:
    """File the renewal application (更新申込) for the current 6-month period (§31(2)).

    Errors: not_agent, contract_not_active, renewal_already_applied.
    """
    if contract.channel != "agent" or contract.trial:
        raise LifecycleError("not_agent", "§31(2)")
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§31(2)")
    period = agent_period(contract, today)
    if renewal_application(contract, period.term_end) is not None:
        raise LifecycleError("renewal_already_applied", "§31(2)")
    row = RenewalApplication(organization_id=contract.organization_id, contract=contract,
                             period_end=period.term_end, applied_by_id=by.id)
    db.session.add(row)
    flush_unique(LifecycleError("renewal_already_applied", "§31(2)"))
    mail_admins(contract, "renewal_applied", "lifecycle_renewal_applied", application=row,
                period=period)
    return row


def _ended_periods(contract: Contract, day: date) -> renewal.Renewal | None:
    """The renewal taking effect on `day` (the previous term ended yesterday), or None."""
    yesterday = day - ONE_DAY
    if contract.trial or yesterday < contract.start_date:
        return None
    upcoming = renewal.next_renewal(contract.terms(), yesterday)
    return upcoming if upcoming.renews_on == day else None


def apply_renewals(day: date) -> int:
    """Record the renewal of every live contract whose term ended yesterday and that did not
    end (§5(5)); agent contracts renew only on a renewal application (§31(2)) — those without
    one were ended by `end_contracts`. Idempotent (unique contract + day)."""
    count = 0
    live = db.session.scalars(sa.select(Contract).where(
        Contract.status.in_(("active", "notice_given", "suspended")),
        Contract.trial.is_(False))).all()
    for contract in live:
        upcoming = _ended_periods(contract, day)
        if upcoming is None:
            continue
        exists = db.session.scalar(sa.select(ContractRenewal.id).where(
            ContractRenewal.contract_id == contract.id, ContractRenewal.renewed_on == day))
        if exists:
            continue
        db.session.add(ContractRenewal(contract_id=contract.id, renewed_on=day,
                                       term_end=upcoming.renewal_term[1]))
        count += 1
    db.session.flush()
    return count
