"""Fee changes of the price list (利用料金の変更, §8(1)).

A plan's fee changes only by a dated `PlanFeeChange` linked to a fee-change notice (category
"fee_change") published at least 60 days before the effective date
(`rules.notices.check_effective_date`); the price list editor refuses to change the fee of a
plan with live contracts directly. The notices live in a higher area, so `notices` hands its
published fee-change notices down through a hook (`register_fee_notice_source`). The daily
step `apply_fee_changes` moves `Plan.monthly_fee` on the effective day, for quotes and new
contracts; billing reads `fee_history` and bills live contracts the new fee from the first
billing month starting on or after that day.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal import registry
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES, Contract, Plan, PlanFeeChange
from portal.contracts.services import ContractError
from portal.extensions import db
from portal.rules import RuleError
from portal.rules.notices import check_effective_date


@dataclass(frozen=True)
class FeeNotice:
    """A published fee-change notice: id, title and the day in Japan it was published."""

    id: int
    title: str
    published_on: date


def register_fee_notice_source(app, fn: Callable[[], list[FeeNotice]]) -> None:
    """The notices area gives the published fee-change notices (newest first)."""
    registry.add(app, "fee_notice_source", "notices", fn)


def fee_notices() -> list[FeeNotice]:
    return [n for fn in registry.entries("fee_notice_source") for n in fn[1]()]


def has_live_contracts(plan: Plan) -> bool:
    return plan.id is not None and bool(db.session.scalar(sa.select(sa.func.count(Contract.id)).where(
        Contract.plan_id == plan.id, Contract.status.in_(LIVE_STATUSES))))


def schedule_fee_change(plan: Plan, fee: int, effective: date, notice_id: int | None, *, by,
                        today: date) -> PlanFeeChange:
    """Schedule `plan`'s fee to become `fee` from `effective`, under notice `notice_id`.

    Errors (ContractError, with the field): fee_unchanged (fee), notice_required (notice_id:
    not a published fee-change notice), effective_in_past (effective_date), lead_time_too_short
    (effective_date, §8(1): earliest = published + 60 days), fee_change_taken (one per day).
    """
    current = current_fee(plan, effective)
    if fee == current:
        raise ContractError("fee_unchanged", "§8(1)", field="fee")
    notice = next((n for n in fee_notices() if n.id == notice_id), None)
    if notice is None:
        raise ContractError("notice_required", "§8(1)", field="notice_id")
    if effective <= today:
        raise ContractError("effective_in_past", "§8(1)", field="effective_date", earliest=today)
    try:
        check_effective_date("fee_change", notice.published_on, effective)
    except RuleError as exc:
        raise ContractError(exc.code, exc.clause, field="effective_date",
                            earliest=exc.earliest) from None
    if db.session.scalar(sa.select(PlanFeeChange.id).where(
            PlanFeeChange.plan_id == plan.id, PlanFeeChange.effective_date == effective)):
        raise ContractError("fee_change_taken", "§8(1)", field="effective_date")
    change = PlanFeeChange(plan=plan, old_fee=current, fee=fee, effective_date=effective,
                           notice_id=notice.id, created_by_id=by.id)
    db.session.add(change)
    db.session.flush()
    return change


def fee_history(plan_ids) -> dict[int, list[PlanFeeChange]]:
    """The fee changes of each plan, oldest first (one query)."""
    out = defaultdict(list)
    for change in db.session.scalars(sa.select(PlanFeeChange).where(
            PlanFeeChange.plan_id.in_(list(plan_ids))).order_by(PlanFeeChange.effective_date)):
        out[change.plan_id].append(change)
    return out


def fee_on(plan: Plan, changes: list[PlanFeeChange], month_start: date) -> int:
    """The fee of `plan` for a billing month beginning `month_start` (§8(1)): the latest
    change effective on or before it, else the fee before the first change."""
    fee = changes[0].old_fee if changes else plan.monthly_fee
    for change in changes:
        if change.effective_date <= month_start:
            fee = change.fee
    return fee


def current_fee(plan: Plan, day: date) -> int:
    return fee_on(plan, fee_history([plan.id]).get(plan.id, []), day) if plan.id else plan.monthly_fee


def apply_fee_changes(day: date) -> int:
    """Move the price list's fee of plans whose change takes effect on or before `day`
    (catching up); idempotent. Returns how many were applied."""
    changes = db.session.scalars(sa.select(PlanFeeChange).where(
        PlanFeeChange.applied_at.is_(None), PlanFeeChange.effective_date <= day)
        .order_by(PlanFeeChange.effective_date)).all()
    for change in changes:
        change.plan.monthly_fee = change.fee
        change.applied_at = now_utc()
    db.session.flush()
    return len(changes)
