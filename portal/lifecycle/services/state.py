"""What the lifecycle pages show, read in one place: the state of one contract (its schedule,
open requests and notices, the agent period and the known last day) for the customer's
lifecycle page, and the staff queues of open requests with their organizations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organization
from portal.contracts.models import Contract
from portal.contracts.services import Schedule, contract_schedule
from portal.extensions import db
from portal.lifecycle.models import (
    CancellationNotice, PlanChangeRequest, RenewalApplication, TrialConversionRequest,
)
from portal.lifecycle.services.cancellation import open_notice
from portal.lifecycle.services.contract_end import last_day
from portal.lifecycle.services.plan_changes import first_billed_month, open_plan_change
from portal.lifecycle.services.renewals import agent_period, renewal_application
from portal.lifecycle.services.trials import open_conversion
from portal.rules import renewal


@dataclass(frozen=True)
class ContractState:
    """Everything the lifecycle page of one contract shows."""

    contract: Contract
    schedule: Schedule
    plan_change: PlanChangeRequest | None
    notice: CancellationNotice | None
    conversion: TrialConversionRequest | None
    agent: renewal.Renewal | None
    agent_application: RenewalApplication | None
    last_day: tuple[date, str] | None
    plan_change_first_month: tuple[date, date] | None = None
    plan_changes: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def contract_state(contract: Contract, today: date) -> ContractState:
    """The lifecycle page of `contract` on `today`: its schedule, the open plan change (with
    its first billing month at the new fee, §14(2)), notice and conversion request, for a
    live agent contract the current period and its application (§31(2)), the known last day
    of use, and the last ten plan changes and notices."""
    agent = app = None
    if contract.channel == "agent" and not contract.trial and contract.is_live:
        agent = agent_period(contract, today)
        app = renewal_application(contract, agent.term_end)
    history = db.session.scalars(sa.select(PlanChangeRequest).where(
        PlanChangeRequest.contract_id == contract.id).order_by(PlanChangeRequest.id.desc())
        .limit(10)).all()
    notices = db.session.scalars(sa.select(CancellationNotice).where(
        CancellationNotice.contract_id == contract.id).order_by(CancellationNotice.id.desc())
        .limit(10)).all()
    open_change = open_plan_change(contract)
    return ContractState(
        contract=contract, schedule=contract_schedule(contract, today),
        plan_change=open_change,
        plan_change_first_month=first_billed_month(open_change) if open_change else None,
        notice=open_notice(contract),
        conversion=open_conversion(contract), agent=agent, agent_application=app,
        last_day=last_day(contract, today) if contract.is_live else None,
        plan_changes=list(history), notices=list(notices))


@dataclass(frozen=True)
class StaffQueue:
    """The staff queue on `today`: plan changes requested or agreed, notices requested or
    confirmed, agent renewal applications for periods not yet over, conversion requests
    waiting, and the organizations of all of them by id."""

    plan_changes: list[PlanChangeRequest]
    notices: list[CancellationNotice]
    applications: list[RenewalApplication]
    conversions: list[TrialConversionRequest]
    orgs: dict[int, Organization]


def organizations(rows) -> dict[int, Organization]:
    """The organizations of `rows` (anything with an organization_id), by id, in one query."""
    ids = {r.organization_id for r in rows}
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(
        sa.select(Organization).where(Organization.id.in_(ids)))}


def staff_queue(today: date) -> StaffQueue:
    """The open work of the lifecycle for staff (see StaffQueue), each list with its contracts
    and services loaded up front."""
    with_contract = selectinload(PlanChangeRequest.contract).selectinload(Contract.service)
    plan_changes = db.session.scalars(
        sa.select(PlanChangeRequest).where(PlanChangeRequest.status.in_(("requested", "agreed")))
        .options(with_contract, selectinload(PlanChangeRequest.from_plan),
                 selectinload(PlanChangeRequest.to_plan))
        .order_by(PlanChangeRequest.requested_at)).all()
    notices = db.session.scalars(
        sa.select(CancellationNotice)
        .where(CancellationNotice.status.in_(("requested", "confirmed")))
        .options(selectinload(CancellationNotice.contract).selectinload(Contract.service))
        .order_by(CancellationNotice.last_day)).all()
    applications = db.session.scalars(
        sa.select(RenewalApplication).where(RenewalApplication.period_end >= today)
        .options(selectinload(RenewalApplication.contract).selectinload(Contract.service))
        .order_by(RenewalApplication.period_end)).all()
    conversions = db.session.scalars(
        sa.select(TrialConversionRequest).where(TrialConversionRequest.status == "requested")
        .options(selectinload(TrialConversionRequest.contract).selectinload(Contract.service))
        .order_by(TrialConversionRequest.requested_at)).all()
    return StaffQueue(plan_changes=list(plan_changes), notices=list(notices),
                      applications=list(applications), conversions=list(conversions),
                      orgs=organizations([*plan_changes, *notices, *applications, *conversions]))


def _count(model, *conditions) -> sa.Select:
    return sa.select(sa.func.count(model.id)).where(*conditions)


def plan_changes_count() -> sa.Select:
    """Plan change requests waiting for staff (§14(1)): the console's count."""
    return _count(PlanChangeRequest, PlanChangeRequest.status == "requested")


def cancellations_count() -> sa.Select:
    """Cancellation notices not yet confirmed by staff (§14(3)): the console's count."""
    return _count(CancellationNotice, CancellationNotice.status == "requested")


def conversions_count() -> sa.Select:
    """Trial conversion requests waiting for staff (§12(5)): the console's count."""
    return _count(TrialConversionRequest, TrialConversionRequest.status == "requested")


def renewal_applications_count(today: date) -> sa.Select:
    """Agent renewal applications for periods not yet ended (§31(2)): the console's count."""
    return _count(RenewalApplication, RenewalApplication.period_end >= today)
