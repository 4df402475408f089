"""Contracts and the price list: the one way a contract is added, and what a contract page shows.

`add_contract` is used by every path that creates a contract (approval of an application,
staff adding one later): it checks the plan, the billing period and, for IMAGE WORKS PRus,
the Japan-only rule (§31(5)) through `rules.residency`. `contract_schedule` turns a contract
into the dates of §5(5)/§31(2) with their clauses. Services add and flush, never commit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal import registry
from portal.contracts.messages import error_message
from portal.contracts.models import (
    BILLING_PERIODS, CHANNELS, LIVE_STATUSES, SERVICE_PRUS, Contract, Plan, Service,
)
from portal.domain import DomainError
from portal.extensions import db
from portal.rules import RuleError, cancellation, renewal, residency
from portal.rules import start_date as start_rules

TRIAL_DAYS = 30
"""A free trial lasts 30 days, the start date counted as day 1 (docs/decisions.md)."""


class ContractError(DomainError):
    """A contract the terms or the price list refuse. `code` for the view, `clause` cited,
    `reasons` (Japanese, for §31(5)) when the Japan-only check failed."""

    describe = staticmethod(error_message)

    def __init__(self, code: str, clause: str = "", reasons: list[str] | None = None, **kw):
        super().__init__(code, clause, **kw)
        self.reasons = reasons or []


@dataclass(frozen=True)
class Residency:
    """The facts §31(5) looks at: country (ISO code), postal code, prefecture, phone."""

    country: str
    postal_code: str
    prefecture: str
    phone: str


def prus_refusals(facts: Residency) -> list[str]:
    """Why IMAGE WORKS PRus cannot be provided at this address ([] when it can). §31(5)."""
    return residency.check_japan_address(
        facts.postal_code, facts.prefecture, facts.phone, country=facts.country
    )


def check_service_allowed(service: Service, facts: Residency | None) -> None:
    """Refuse a Japan-only service (IMAGE WORKS PRus) outside Japan.

    Errors: ContractError("japan_only", "§31(5)", reasons) when the country is not Japan, the
    postal code does not exist in the prefecture or the phone is not Japanese; also when no
    address is known at all. Clause: §31(5).
    """
    if not (service.japan_only or service.code == SERVICE_PRUS):
        return
    if facts is None:
        raise ContractError("japan_only", "§31(5)", ["所在地が登録されていません（第31条(5)）"])
    reasons = prus_refusals(facts)
    if reasons:
        raise ContractError("japan_only", "§31(5)", reasons)


def trial_end_date(start: date) -> date:
    """The last day of a free trial starting on `start` (TRIAL_DAYS days, start = day 1)."""
    return start + timedelta(days=TRIAL_DAYS - 1)


def add_contract(
    organization_id: int,
    plan: Plan,
    *,
    usage_start: date,
    billing_period_months: int,
    channel: str = "direct",
    partner_name: str = "",
    trial: bool = False,
    residency_facts: Residency | None = None,
) -> Contract:
    """Add a contract for `plan` used from `usage_start` (利用開始日, §5(1)); the only way
    contracts are made. Its 起算日 (`start_date`, §5(4)) follows by the service's price-list
    rule (`rules.start_date.billing_start`); a free trial counts from the usage start
    (§12(5): no fee, so no 起算日 to defer) and gets its rule on conversion.

    Checks: the plan is on sale, the billing period is one the plan allows (§5(5)), a partner
    is named for the reseller/agent channels (§31(1)(2)), the organization has no live
    contract for the same service, and the Japan-only rule for PRus (§31(5)).
    `residency_facts`: the address §31(5) checks; None takes the organization's registered
    address (`organization_residency`).
    Result: the flushed Contract (status "trial" with its trial end date, or "active").
    Errors: ContractError with code plan_inactive, billing_period, channel, partner_required,
    duplicate_service or japan_only.
    """
    if not plan.active:
        raise ContractError("plan_inactive")
    if billing_period_months not in BILLING_PERIODS or (
        billing_period_months not in plan.allowed_billing_periods
    ):
        raise ContractError("billing_period", "§5(5)")
    if channel not in CHANNELS:
        raise ContractError("channel", "§31")
    partner_name = (partner_name or "").strip()
    if channel != "direct" and not partner_name:
        raise ContractError("partner_required", "§31(1)" if channel == "reseller" else "§31(2)")
    if residency_facts is None:
        residency_facts = organization_residency(organization_id)
    check_service_allowed(plan.service, residency_facts)
    existing = db.session.scalar(
        sa.select(sa.func.count(Contract.id)).where(
            Contract.organization_id == organization_id,
            Contract.service_id == plan.service_id,
            Contract.status.in_(LIVE_STATUSES),
        )
    )
    if existing:
        raise ContractError("duplicate_service")
    rule = start_rules.USAGE_START if trial else plan.service.start_rule
    start = start_rules.billing_start(rule, usage_start)
    contract = Contract(
        organization_id=organization_id,
        service_id=plan.service_id,
        plan=plan,
        service=plan.service,
        start_date=start.start,
        usage_start_date=usage_start,
        start_rule=rule,
        billing_period_months=billing_period_months,
        channel=channel,
        partner_name=partner_name if channel != "direct" else "",
        trial=trial,
        trial_end_date=trial_end_date(usage_start) if trial else None,
        status="trial" if trial else "active",
    )
    db.session.add(contract)
    db.session.flush()
    return contract


def register_residency_source(app, fn: Callable[[int], Residency | None]) -> None:
    """Tell contracts where an organization's registered address comes from (accounts owns
    it): `fn(organization_id) -> Residency | None`."""
    registry.add(app, "contracts.residency_source", "organization", fn)


def organization_residency(organization_id: int) -> Residency | None:
    """The organization's registered address (the applicant information of §1(2)), from the
    source accounts registers; None when none is known."""
    sources = registry.entries("contracts.residency_source")
    return sources[0][1](organization_id) if sources else None


def has_prus_contract(organization_id: int) -> bool:
    """Whether the organization has a live IMAGE WORKS PRus contract (then §31(5) applies to
    its users and guests)."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Contract.id))
            .join(Service, Service.id == Contract.service_id)
            .where(
                Contract.organization_id == organization_id,
                Contract.status.in_(LIVE_STATUSES),
                Service.code == SERVICE_PRUS,
            )
        )
    )


def organization_contracts(organization_id: int) -> list[Contract]:
    """The organization's contracts, live ones first, with plan and service (2 queries)."""
    rows = db.session.scalars(
        sa.select(Contract)
        .where(Contract.organization_id == organization_id)
        .options(selectinload(Contract.plan), selectinload(Contract.service))
        .order_by(Contract.start_date, Contract.id)
    ).all()
    return sorted(rows, key=lambda c: (not c.is_live,))


@dataclass(frozen=True)
class Schedule:
    """The dates a contract page shows, each with its clauses.

    For a trial: trial_end (§12(5)) only. Otherwise: minimum_term_end (満了日, §5(5); for
    agents the end of the current 6-month period of use, §31(2) — `renewal.expiry_date`, the
    one 満了日 every page shows), the current term, renews_on (the
    next renewal), notice_deadline (the last day notice stops that renewal; for agents the
    last day to file the renewal application), next_stoppable_* when that deadline has
    passed, and the clauses of the renewal rule.
    """

    trial: bool
    trial_end: date | None = None
    not_started: bool = False
    minimum_term_end: date | None = None
    term: tuple[date, date] | None = None
    renews_on: date | None = None
    notice_deadline: date | None = None
    deadline_passed: bool = False
    next_stoppable_renewal: date | None = None
    next_stoppable_deadline: date | None = None
    requires_application: bool = False
    clauses: tuple[str, ...] = ()


def contract_schedule(contract: Contract, today: date) -> Schedule:
    """The contract's dates as seen on `today` (a day in Japan), from `rules.renewal`.

    Before the start date the schedule is the one of the start date. Clause: §5(5), §31(2)
    for agent contracts, §12(5) for trials.
    """
    if contract.trial:
        return Schedule(trial=True, trial_end=contract.trial_end_date, clauses=("§12(5)",))
    terms = contract.terms()
    day = max(today, contract.start_date)
    try:
        upcoming = renewal.next_renewal(terms, day)
    except RuleError:
        return Schedule(trial=False)
    return Schedule(
        trial=False,
        not_started=today < contract.start_date,
        minimum_term_end=renewal.expiry_date(terms, day),
        term=(upcoming.term_start, upcoming.term_end),
        renews_on=upcoming.renews_on,
        notice_deadline=upcoming.notice_deadline,
        deadline_passed=upcoming.deadline_passed,
        next_stoppable_renewal=upcoming.next_stoppable_renewal,
        next_stoppable_deadline=upcoming.next_stoppable_deadline,
        requires_application=upcoming.requires_application,
        clauses=upcoming.clauses,
    )


@dataclass(frozen=True)
class Ending:
    """A contract's recorded end, as a higher area knows it (the lifecycle's open notice):
    last_day (最終利用日), reason ("cancellation" §14(3) or "provider_non_renewal" §5(5)),
    billed_month (billed in full, §14(3)), early_termination_fee (§14(4)), by_provider and
    the clauses applied. A contract with an Ending does not renew."""

    last_day: date
    reason: str
    billed_month: tuple[date, date] | None
    early_termination_fee: int
    by_provider: bool
    clauses: tuple[str, ...]


def register_ending_source(app, fn: Callable[[Contract], Ending | None]) -> None:
    """Tell contracts where a contract's recorded end comes from (the lifecycle area)."""
    registry.add(app, "contracts.ending_source", "lifecycle", fn)


def contract_ending(contract: Contract) -> Ending | None:
    """The contract's recorded end (notice given), or None: from the registered source."""
    if contract.status != "notice_given":
        return None
    sources = registry.entries("contracts.ending_source")
    return sources[0][1](contract) if sources else None


# --- price list -------------------------------------------------------------------------

def price_list() -> list[Service]:
    """Every service with all its plans (2 queries), in the order of the terms' §3."""
    return list(
        db.session.scalars(
            sa.select(Service)
            .options(selectinload(Service.plans))
            .order_by(Service.sort_order, Service.id)
        ).all()
    )


def active_plans(service: Service) -> list[Plan]:
    return [p for p in service.plans if p.active]


def save_plan(plan: Plan, **values) -> Plan:
    """Create or update a plan of the price list. Errors: ContractError("plan_code_taken");
    ContractError("fee_change_needs_notice", "§8(1)") for a new fee of a plan with live
    contracts (that is a dated fee change under a notice, `contracts.fees`)."""
    if (plan.id is not None and "monthly_fee" in values and values["monthly_fee"] != plan.monthly_fee
            and db.session.scalar(sa.select(sa.func.count(Contract.id)).where(
                Contract.plan_id == plan.id, Contract.status.in_(LIVE_STATUSES)))):
        raise ContractError("fee_change_needs_notice", "§8(1)", field="monthly_fee")
    periods_value = values.pop("billing_periods", None)
    for key, value in values.items():
        setattr(plan, key, value)
    if periods_value is not None:
        plan.allowed_billing_periods = periods_value
    with db.session.no_autoflush:
        taken = db.session.scalar(
            sa.select(sa.func.count(Plan.id)).where(
                Plan.service_id == plan.service_id, Plan.code == plan.code,
                Plan.id != (plan.id or 0),
            )
        )
    if taken:
        raise ContractError("plan_code_taken", field="code")
    db.session.add(plan)
    db.session.flush()
    return plan


def cancellation_today(contract: Contract, today: date) -> cancellation.CancellationQuote | None:
    """What a cancellation notice given `today` would cost (SPEC 3.2): the earliest last day
    of use (§14(3)), the month billed in full and the §14(4) lump sum if any. None for a
    trial (it ends without notice or fee, §12(5)) or a contract that is not active (e.g. notice
    already given). Errors: none."""
    if contract.trial or contract.status != "active":
        return None
    try:
        return cancellation.quote(contract.terms(), today)
    except RuleError:
        return None
