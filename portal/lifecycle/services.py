"""The contract lifecycle: plan changes (§14(1)(2)), cancellation notices (§14(3)(4), §17(4)),
renewals (§5(5)) and agent renewal applications (§31(2)), trial conversion and end (§12(5)),
the end of a contract and the deletion of registered data (§14(5)).

Views call one function here per action; the daily tasks in `portal.lifecycle.tasks` call the
`apply_*`/`end_*`/`send_*` functions for one day. Every date and yen amount comes from
`portal.rules`; this module only decides which rule applies and records the outcome. Services
add and flush, never commit. Refusals are `LifecycleError` with a code, the clause and, where
there is one, the earliest acceptable date; `portal.lifecycle.messages` renders them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts import quotas
from portal.contracts.models import LIVE_STATUSES, Contract, Plan
from portal.extensions import db
from portal.lifecycle.models import (
    NOTICE_OPEN, PLAN_CHANGE_OPEN, CancellationNotice, ContractEnd, PartnerContact,
    PlanChangeRequest, RenewalApplication, TrialConversionRequest,
)
from portal.mail import queue_mail
from portal.rules import RuleError, cancellation, plan_change, renewal
from portal.rules.cancellation import CancellationQuote

_ONE_DAY = timedelta(days=1)


class LifecycleError(Exception):
    """A lifecycle action the terms or the state of the contract refuse.

    code: stable reason (see portal.lifecycle.messages); clause: the clause cited;
    earliest: the earliest acceptable date, if any; field: the form field it belongs to;
    details: values for the message (e.g. the quota).
    """

    def __init__(self, code: str, clause: str = "", *, earliest: date | None = None,
                 field: str | None = None, **details):
        super().__init__(code)
        self.code = code
        self.clause = clause
        self.earliest = earliest
        self.field = field
        self.details = details


def _from_rule(exc: RuleError, field: str) -> LifecycleError:
    return LifecycleError(exc.code, exc.clause, earliest=exc.earliest, field=field)


# --- people to mail ---------------------------------------------------------------------------

def organization_admins(organization_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == organization_id, User.role == "admin",
                              User.active.is_(True), User.is_staff.is_(False))
        .order_by(User.id)))


def partner_contact(contract: Contract) -> str:
    """The partner contact address of a reseller/agent contract (§31(1)), or ""."""
    if contract.channel == "direct":
        return ""
    row = db.session.scalar(sa.select(PartnerContact).where(
        PartnerContact.contract_id == contract.id))
    return row.email if row else ""


def set_partner_contact(contract: Contract, email: str) -> None:
    """Record (or with "" remove) the partner contact address of a partner contract."""
    row = db.session.scalar(sa.select(PartnerContact).where(
        PartnerContact.contract_id == contract.id))
    email = (email or "").strip()
    if not email:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(PartnerContact(contract_id=contract.id, email=email))
    else:
        row.email = email
    db.session.flush()


def mail_admins(contract: Contract, kind: str, template: str, **ctx) -> int:
    """Queue `template` to every customer admin, and a copy to the partner contact (§31(1)).
    Returns the number of mails queued."""
    sent = 0
    for admin in organization_admins(contract.organization_id):
        queue_mail(kind, admin.email, template, locale=admin.locale or "ja",
                   organization_id=contract.organization_id, contract=contract,
                   recipient=admin, partner_copy=False, **ctx)
        sent += 1
    copy_to = partner_contact(contract)
    if copy_to:
        queue_mail(kind, copy_to, template, organization_id=contract.organization_id,
                   contract=contract, recipient=None, partner_copy=True, **ctx)
        sent += 1
    return sent


# --- plan changes (§14(1)(2)) -----------------------------------------------------------------

def open_plan_change(contract: Contract) -> PlanChangeRequest | None:
    return db.session.scalar(sa.select(PlanChangeRequest).where(
        PlanChangeRequest.contract_id == contract.id,
        PlanChangeRequest.status.in_(PLAN_CHANGE_OPEN)))


def plan_choices(contract: Contract) -> list[Plan]:
    """The other plans on sale for the contract's service."""
    return [p for p in contract.service.plans if p.active and p.id != contract.plan_id]


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
        raise _from_rule(exc, "effective_date" if effective else "desired_date") from None


def request_plan_change(contract: Contract, plan: Plan, desired: date, *, by: User,
                        today: date) -> PlanChangeRequest:
    """Record a customer admin's plan change request and mail the admins.

    Checks: the contract is active and not a trial, the plan is another plan on sale of the
    same service allowing the contract's billing period, the desired date is at least 10 days
    after `today` (§14(1)), the usage fits the new quotas (§9(1)), and no request is open.
    Errors: LifecycleError (plan_invalid, billing_period, desired_date_too_early,
    quota_exceeded, plan_change_open, …).
    """
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
    _flush_unique(LifecycleError("plan_change_open", "§14(1)"))
    mail_admins(contract, "plan_change_requested", "lifecycle_plan_change_requested",
                change=req, plan=plan, quote=quote)
    return req


def _flush_unique(error: LifecycleError) -> None:
    """Flush; a unique index violation (a second open request, a double submit) → `error`."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise error from None


def _require_status(obj, allowed: tuple[str, ...], code: str, clause: str) -> None:
    if obj.status not in allowed:
        raise LifecycleError(code, clause, status=obj.status)


def withdraw_plan_change(req: PlanChangeRequest, *, by: User) -> None:
    """Withdraw a request staff have not decided yet. Errors: LifecycleError("not_withdrawable")."""
    _require_status(req, ("requested",), "not_withdrawable", "§14(1)")
    req.status = "withdrawn"
    req.withdrawn_at = now_utc()
    db.session.flush()


def agree_plan_change(req: PlanChangeRequest, effective: date, *, by: User, today: date) -> None:
    """Staff agree the effective date (§14(1) 「合意のもと決定」) and the admins are mailed.

    Errors: LifecycleError("already_decided") for a request not waiting; the rule errors of
    plan_change_quote (effective_before_request §14(1)); LifecycleError("effective_in_past")
    for a date before `today` (the daily job could no longer apply it on that day).
    """
    _require_status(req, ("requested",), "already_decided", "§14(1)")
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
    _require_status(req, ("requested",), "already_decided", "§14(1)")
    if not reason.strip():
        raise LifecycleError("reason_required", "§14(1)", field="reason")
    req.status = "refused"
    req.refusal_reason = reason.strip()
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    db.session.flush()
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


# --- cancellation notice (§14(3)(4), §17(4), §5(5)) --------------------------------------------

def open_notice(contract: Contract) -> CancellationNotice | None:
    return db.session.scalar(sa.select(CancellationNotice).where(
        CancellationNotice.contract_id == contract.id,
        CancellationNotice.status.in_(NOTICE_OPEN)))


def pending_terms_change(today: date):
    """The terms version that takes effect after `today`, if one is published (§17(4))."""
    from portal.terms.models import TermsVersion

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
    terms_change: object | None  # TermsVersion
    terms_change_quote: CancellationQuote | None
    clauses: tuple[str, ...] = field(default=("§14(3)",))


def _terms_change_quote(contract: Contract, today: date, version) -> CancellationQuote | None:
    """§17(4): ending on the day before the new terms take effect, without the 30-day notice
    of §14(3) and without the lump sum of §14(4); the month of the last day is billed in full
    and prepaid months are not refunded (§14(3), §8(4)). Reading in docs/decisions.md."""
    last_day = version.effective_date - _ONE_DAY
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
    terms = contract.terms()
    version = pending_terms_change(today)
    return CancellationOptions(
        today=today, earliest_last_day=cancellation.earliest_last_day(terms, today),
        minimum_term=cancellation.minimum_term_option(terms, today),
        terms_change=version,
        terms_change_quote=_terms_change_quote(contract, today, version) if version else None)


def check_cancellable(contract: Contract) -> None:
    if contract.trial:
        raise LifecycleError("trial_no_notice", "§12(5)")
    if contract.status != "active":
        raise LifecycleError("contract_not_active", "§14(3)")


def cancellation_quote(contract: Contract, today: date, basis: str,
                       last_day: date | None) -> CancellationQuote:
    """The quote for a notice given `today` on `basis` ("chosen" with `last_day`,
    "minimum_term", "terms_change"). Errors: LifecycleError with the rule's code and clause
    (last_day_too_early §14(3), last_day_required, option_unavailable)."""
    check_cancellable(contract)
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
        raise _from_rule(exc, "last_day") from None


def give_notice(contract: Contract, basis: str, last_day: date | None, *, by: User,
                today: date) -> CancellationNotice:
    """Record the cancellation notice (the written notice of §14(3)) with its quote, set the
    contract to "notice_given" and mail every customer admin (and the partner, §31(1)).

    The quote is computed again here from `basis` and `last_day` on the server, whatever the
    page showed. Errors: as cancellation_quote; LifecycleError("notice_open") when a notice is
    open already.
    """
    quote = cancellation_quote(contract, today, basis, last_day)
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
    _flush_unique(LifecycleError("notice_open", "§14(3)"))
    contract.status = "notice_given"
    db.session.flush()
    mail_admins(contract, "cancellation_received", "lifecycle_cancellation_received",
                notice=notice)
    return notice


def withdraw_notice(notice: CancellationNotice, *, by: User) -> None:
    """Withdraw a notice staff have not confirmed; the contract is active again."""
    _require_status(notice, ("requested",), "not_withdrawable", "§14(3)")
    notice.status = "withdrawn"
    notice.withdrawn_at = now_utc()
    if notice.contract.status == "notice_given":
        notice.contract.status = "active"
    db.session.flush()
    mail_admins(notice.contract, "cancellation_withdrawn", "lifecycle_cancellation_withdrawn",
                notice=notice)


def confirm_notice(notice: CancellationNotice, *, by: User) -> None:
    """Staff confirm a notice; from then on it can no longer be withdrawn."""
    _require_status(notice, ("requested",), "already_decided", "§14(3)")
    notice.status = "confirmed"
    notice.confirmed_by_id = by.id
    notice.confirmed_at = now_utc()
    db.session.flush()
    mail_admins(notice.contract, "cancellation_confirmed", "lifecycle_cancellation_confirmed",
                notice=notice)


# --- renewals, agent applications (§5(5), §31(2)) ----------------------------------------------

def agent_period(contract: Contract, today: date) -> renewal.Renewal:
    """The agent contract's current 6-month period and its application deadline (§31(2))."""
    return renewal.next_renewal(contract.terms(), max(today, contract.start_date))


def renewal_application(contract: Contract, period_end: date) -> RenewalApplication | None:
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
    _flush_unique(LifecycleError("renewal_already_applied", "§31(2)"))
    mail_admins(contract, "renewal_applied", "lifecycle_renewal_applied", application=row,
                period=period)
    return row


# --- trials (§12(5)) --------------------------------------------------------------------------

def open_conversion(contract: Contract) -> TrialConversionRequest | None:
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
    _flush_unique(LifecycleError("conversion_open", "§12(5)"))
    return row


def approve_conversion(req: TrialConversionRequest, *, by: User, today: date) -> None:
    """Staff approve: the contract becomes a paid contract of the same plan whose start date
    (起算日, §5(4)) is the approval day `today`; the admins are mailed. Errors: already_decided,
    not_trial."""
    _require_status(req, ("requested",), "already_decided", "§12(5)")
    contract = req.contract
    if contract.status != "trial":
        raise LifecycleError("not_trial", "§12(5)")
    req.status = "approved"
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    req.start_date = today
    contract.trial = False
    contract.trial_end_date = None
    contract.start_date = today
    contract.billing_period_months = req.billing_period_months
    contract.status = "active"
    db.session.flush()
    mail_admins(contract, "trial_converted", "lifecycle_trial_converted", conversion=req)


def refuse_conversion(req: TrialConversionRequest, reason: str, *, by: User) -> None:
    _require_status(req, ("requested",), "already_decided", "§12(5)")
    if not reason.strip():
        raise LifecycleError("reason_required", "§12(5)", field="reason")
    req.status = "refused"
    req.refusal_reason = reason.strip()
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    db.session.flush()
    mail_admins(req.contract, "trial_conversion_refused", "lifecycle_trial_conversion_refused",
                conversion=req)


# --- the end of a contract (§14(5)) -----------------------------------------------------------

def last_day(contract: Contract, today: date) -> tuple[date, str] | None:
    """The known last day of use of a live contract and why: an open cancellation notice, the
    trial end (§12(5)), or for an agent contract without a renewal application the end of its
    period (§31(2)). None when the contract simply renews."""
    notice = open_notice(contract)
    if notice is not None:
        return notice.last_day, "cancellation"
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
        known = last_day(contract, day - _ONE_DAY)
        if known is not None and known[0] < day:
            end_contract(contract, known[0], known[1])
            ended += 1
    return ended


def _ended_periods(contract: Contract, day: date) -> renewal.Renewal | None:
    """The renewal taking effect on `day` (the previous term ended yesterday), or None."""
    yesterday = day - _ONE_DAY
    if contract.trial or yesterday < contract.start_date:
        return None
    upcoming = renewal.next_renewal(contract.terms(), yesterday)
    return upcoming if upcoming.renews_on == day else None


def apply_renewals(day: date) -> int:
    """Record the renewal of every live contract whose term ended yesterday and that did not
    end (§5(5)); agent contracts renew only on a renewal application (§31(2)) — those without
    one were ended by `end_contracts`. Idempotent (unique contract + day)."""
    from portal.lifecycle.models import ContractRenewal

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


def delete_registered_data(organization_id: int) -> str:
    """THE CALL POINT of §14(5): delete the organization's registered data (deliveries, files,
    the links' access logs; guest links become tombstones) through the files area's service.
    Rows go in the current transaction, the stored files after it commits. Returns the
    recorded summary; nothing else (accounts, invoices, audit logs) is touched here."""
    from portal.sharing import services as sharing

    return f"deleted: {sharing.delete_registered_data(organization_id)}"


def delete_data_of_ended_organizations(day: date) -> int:
    """Delete the registered data of organizations whose last contract has ended and record
    it (DataDeletion + an audit event), once per contract end. Idempotent."""
    from portal.accounts.audit import record_event
    from portal.domain import ClientInfo
    from portal.lifecycle.models import DataDeletion

    live_orgs = sa.select(Contract.organization_id).where(Contract.status.in_(LIVE_STATUSES))
    # The latest end of each organization that has no live contract and no deletion for it.
    rows = db.session.scalars(
        sa.select(ContractEnd)
        .where(ContractEnd.organization_id.not_in(live_orgs))
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


# --- reminders --------------------------------------------------------------------------------

RENEWAL_REMINDER_DAYS = 14
"""Admins are reminded 14 days before the notice deadline of the next renewal (§5(5))."""
AGENT_REMINDER_DAYS = 30
"""Agent contracts: reminded 30 days before the period ends without an application (§31(2))."""
END_REMINDER_DAYS = (14, 1)
"""Before the last day of use, admins are told 14 days and 1 day ahead (§14(5))."""


def _remind(contract: Contract, kind: str, about: date, template: str, **ctx) -> bool:
    from portal.lifecycle.models import LifecycleReminder

    exists = db.session.scalar(sa.select(LifecycleReminder.id).where(
        LifecycleReminder.contract_id == contract.id, LifecycleReminder.kind == kind,
        LifecycleReminder.about == about))
    if exists:
        return False
    db.session.add(LifecycleReminder(contract_id=contract.id, kind=kind, about=about))
    db.session.flush()
    mail_admins(contract, f"reminder_{kind}", template, about=about, **ctx)
    return True


def send_reminders(day: date) -> int:
    """Mail the reminders due on `day`: renewal notice deadline −14 days (§5(5)), agent
    period end −30 days without an application (§31(2)), last day of use −14 and −1 days
    (§14(5), §12(5)). One mail per contract, kind and date (LifecycleReminder)."""
    sent = 0
    live = db.session.scalars(sa.select(Contract).where(Contract.status.in_(LIVE_STATUSES))
                              .order_by(Contract.id)).all()
    for contract in live:
        known = last_day(contract, day)
        if known is not None:
            last, reason = known
            days_left = (last - day).days
            if reason == "agent_period_end":
                if days_left == AGENT_REMINDER_DAYS:
                    sent += _remind(contract, "agent_renewal", last,
                                    "lifecycle_reminder_agent", period=agent_period(contract, day))
            if days_left in END_REMINDER_DAYS:
                sent += _remind(contract, f"end_{days_left}", last, "lifecycle_reminder_end",
                                reason=reason, days_left=days_left)
            continue
        if contract.trial or contract.channel == "agent" or day < contract.start_date:
            continue
        upcoming = renewal.next_renewal(contract.terms(), day)
        deadline = upcoming.next_stoppable_deadline
        if (deadline - day).days == RENEWAL_REMINDER_DAYS:
            sent += _remind(contract, "renewal_deadline", deadline, "lifecycle_reminder_renewal",
                            renewal=upcoming)
    return sent


# --- what the pages show ----------------------------------------------------------------------

@dataclass(frozen=True)
class ContractState:
    """Everything the lifecycle page of one contract shows."""

    contract: Contract
    schedule: object
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
    from portal.contracts.services import contract_schedule

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
        plan_change_first_month=first_billed_month(open_change) if open_change else None, notice=open_notice(contract),
        conversion=open_conversion(contract), agent=agent, agent_application=app,
        last_day=last_day(contract, today) if contract.is_live else None,
        plan_changes=list(history), notices=list(notices))


def first_billed_month(req: PlanChangeRequest) -> tuple[date, date]:
    """The first 月度 at the new fee for the request's effective (or desired) date (§14(2))."""
    return plan_change.first_billed_month(req.contract.terms(),
                                          req.effective_date or req.desired_date,
                                          req.from_plan.monthly_fee, req.to_plan.monthly_fee)
