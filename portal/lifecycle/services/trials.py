"""Free trials (§12(5)): a customer admin asks to convert the trial into a paid contract of the
same plan, staff approve (the paid contract starts on the approval day, §5(4)) or refuse with
a reason. A trial that is not converted ends on its trial end date (`contract_end`).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.models import Contract
from portal.extensions import db
from portal.lifecycle.models import TrialConversionRequest
from portal.lifecycle.services.common import (
    LifecycleError, flush_unique, mail_admins, refuse_request, require_status,
)
from portal.rules import start_date as start_rules


def open_conversion(contract: Contract) -> TrialConversionRequest | None:
    """The trial's conversion request waiting for staff, if any."""
    return db.session.scalar(sa.select(TrialConversionRequest).where(
        TrialConversionRequest.contract_id == contract.id,
        TrialConversionRequest.status == "requested"))


def request_conversion(contract: Contract, billing_period_months: int, *, by: User,
                       today: date) -> TrialConversionRequest:
    """Ask staff to turn a free trial into a paid contract of the same plan.
    Errors: not_trial, trial_over, billing_period, conversion_open."""
    if not contract.trial or contract.status != "trial":
        raise LifecycleError("not_trial", "§12(5)")
    if contract.trial_end_date < today:
        raise LifecycleError("trial_over", "§12(5)")
    if billing_period_months not in contract.plan.allowed_billing_periods:
        raise LifecycleError("billing_period", "§5(5)", field="billing_period_months")
    if open_conversion(contract) is not None:
        raise LifecycleError("conversion_open", "§12(5)")
    row = TrialConversionRequest(organization_id=contract.organization_id, contract=contract,
                                 billing_period_months=billing_period_months,
                                 requested_by_id=by.id)
    db.session.add(row)
    flush_unique(LifecycleError("conversion_open", "§12(5)"))
    return row


def approve_conversion(req: TrialConversionRequest, *, by: User, today: date) -> None:
    """Staff approve: the contract becomes a paid contract of the same plan; its 起算日 (§5(4))
    follows from the approval day `today` by the service's price-list rule
    (`rules.start_date.billing_start`); the admins are mailed. Errors: already_decided,
    not_trial."""
    require_status(req, ("requested",), "already_decided", "§12(5)")
    contract = req.contract
    if contract.status != "trial":
        raise LifecycleError("not_trial", "§12(5)")
    req.status = "approved"
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    start = start_rules.billing_start(contract.service.start_rule, today)
    req.start_date = start.start
    contract.trial = False
    contract.trial_end_date = None
    contract.start_date = start.start
    contract.start_rule = start.rule
    contract.billing_period_months = req.billing_period_months
    contract.status = "active"
    db.session.flush()
    mail_admins(contract, "trial_converted", "lifecycle_trial_converted", conversion=req)


def refuse_conversion(req: TrialConversionRequest, reason: str, *, by: User) -> None:
    """Staff refuse with the reason given to the customer; the admins are mailed.
    Errors: already_decided, reason_required (§12(5))."""
    refuse_request(req, reason, by=by, clause="§12(5)")
    mail_admins(req.contract, "trial_conversion_refused", "lifecycle_trial_conversion_refused",
                conversion=req)
