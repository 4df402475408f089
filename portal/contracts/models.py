"""Services, plans (the price list, 価格表) and contracts.

A `Service` is one of the three services of §3 of the terms; a `Plan` is one row of the price
list that staff edit (monthly fee in yen excluding tax, minimum months §5(5), the billing
periods it may be paid in, and the §9(1) quotas); a `Contract` binds an organization to a plan
from its start date (起算日, §5(4)). Dates are calendar dates in Japan.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db
from portal.rules import ContractTerms

SERVICE_IMAGE_WORKS = "image_works"
SERVICE_SECURE_DELIVER = "secure_deliver"
SERVICE_PRUS = "image_works_prus"
SERVICE_CODES = (SERVICE_IMAGE_WORKS, SERVICE_SECURE_DELIVER, SERVICE_PRUS)

BILLING_PERIODS = (1, 3, 6, 12)
CHANNELS = ("direct", "reseller", "agent")
STATUSES = ("trial", "active", "notice_given", "ended", "suspended")
LIVE_STATUSES = ("trial", "active", "notice_given", "suspended")
"""Contracts that still bind the organization: they count for quotas and for §31(5)."""

_LIVE_SQL = "status IN ('trial', 'active', 'notice_given', 'suspended')"


class Service(db.Model):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    japan_only: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    # The price list's 起算日 rule (§5(4)): one of portal.rules.start_date.START_RULES.
    start_rule: Mapped[str] = mapped_column(sa.String(20), default="usage_start",
                                            server_default="usage_start")

    plans: Mapped[list[Plan]] = relationship(
        back_populates="service", order_by="(Plan.sort_order, Plan.monthly_fee, Plan.id)"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "code IN ('image_works', 'secure_deliver', 'image_works_prus')", name="code"
        ),
        sa.CheckConstraint("start_rule IN ('usage_start', 'month_start')", name="start_rule"),
    )

    def __repr__(self) -> str:
        return f"<Service {self.code}>"


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(100))
    monthly_fee: Mapped[int] = mapped_column()
    minimum_months: Mapped[int] = mapped_column(default=12)
    # The billing periods (months paid at once) this plan allows, e.g. "1,12".
    billing_periods: Mapped[str] = mapped_column(sa.String(20), default="1")
    max_users: Mapped[int] = mapped_column()
    max_storage_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    max_active_guest_links: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    service: Mapped[Service] = relationship(back_populates="plans")

    __table_args__ = (
        sa.UniqueConstraint("service_id", "code", name="uq_plans_service_id_code"),
        sa.CheckConstraint("monthly_fee >= 0", name="monthly_fee"),
        sa.CheckConstraint("minimum_months >= 1", name="minimum_months"),
        sa.CheckConstraint(
            "max_users >= 0 AND max_storage_bytes >= 0 AND max_active_guest_links >= 0",
            name="quotas",
        ),
    )

    @property
    def allowed_billing_periods(self) -> tuple[int, ...]:
        return tuple(
            sorted(int(p) for p in self.billing_periods.split(",") if p.strip().isdigit())
        )

    @allowed_billing_periods.setter
    def allowed_billing_periods(self, periods) -> None:
        self.billing_periods = ",".join(str(p) for p in sorted(set(int(p) for p in periods)))

    def quota(self, kind: str) -> int:
        return {
            "users": self.max_users,
            "storage_bytes": self.max_storage_bytes,
            "guest_links": self.max_active_guest_links,
        }[kind]

    def __repr__(self) -> str:
        return f"<Plan id={self.id} code={self.code!r}>"


class Contract(db.Model):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    start_date: Mapped[date] = mapped_column(sa.Date)
    """The 起算日 (§5(4)): every period of the contract counts from it (billing too)."""
    usage_start_date: Mapped[date] = mapped_column(sa.Date)
    """The 利用開始日 of the usage-start notice (§5(1)); start_date follows from it by
    `start_rule`, or by a quote or contract (`ContractStartOverride`)."""
    start_rule: Mapped[str] = mapped_column(sa.String(20), default="usage_start",
                                            server_default="usage_start")
    """The price list's rule applied when the contract was made (kept: the price list may change)."""
    billing_period_months: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(sa.String(10), default="direct")
    partner_name: Mapped[str] = mapped_column(sa.String(200), default="")
    trial: Mapped[bool] = mapped_column(default=False)
    trial_end_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(15), default="active")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    service: Mapped[Service] = relationship()
    plan: Mapped[Plan] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('trial', 'active', 'notice_given', 'ended', 'suspended')", name="status"
        ),
        sa.CheckConstraint("channel IN ('direct', 'reseller', 'agent')", name="channel"),
        sa.CheckConstraint("billing_period_months IN (1, 3, 6, 12)", name="billing_period"),
        sa.CheckConstraint(
            "(trial AND trial_end_date IS NOT NULL) OR (NOT trial AND trial_end_date IS NULL)",
            name="trial_end",
        ),
        sa.CheckConstraint("channel = 'direct' OR partner_name <> ''", name="partner"),
        sa.CheckConstraint("start_date >= usage_start_date", name="start_after_usage"),
        sa.CheckConstraint("start_rule IN ('usage_start', 'month_start')", name="start_rule"),
        # One live contract per service and organization.
        partial_unique_index("uq_contracts_live_service", "organization_id", "service_id", where=_LIVE_SQL),
    )

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def terms(self) -> ContractTerms:
        """The `portal.rules.ContractTerms` the date and money rules compute with."""
        return ContractTerms(
            start=self.start_date,
            minimum_months=self.plan.minimum_months,
            billing_period_months=self.billing_period_months,
            monthly_fee=self.plan.monthly_fee,
            channel=self.channel,
            trial=self.trial,
        )

    def __repr__(self) -> str:
        return f"<Contract id={self.id} org={self.organization_id} status={self.status!r}>"


class PlanFeeChange(db.Model):
    """A dated change of a plan's monthly fee (§8(1)), given under a fee-change notice
    published at least 60 days before `effective_date`. Live contracts bill `fee` from the
    first billing month that starts on or after `effective_date`; until then `old_fee`. The
    daily job moves the price list's `Plan.monthly_fee` on the day (`applied_at`). Rows are
    never edited: together with the plan changes they are every contract's fee history."""

    __tablename__ = "plan_fee_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    old_fee: Mapped[int] = mapped_column()
    fee: Mapped[int] = mapped_column()
    effective_date: Mapped[date] = mapped_column(sa.Date)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    applied_at: Mapped[datetime | None]

    plan: Mapped[Plan] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "effective_date"),
        sa.CheckConstraint("fee >= 0 AND old_fee >= 0 AND fee <> old_fee", name="fee"),
    )

    def __repr__(self) -> str:
        return f"<PlanFeeChange plan={self.plan_id} {self.old_fee}→{self.fee} on {self.effective_date}>"


class PartnerContact(db.Model):
    """The partner's contact address for one contract (§31(1)): it receives the copies of the
    mail §31(1) lets the partner handle (`portal.contracts.partners`). Set by staff (at
    approval or on the contract's partner page), never by the applicant."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    __table_args__ = (sa.CheckConstraint("email <> ''", name="email"),)


class ContractStartOverride(db.Model):
    """A 起算日 set by a quote or contract (§5(4) ただし書: 見積書や契約書等で別段の定め), recorded
    by staff. Append-only: a row is never edited; a mistake is corrected by a new row citing
    the right document. The latest row (highest id) is the contract's 起算日 and is copied
    into `Contract.start_date`; `previous_start` keeps what it replaced."""

    __tablename__ = "contract_start_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    previous_start: Mapped[date] = mapped_column(sa.Date)
    start_date: Mapped[date] = mapped_column(sa.Date)
    document_type: Mapped[str] = mapped_column(sa.String(10))
    document_number: Mapped[str] = mapped_column(sa.String(100))
    document_date: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    # "User" by name: the accounts area sits above contracts and is not imported here.
    created_by = relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint("document_type IN ('quote', 'contract', 'other')", name="document_type"),
        sa.CheckConstraint("document_number <> ''", name="document_number"),
        sa.CheckConstraint("start_date <> previous_start", name="changed"),
    )

    def __repr__(self) -> str:
        return f"<ContractStartOverride contract={self.contract_id} {self.previous_start}→{self.start_date}>"
