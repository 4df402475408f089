"""The end of a contract (§14(5), §12(5), §31(2)) and the deletion of registered data: the known
last day of use of a live contract, ending the contracts whose last day has passed, and — once
an organization has no live contract left — deleting its registered data through the files
area and recording that deletion.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.audit import record_event
from portal.contracts.models import LIVE_STATUSES, Contract
from portal.domain import ClientInfo
from portal.extensions import db
from portal.lifecycle.models import ContractEnd, DataDeletion
from portal.lifecycle.services.cancellation import open_notice
from portal.lifecycle.services.common import ONE_DAY, mail_admins, suspended_organization_ids
from portal.lifecycle.services.renewals import agent_period, renewal_application
from portal.sharing import services as sharing


def last_day(contract: Contract, today: date) -> tuple[date, str] | None:
    """The known last day of use of a live contract and why: an open cancellation notice, the
    trial end (§12(5)), or for an agent contract without a renewal application the end of its
    period (§31(2)). None when the contract simply renews."""
    notice = open_notice(contract)
    if notice is not None:
        return notice.last_day, ("provider_non_renewal" if notice.by_provider else "cancellation")
    if contract.trial:
        return contract.trial_end_date, "trial_end"
    if contract.channel == "agent" and contract.status == "active":
        period = agent_period(contract, today)
        if renewal_application(contract, period.term_end) is None:
            return period.term_end, "agent_period_end"
    return None


def end_contract(contract: Contract, last: date, reason: str) -> ContractEnd:
    """Mark the contract ended after `last` and record it; completes an open notice."""
    contract.status = "ended"
    notice = open_notice(contract)
    if notice is not None:
        notice.status = "completed"
    row = ContractEnd(organization_id=contract.organization_id, contract=contract,
                      last_day=last, reason=reason)
    db.session.add(row)
    db.session.flush()
    mail_admins(contract, "contract_ended", "lifecycle_contract_ended", end=row)
    return row


def end_contracts(day: date) -> int:
    """End every live contract whose last day is before `day` (the day after the last day of
    use): cancellation notices (§14(3)), trials (§12(5)), agent periods without a renewal
    application (§31(2)). Idempotent: an ended contract is no longer live."""
    ended = 0
    live = db.session.scalars(sa.select(Contract).where(Contract.status.in_(LIVE_STATUSES))
                              .order_by(Contract.id)).all()
    for contract in live:
        if day <= contract.start_date:
            continue
        known = last_day(contract, day - ONE_DAY)
        if known is not None and known[0] < day:
            end_contract(contract, known[0], known[1])
            ended += 1
    return ended


def delete_registered_data(organization_id: int) -> str:
    """THE CALL POINT of §14(5): delete the organization's registered data (deliveries, files,
    the links' access logs; guest links become tombstones) through the files area's service.
    Rows go in the current transaction, the stored files after it commits. Returns the
    recorded summary; nothing else (accounts, invoices, audit logs) is touched here."""
    return f"deleted: {sharing.delete_registered_data(organization_id)}"


def delete_data_of_ended_organizations(day: date) -> int:
    """Delete the registered data of organizations whose last contract has ended and record
    it (DataDeletion + an audit event), once per contract end. Idempotent. A suspended
    organization's data is kept until it is resumed (a suspension deletes nothing)."""
    live_orgs = sa.select(Contract.organization_id).where(Contract.status.in_(LIVE_STATUSES))
    # The latest end of each organization that has no live contract and no deletion for it.
    rows = db.session.scalars(
        sa.select(ContractEnd)
        .where(ContractEnd.organization_id.not_in(live_orgs))
        .where(ContractEnd.organization_id.not_in(suspended_organization_ids()))
        .where(~sa.exists().where(DataDeletion.contract_end_id == ContractEnd.id))
        .order_by(ContractEnd.organization_id, ContractEnd.id.desc())).all()
    done: set[int] = set()
    for end in rows:
        if end.organization_id in done:
            continue
        done.add(end.organization_id)
        already = db.session.scalar(sa.select(DataDeletion.id).join(
            ContractEnd, ContractEnd.id == DataDeletion.contract_end_id).where(
            DataDeletion.organization_id == end.organization_id, ContractEnd.id > end.id))
        if already:
            continue
        summary = delete_registered_data(end.organization_id)
        db.session.add(DataDeletion(organization_id=end.organization_id, contract_end_id=end.id,
                                    day=day, summary=summary[:500]))
        record_event("registered_data_deleted", ClientInfo(user_agent="flask portal tick"),
                     organization_id=end.organization_id, contract_end_id=end.id,
                     day=day.isoformat(), clause="§14(5)", summary=summary[:200])
    db.session.flush()
    return len(done)
