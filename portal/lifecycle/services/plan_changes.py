"""Plan changes (§14(1)(2)): a customer admin requests another plan of the same service for a
desired date at least 10 days ahead, staff agree an effective date or refuse with a reason,
and the daily job moves the contract on the agreed day. The fee's first billing month at the
new plan comes from `portal.rules.plan_change`; the quotas of the new plan must fit the
organization's usage (§9(1)).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts import quotas
from portal.contracts.models import LIVE_STATUSES, Contract, Plan
from portal.extensions import db
from portal.lifecycle.models import PLAN_CHANGE_OPEN, PlanChangeRequest
from portal.lifecycle.services.common import (
    LifecycleError, flush_unique, from_rule, mail_admins, refuse_request, require_status,
)
from portal.rules import RuleError, plan_change


def open_plan_change(contract: Contract) -> PlanChangeRequest | None:
    """The contract's request that is still waiting or agreed but not applied, if any."""
    return db.session.scalar(sa.select(PlanChangeRequest).where(
        PlanChangeRequest.contract_id == contract.id,
        PlanChangeRequest.status.in_(PLAN_CHANGE_OPEN)))


def plan_choices(contract: Contract) -> list[Plan]:
    """The other plans on sale for the contract's service."""
    return [p for p in contract.service.plans if p.active and p.id != contract.plan_id]


@dataclass(frozen=True)
class PlanChangePage:
    """What the plan change page shows on `today`: the plans to choose from, the earliest
    desired date (§14(1)), for each plan the first billing month at its fee for that date
    (§14(2); only for an active paid contract) and the request already open, if any."""

    plans: list[Plan]
    earliest: date
    first_months: list[tuple[Plan, tuple[date, date]]]
    open_request: PlanChangeRequest | None

    def plan(self, plan_id: int | None) -> Plan | None:
        """The chosen plan among `plans`, or None for an id that is not offered."""
        return next((p for p in self.plans if p.id == plan_id), None)


def plan_change_page(contract: Contract, today: date) -> PlanChangePage:
    """The plan change page of `contract` on `today` (see PlanChangePage)."""
    plans = plan_choices(contract)
    earliest = plan_change.earliest_desired_date(today)
    first_months = []
    if contract.status == "active" and not contract.trial:
        first_months = [(p, plan_change.first_billed_month(
            contract.terms(), earliest, contract.plan.monthly_fee, p.monthly_fee)) for p in plans]
    return PlanChangePage(plans=plans, earliest=earliest, first_months=first_months,
                          open_request=open_plan_change(contract))


def _check_changeable(contract: Contract) -> None:
    if contract.trial:
        raise LifecycleError("trial_no_plan_change", "§12(5)")
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§14(1)")


def check_quotas_fit(contract: Contract, plan: Plan) -> None:
    """Refuse a plan whose quotas the organization's current usage exceeds (§9(1)).

    The organization's limit after the change is the largest among its other live contracts
    and the new plan (portal.contracts.quotas reads limits that way).
    Errors: LifecycleError("quota_exceeded", "§9(1)", quota=…, limit=…, usage=…).
    """
    others = db.session.scalars(
        sa.select(Plan).join(Contract, Contract.plan_id == Plan.id).where(
            Contract.organization_id == contract.organization_id,
            Contract.status.in_(LIVE_STATUSES), Contract.id != contract.id)).all()
    for kind in quotas.KINDS:
        limit = max([plan.quota(kind)] + [p.quota(kind) for p in others])
        usage = quotas.current_usage(contract.organization_id, kind)
        if usage > limit:
            raise LifecycleError(
                "quota_exceeded", "§9(1)", field="plan_id", quota=quotas.quota_label(kind),
                limit=quotas.format_quota(kind, limit), usage=quotas.format_quota(kind, usage),
                plan=plan.name)


def plan_change_quote(contract: Contract, plan: Plan, request_date: date, desired: date,
                      effective: date | None = None) -> plan_change.PlanChangeQuote:
    """The rules' quote for moving `contract` to `plan` (§14(1)(2)).
    Errors: LifecycleError from the RuleError (desired_date_too_early §14(1), …)."""
    try:
        return plan_change.plan_change_quote(contract.terms(), request_date, desired,
                                             contract.plan.monthly_fee, plan.monthly_fee,
                                             effective_date=effective)
    except RuleError as exc:
        raise from_rule(exc, "effective_date" if effective else "desired_date") from None


def request_plan_change(contract: Contract, plan: Plan | None, desired: date, *, by: User,
                        today: date) -> PlanChangeRequest:
    """Record a customer admin's plan change request and mail the admins.

    Checks: a plan was chosen (None → plan_invalid), the contract is active and not a trial,
    the plan is another plan on sale of the same service allowing the contract's billing
    period, the desired date is at least 10 days after `today` (§14(1)), the usage fits the
    new quotas (§9(1)), and no request is open.
    Errors: LifecycleError (plan_invalid, billing_period, desired_date_too_early,
    quota_exceeded, plan_change_open, …).
    """
    if plan is None:
        raise LifecycleError("plan_invalid", "§14(1)", field="plan_id")
    _check_changeable(contract)
    if plan not in plan_choices(contract):
        raise LifecycleError("plan_invalid", "§14(1)", field="plan_id")
    if contract.billing_period_months not in plan.allowed_billing_periods:
        raise LifecycleError("billing_period", "§5(5)", field="plan_id")
    quote = plan_change_quote(contract, plan, today, desired)
    check_quotas_fit(contract, plan)
    if open_plan_change(contract) is not None:
        raise LifecycleError("plan_change_open", "§14(1)")
    req = PlanChangeRequest(
        organization_id=contract.organization_id, contract=contract,
        from_plan_id=contract.plan_id, to_plan_id=plan.id, request_date=today,
        desired_date=desired, requested_by_id=by.id)
    db.session.add(req)
    flush_unique(LifecycleError("plan_change_open", "§14(1)"))
    mail_admins(contract, "plan_change_requested", "lifecycle_plan_change_requested",
                change=req, plan=plan, quote=quote)
    return req


def withdraw_plan_change(req: PlanChangeRequest, *, by: User) -> None:
    """Withdraw a request staff have not decided yet. Errors: LifecycleError("not_withdrawable")."""
    require_status(req, ("requested",), "not_withdrawable", "§14(1)")
    req.status = "withdrawn"
    req.withdrawn_at = now_utc()
    db.session.flush()


def agree_plan_change(req: PlanChangeRequest, effective: date, *, by: User, today: date) -> None:
    """Staff agree the effective date (§14(1) 「合意のもと決定」) and the admins are mailed.

    Errors: LifecycleError("already_decided") for a request not waiting; the rule errors of
    plan_change_quote (effective_before_request §14(1)); LifecycleError("effective_in_past")
    for a date before `today` (the daily job could no longer apply it on that day).
    """
    require_status(req, ("requested",), "already_decided", "§14(1)")
    if effective < today:
        raise LifecycleError("effective_in_past", "§14(1)", earliest=today, field="effective_date")
    quote = plan_change_quote(req.contract, req.to_plan, req.request_date, req.desired_date,
                              effective)
    req.status = "agreed"
    req.effective_date = effective
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    db.session.flush()
    mail_admins(req.contract, "plan_change_agreed", "lifecycle_plan_change_agreed",
                change=req, plan=req.to_plan, quote=quote)


def refuse_plan_change(req: PlanChangeRequest, reason: str, *, by: User) -> None:
    """Staff refuse with a reason; the admins are mailed. Errors: already_decided, reason_required."""
    refuse_request(req, reason, by=by, clause="§14(1)")
    mail_admins(req.contract, "plan_change_refused", "lifecycle_plan_change_refused",
                change=req, plan=req.to_plan)


def apply_plan_changes(day: date) -> int:
    """Move contracts to their new plan on (or, catching up, after) the agreed effective date.
    Idempotent: an applied request is no longer "agreed". Returns the number applied."""
    due = db.session.scalars(sa.select(PlanChangeRequest).where(
        PlanChangeRequest.status == "agreed", PlanChangeRequest.effective_date <= day)
        .order_by(PlanChangeRequest.id)).all()
    for req in due:
        contract = req.contract
        if contract.is_live:
            contract.plan_id = req.to_plan_id
            contract.plan = req.to_plan
        req.status = "applied"
        req.applied_at = now_utc()
    db.session.flush()
    return len(due)


def first_billed_month(req: PlanChangeRequest) -> tuple[date, date]:
    """The first 月度 at the new fee for the request's effective (or desired) date (§14(2))."""
    return plan_change.first_billed_month(req.contract.terms(),
                                          req.effective_date or req.desired_date,
                                          req.from_plan.monthly_fee, req.to_plan.monthly_fee)
