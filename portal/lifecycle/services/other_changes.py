"""Other changes of the application (§14(1)): adding a service, changing a contract's billing
period. They follow the plan-change mechanism (`plan_changes`): the same 10-day lead time
(`rules.plan_change.check_desired_date`), the same staff decision (agree an effective date or
refuse with a reason, `common.refuse_request`), mails to the admins with the partner's copy
(`common.mail_admins`, §31(1)), the daily job applying the change on the agreed day. Quotas
come with the plan and the price list has no options, so those changes are plan changes
(docs/decisions.md).

An added service becomes a new contract on the effective date through
`contracts.services.add_contract` (the usage start is the effective date; its 起算日 follows
the price list, §5(4)); a new billing period applies from a 月度 where both periods meet
(`rules.changes`), and billing reads the agreed change to group the months.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.clock import now_utc
from portal.contracts import services as contract_services
from portal.contracts.models import LIVE_STATUSES, Contract, Plan, Service
from portal.extensions import db
from portal.lifecycle.models import CHANGE_OPEN, ChangeRequest
from portal.lifecycle.services.common import (
    LifecycleError, flush_unique, from_rule, mail_admins, partner_contact, refuse_request,
    require_status, set_partner_contact,
)
from portal.rules import RuleError, changes, plan_change
from portal.web import external_url

REPEAT_WINDOW = timedelta(seconds=60)
"""The same request posted again within this window is the first one (a double submit)."""


def _live(organization_id: int) -> list[Contract]:
    return list(db.session.scalars(sa.select(Contract).where(
        Contract.organization_id == organization_id, Contract.status.in_(LIVE_STATUSES))
        .options(selectinload(Contract.service), selectinload(Contract.plan))
        .order_by(Contract.id)))


def reference_contract(organization_id: int) -> Contract | None:
    """The organization's newest active paid contract: an added service goes through its
    channel and partner (§31), and its partner contact gets the copies (§31(1))."""
    paid = changeable_contracts(organization_id)
    return paid[-1] if paid else None


def changeable_contracts(organization_id: int) -> list[Contract]:
    """The organization's active paid contracts: those whose billing period can change."""
    return [c for c in _live(organization_id) if c.status == "active" and not c.trial]


def earliest_change_date(today: date) -> date:
    """The earliest desired date of a change requested `today` (§14(1): 10 days later)."""
    return plan_change.earliest_desired_date(today)


def addable_plans(organization_id: int) -> list[Plan]:
    """Plans on sale of the services the organization has no live contract for."""
    taken = {c.service_id for c in _live(organization_id)}
    services = db.session.scalars(sa.select(Service).options(selectinload(Service.plans))
                                  .order_by(Service.sort_order, Service.id)).all()
    return [p for s in services if s.id not in taken for p in s.plans if p.active]


@dataclass(frozen=True)
class AddServicePage:
    """The add-a-service page on `today`: the plans to choose, the earliest desired date
    (§14(1)), the contract whose channel the new one takes, and why nothing can be filed."""

    plans: list[Plan]
    earliest: date
    reference: Contract | None

    def plan(self, plan_id: int | None) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)


def add_service_page(organization_id: int, today: date) -> AddServicePage:
    return AddServicePage(plans=addable_plans(organization_id),
                          earliest=plan_change.earliest_desired_date(today),
                          reference=reference_contract(organization_id))


def _check_lead(today: date, desired: date | None) -> None:
    if desired is None:
        raise LifecycleError("desired_date_too_early", "§14(1)", field="desired_date",
                             earliest=plan_change.earliest_desired_date(today))
    try:
        plan_change.check_desired_date(today, desired)
    except RuleError as exc:
        raise from_rule(exc, "desired_date") from None


def _repeat(**match) -> ChangeRequest | None:
    """An identical open request made within REPEAT_WINDOW (a double submit), if any."""
    return db.session.scalar(sa.select(ChangeRequest).filter_by(**match).where(
        ChangeRequest.status == "requested",
        ChangeRequest.requested_at >= now_utc() - REPEAT_WINDOW))


def _mail(req: ChangeRequest, event: str, contract: Contract | None = None) -> None:
    contract = contract or req.contract or reference_contract(req.organization_id)
    if contract is not None:
        mail_admins(contract, f"change_{event}", "lifecycle_change", change=req, event=event,
                    contract_url=external_url("lifecycle.changes"))


def request_add_service(organization_id: int, plan: Plan | None, billing_period: int | None,
                        desired: date | None, *, by, today: date) -> ChangeRequest:
    """Record a request to add a service (§14(1)) and mail the admins.

    Checks: the organization has an active paid contract (a trial has no §14, §12(5)); a plan
    of a service it has no live contract for; a billing period the plan allows (§5(5)); the
    Japan-only rule for PRus (§31(5)); desired ≥ today + 10 days (§14(1)); no open request
    for that service. The same request posted twice within a minute returns the first.
    Errors: LifecycleError no_paid_contract, service_plan_invalid, period_invalid,
    desired_date_too_early, change_open; ContractError japan_only.
    """
    reference = reference_contract(organization_id)
    if reference is None:
        raise LifecycleError("no_paid_contract", "§14(1)", field="plan_id")
    if plan is None or plan not in addable_plans(organization_id):
        raise LifecycleError("service_plan_invalid", "§14(1)", field="plan_id")
    if billing_period not in plan.allowed_billing_periods:
        raise LifecycleError("period_invalid", "§5(5)", field="billing_period_months")
    _check_lead(today, desired)
    try:
        contract_services.check_service_allowed(
            plan.service, contract_services.organization_residency(organization_id))
    except contract_services.ContractError as exc:
        exc.field = "plan_id"  # the §31(5) refusal belongs to the chosen service
        raise
    same = _repeat(organization_id=organization_id, kind="add_service", plan_id=plan.id,
                   billing_period_months=billing_period, desired_date=desired)
    if same is not None:
        return same
    req = ChangeRequest(organization_id=organization_id, kind="add_service",
                        service_id=plan.service_id, plan_id=plan.id, plan=plan,
                        billing_period_months=billing_period, request_date=today,
                        desired_date=desired, requested_by_id=by.id)
    db.session.add(req)
    flush_unique(LifecycleError("change_open", "§14(1)", field="plan_id"))
    _mail(req, "requested", reference)
    return req


@dataclass(frozen=True)
class PeriodOption:
    """A billing period the contract can move to, and the first day it could apply for a
    request made today (§14(1) lead, then the next 月度 where both periods meet, §5(5))."""

    months: int
    first_day: date


def billing_period_options(contract: Contract, today: date) -> list[PeriodOption]:
    """The other billing periods the plan allows, each with its first possible day."""
    if contract.trial or contract.status != "active":
        return []
    earliest = plan_change.earliest_desired_date(today)
    return [PeriodOption(n, changes.billing_period_effective_date(contract.terms(), n, earliest))
            for n in contract.plan.allowed_billing_periods if n != contract.billing_period_months]


def request_billing_period(contract: Contract, months: int | None, desired: date | None, *,
                           by, today: date) -> ChangeRequest:
    """Record a request to change the contract's billing period (§14(1)) and mail the admins.

    Checks: an active paid contract (§12(5) trial, §14(1) under notice), a period the plan
    allows other than the current one (§5(5)), desired ≥ today + 10 days (§14(1)), no open
    request for the contract. The effective date staff will agree is a 月度 boundary where both
    periods meet (`rules.changes`). A repeat within a minute returns the first request.
    Errors: LifecycleError trial_no_plan_change, contract_not_active, period_invalid,
    desired_date_too_early, change_open.
    """
    if contract.trial:
        raise LifecycleError("trial_no_plan_change", "§12(5)")
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§14(1)")
    if months not in [o.months for o in billing_period_options(contract, today)]:
        raise LifecycleError("period_invalid", "§5(5)", field="billing_period_months")
    _check_lead(today, desired)
    same = _repeat(contract_id=contract.id, kind="billing_period", billing_period_months=months,
                   desired_date=desired)
    if same is not None:
        return same
    req = ChangeRequest(organization_id=contract.organization_id, kind="billing_period",
                        contract=contract, from_period=contract.billing_period_months,
                        billing_period_months=months, request_date=today, desired_date=desired,
                        requested_by_id=by.id)
    db.session.add(req)
    flush_unique(LifecycleError("change_open", "§14(1)", field="billing_period_months"))
    _mail(req, "requested")
    return req


def default_effective_date(req: ChangeRequest) -> date:
    """The effective date staff are offered: the desired date, or for a billing period the
    first 月度 on or after it where both periods meet."""
    if req.kind == "billing_period":
        return changes.billing_period_effective_date(
            _terms_before(req), req.billing_period_months, req.desired_date)
    return req.desired_date


def _terms_before(req: ChangeRequest):
    return replace(req.contract.terms(), billing_period_months=req.from_period)


def agree_change(req: ChangeRequest, effective: date, *, by, today: date) -> None:
    """Staff agree the effective date (§14(1) 「合意のもと決定」; not held to the 10 days) and
    the admins are mailed. Errors: already_decided; effective_in_past (before today or the
    request); period_boundary (§5(5)) for a billing period not starting a 月度 where both
    periods meet."""
    require_status(req, ("requested",), "already_decided", "§14(1)")
    if effective < max(today, req.request_date):
        raise LifecycleError("effective_in_past", "§14(1)", earliest=max(today, req.request_date),
                             field="effective_date")
    if req.kind == "billing_period":
        try:
            changes.check_billing_period_effective(_terms_before(req), req.billing_period_months,
                                                   effective)
        except RuleError as exc:
            raise from_rule(exc, "effective_date") from None
    req.status = "agreed"
    req.effective_date = effective
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    db.session.flush()
    _mail(req, "agreed")


def refuse_change(req: ChangeRequest, reason: str, *, by) -> None:
    """Staff refuse with a reason; the admins are mailed. Errors: already_decided, reason_required."""
    refuse_request(req, reason, by=by, clause="§14(1)")
    _mail(req, "refused")


def withdraw_change(req: ChangeRequest, *, by) -> None:
    """Withdraw a request staff have not decided yet. Errors: not_withdrawable."""
    require_status(req, ("requested",), "not_withdrawable", "§14(1)")
    req.status = "withdrawn"
    req.withdrawn_at = now_utc()
    db.session.flush()


def _apply(req: ChangeRequest) -> None:
    if req.kind == "billing_period":
        if req.contract.is_live:
            req.contract.billing_period_months = req.billing_period_months
        return
    reference = reference_contract(req.organization_id)
    with db.session.begin_nested():
        contract = contract_services.add_contract(
            req.organization_id, req.plan, usage_start=req.effective_date,
            billing_period_months=req.billing_period_months,
            channel=reference.channel if reference else "direct",
            partner_name=reference.partner_name if reference else "")
    if reference is not None and partner_contact(reference):
        set_partner_contact(contract, partner_contact(reference))
    req.result_contract_id = contract.id


def apply_changes(day: date) -> int:
    """Apply the agreed changes due on `day` (or, catching up, before): a new contract for an
    added service from its effective date, a contract's new billing period. A change that can
    no longer be applied (the service was added another way, the plan left the price list,
    PRus outside Japan) is marked failed with the reason and the admins are told.
    Idempotent: an applied or failed request is no longer "agreed". Returns how many applied."""
    due = db.session.scalars(sa.select(ChangeRequest).where(
        ChangeRequest.status == "agreed", ChangeRequest.effective_date <= day)
        .order_by(ChangeRequest.id)).all()
    applied = 0
    for req in due:
        try:
            _apply(req)
        except contract_services.ContractError as exc:
            req.status, req.refusal_reason = "failed", exc.message
            _mail(req, "failed")
            continue
        req.status, req.applied_at = "applied", now_utc()
        applied += 1
        _mail(req, "applied", db.session.get(Contract, req.result_contract_id)
              if req.result_contract_id else None)
    db.session.flush()
    return applied


def changes_count() -> sa.Select:
    """Change requests waiting for a staff decision: the console's count."""
    return sa.select(sa.func.count(ChangeRequest.id)).where(ChangeRequest.status == "requested")


def _listing(stmt, page: int, per_page: int):
    return db.paginate(stmt.options(selectinload(ChangeRequest.organization),
                                    selectinload(ChangeRequest.plan).selectinload(Plan.service),
                                    selectinload(ChangeRequest.contract)
                                    .selectinload(Contract.service),
                                    selectinload(ChangeRequest.contract)
                                    .selectinload(Contract.plan))
                       .order_by(ChangeRequest.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def organization_changes(organization_id: int, page: int, per_page: int = 20):
    """The organization's change requests, newest first (paginated, a fixed number of queries)."""
    return _listing(sa.select(ChangeRequest).where(
        ChangeRequest.organization_id == organization_id), page, per_page)


def staff_changes(page: int, per_page: int = 50):
    """Open change requests of every organization, newest first (paginated)."""
    return _listing(sa.select(ChangeRequest).where(ChangeRequest.status.in_(CHANGE_OPEN)),
                    page, per_page)
