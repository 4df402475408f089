"""Tables of the contract lifecycle (SPEC §3.3–§3.5; terms §5(5), §12(5), §14, §17(4), §31).

Every table is keyed by the contract (or organization) it concerns and lives beside the
onboarding engineer's `contracts` table instead of adding columns to it: plan change requests
(§14(1)(2)), cancellation notices with their quote as given (§14(3)(4)), agent renewal
applications (§31(2)), trial conversion requests (§12(5)), the record of each contract's end
and of each renewal the daily job applied, the reminders already mailed (so a second run of the
job mails nothing), and the deletion of registered data (§14(5)); partner contact addresses (§31(1)) moved to
`portal.contracts.models` (every area copies mail to them). "One open X per contract" is a partial unique index in each case.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.contracts.models import Contract, PartnerContact, Plan, Service  # noqa: F401  (PartnerContact moved to contracts; re-exported for older imports)
from portal.db import partial_unique_index
from portal.extensions import db

PLAN_CHANGE_STATUSES = ("requested", "agreed", "refused", "withdrawn", "applied")
PLAN_CHANGE_OPEN = ("requested", "agreed")
_PLAN_CHANGE_OPEN_SQL = "status IN ('requested', 'agreed')"

NOTICE_STATUSES = ("requested", "confirmed", "withdrawn", "completed")
NOTICE_OPEN = ("requested", "confirmed")
_NOTICE_OPEN_SQL = "status IN ('requested', 'confirmed')"

NOTICE_BASES = ("chosen", "minimum_term", "terms_change", "provider")
"""How the last day was chosen: a day the customer picked (§14(3)(4)), the minimum-term end
without the lump sum (§14(4)), the day before a pending terms change (§17(4)), or the
provider's non-renewal notice at the end of a term (§5(5), given by staff)."""

CONVERSION_STATUSES = ("requested", "approved", "refused", "withdrawn")
_CONVERSION_OPEN_SQL = "status = 'requested'"

END_REASONS = ("cancellation", "trial_end", "agent_period_end", "provider_non_renewal",
               "termination")


class PlanChangeRequest(db.Model):
    """A customer admin's request to move a contract to another plan of its service (§14(1))."""

    __tablename__ = "plan_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    from_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    to_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    request_date: Mapped[date] = mapped_column(sa.Date)
    desired_date: Mapped[date] = mapped_column(sa.Date)
    effective_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    withdrawn_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]

    contract: Mapped[Contract] = relationship()
    from_plan: Mapped[Plan] = relationship(foreign_keys=[from_plan_id])
    to_plan: Mapped[Plan] = relationship(foreign_keys=[to_plan_id])

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('requested', 'agreed', 'refused', 'withdrawn', 'applied')", name="status"
        ),
        sa.CheckConstraint("from_plan_id <> to_plan_id", name="other_plan"),
        sa.CheckConstraint(
            "status NOT IN ('agreed', 'applied') OR effective_date IS NOT NULL", name="effective"
        ),
        sa.CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name="refusal_reason"),
        partial_unique_index("uq_plan_change_requests_open", "contract_id", where=_PLAN_CHANGE_OPEN_SQL),
    )

    @property
    def is_open(self) -> bool:
        return self.status in PLAN_CHANGE_OPEN

    def __repr__(self) -> str:
        return f"<PlanChangeRequest id={self.id} contract={self.contract_id} status={self.status!r}>"


class CancellationNotice(db.Model):
    """The written cancellation notice of §14(3), with the quote shown when it was given."""

    __tablename__ = "cancellation_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    basis: Mapped[str] = mapped_column(sa.String(15), default="chosen")
    notice_date: Mapped[date] = mapped_column(sa.Date)
    noticed_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_day: Mapped[date] = mapped_column(sa.Date)
    billed_month_start: Mapped[date | None] = mapped_column(sa.Date)
    billed_month_end: Mapped[date | None] = mapped_column(sa.Date)
    minimum_term_end: Mapped[date | None] = mapped_column(sa.Date)
    early_termination_months: Mapped[int] = mapped_column(default=0)
    early_termination_fee: Mapped[int] = mapped_column(default=0)
    clauses: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    given_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    """The provider's reason shown to the customer (basis "provider", §5(5)); else empty."""

    contract: Mapped[Contract] = relationship()

    @property
    def by_provider(self) -> bool:
        """The provider's non-renewal notice (§5(5)) rather than the customer's (§14(3))."""
        return self.basis == "provider"

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('requested', 'confirmed', 'withdrawn', 'completed')", name="status"
        ),
        sa.CheckConstraint("basis IN ('chosen', 'minimum_term', 'terms_change', 'provider')",
                           name="basis"),
        sa.CheckConstraint("early_termination_fee >= 0 AND early_termination_months >= 0",
                           name="fee"),
        sa.CheckConstraint("last_day >= notice_date", name="last_day"),
        partial_unique_index("uq_cancellation_notices_open", "contract_id", where=_NOTICE_OPEN_SQL),
    )

    @property
    def clause_list(self) -> tuple[str, ...]:
        return tuple(c for c in self.clauses.split(",") if c)

    @property
    def is_open(self) -> bool:
        return self.status in NOTICE_OPEN

    def __repr__(self) -> str:
        return f"<CancellationNotice id={self.id} contract={self.contract_id} status={self.status!r}>"


class RenewalApplication(db.Model):
    """An agent contract's renewal application (更新申込) for the period ending `period_end`
    (§31(2)); without one the contract ends with that period."""

    __tablename__ = "renewal_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    period_end: Mapped[date] = mapped_column(sa.Date)
    applied_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(default=now_utc)

    contract: Mapped[Contract] = relationship()

    __table_args__ = (sa.UniqueConstraint("contract_id", "period_end"),)


class TrialConversionRequest(db.Model):
    """A request to turn a free trial into a paid contract (§12(5)); staff approve it."""

    __tablename__ = "trial_conversion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    billing_period_months: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")

    contract: Mapped[Contract] = relationship()

    __table_args__ = (
        sa.CheckConstraint("status IN ('requested', 'approved', 'refused', 'withdrawn')",
                           name="status"),
        sa.CheckConstraint("billing_period_months IN (1, 3, 6, 12)", name="billing_period"),
        partial_unique_index("uq_trial_conversion_requests_open", "contract_id", where=_CONVERSION_OPEN_SQL),
    )


class ContractEnd(db.Model):
    """The end of a contract, written by the daily job the day after its last day (§14(5))."""

    __tablename__ = "contract_ends"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), unique=True)
    last_day: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)

    contract: Mapped[Contract] = relationship()

    __table_args__ = (
        # 'provider_non_renewal': §5(5) notice by the provider; 'termination': the provider
        # terminated the contract (§15(1), the oversight area).
        sa.CheckConstraint("reason IN ('cancellation', 'trial_end', 'agent_period_end', "
                           "'provider_non_renewal', 'termination')",
                           name="reason"),
    )


class ContractRenewal(db.Model):
    """A renewal the daily job applied: the term starting `renewed_on` (§5(5), §31(2))."""

    __tablename__ = "contract_renewals"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    renewed_on: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (sa.UniqueConstraint("contract_id", "renewed_on"),)


class LifecycleReminder(db.Model):
    """A reminder already mailed: one per contract, kind and the date it is about."""

    __tablename__ = "lifecycle_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    about: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (sa.UniqueConstraint("contract_id", "kind", "about"),)


class DataDeletion(db.Model):
    """The deletion of an organization's registered data after its last contract ended
    (§14(5)); one per contract end that left the organization without a contract."""

    __tablename__ = "data_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    contract_end_id: Mapped[int] = mapped_column(sa.ForeignKey("contract_ends.id"), unique=True)
    day: Mapped[date] = mapped_column(sa.Date)
    deleted_at: Mapped[datetime] = mapped_column(default=now_utc)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")


CHANGE_KINDS = ("add_service", "billing_period")
"""Other changes of the application (§14(1)) besides a plan change: adding a service (a new
contract from the agreed date) and changing a contract's billing period. Quotas come with the
plan (§9(1)) and the price list has no options, so those are plan changes (docs/decisions.md)."""
CHANGE_STATUSES = ("requested", "agreed", "refused", "withdrawn", "applied", "failed")
CHANGE_OPEN = ("requested", "agreed")
_CHANGE_OPEN_SQL = "status IN ('requested', 'agreed')"


class ChangeRequest(db.Model):
    """A customer admin's request for another change of the application (§14(1)), decided by
    staff like a plan change: requested at least 10 days before the desired date, applied by
    the daily job on the agreed effective date. `add_service`: `service_id`/`plan_id` and the
    billing period of the new contract, which is `result_contract_id` once applied.
    `billing_period`: `contract_id` moves from `from_period` to `billing_period_months`.
    `failed`: the change could no longer be applied on its day (`refusal_reason` says why)."""

    __tablename__ = "change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(15))
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("services.id"))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"))
    from_period: Mapped[int | None]
    billing_period_months: Mapped[int]
    request_date: Mapped[date] = mapped_column(sa.Date)
    desired_date: Mapped[date] = mapped_column(sa.Date)
    effective_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    withdrawn_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]
    result_contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"))

    contract: Mapped[Contract | None] = relationship(foreign_keys=[contract_id])
    organization = relationship("Organization")
    plan: Mapped[Plan | None] = relationship()
    service: Mapped[Service | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('add_service', 'billing_period')", name="kind"),
        sa.CheckConstraint(
            "status IN ('requested', 'agreed', 'refused', 'withdrawn', 'applied', 'failed')",
            name="status"),
        sa.CheckConstraint(
            "kind <> 'add_service' OR (service_id IS NOT NULL AND plan_id IS NOT NULL)",
            name="add_service"),
        sa.CheckConstraint(
            "kind <> 'billing_period' OR (contract_id IS NOT NULL AND from_period IS NOT NULL "
            "AND from_period <> billing_period_months)", name="billing_period_change"),
        sa.CheckConstraint("billing_period_months IN (1, 3, 6, 12)", name="billing_period"),
        sa.CheckConstraint(
            "status NOT IN ('agreed', 'applied') OR effective_date IS NOT NULL", name="effective"),
        sa.CheckConstraint("status NOT IN ('refused', 'failed') OR refusal_reason <> ''",
                           name="refusal_reason"),
        partial_unique_index("uq_change_requests_open_service", "organization_id", "service_id",
                             where="kind = 'add_service' AND " + _CHANGE_OPEN_SQL),
        partial_unique_index("uq_change_requests_open_period", "contract_id",
                             where="kind = 'billing_period' AND " + _CHANGE_OPEN_SQL),
    )

    @property
    def is_open(self) -> bool:
        return self.status in CHANGE_OPEN

    def __repr__(self) -> str:
        return f"<ChangeRequest id={self.id} {self.kind} status={self.status!r}>"
