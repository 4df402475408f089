"""The provider's actions on an organization and the organization's AI-training consent.

`ProviderAction` is the record of every action the provider takes on an organization (a
suspension, its end, a termination under §15(1), the quarantine, release or deletion of a
stored file under §24(2)②): who, when, under which clause and why. Rows are never edited
or deleted; the customer's admins see them on their 「弊社による操作履歴」 page — without the
reason (and the clause) where the terms owe none (§11(2), §28(2)).

`AiTrainingConsentChange` is the log of the §24(6) setting: the organization's current consent
is its latest row (none: not consented, the default).

`SupportGrant` is a customer admin's time-limited consent to the provider viewing the
registered data for a support case (§24(1)③⑤); `SupportView` logs each view under it.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.clock import now_utc
from portal.extensions import db

SUSPENSION_CLAUSES = ("§9(2)", "§11(2)", "§15(1)", "§28(2)")
"""The clauses under which the provider may suspend the service (利用停止)."""
SILENT_CLAUSES = ("§11(2)", "§28(2)")
"""Suspensions the provider owes the customer no notice and no reason for."""
KINDS = ("suspend", "resume", "terminate", "quarantine", "release", "delete_file")
FILE_KINDS = ("quarantine", "release", "delete_file")
"""Actions on one stored file (§24(2)②); each cites its quarantine."""
TERMINATION_GROUNDS = tuple("①②③④⑤⑥⑦⑧⑨")
"""The grounds of §15(1) on which the provider may terminate the contract."""


class ProviderAction(db.Model):
    __tablename__ = "provider_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # A resumption cites the clause of the suspension it ends.
    clause: Mapped[str] = mapped_column(sa.String(10))
    reason: Mapped[str] = mapped_column(sa.Text)
    # Whether the customer is owed notice and the reason (False for §11(2), §28(2)).
    notice_owed: Mapped[bool] = mapped_column()
    # The §15(1) ground (①–⑨) of a termination; none for the other kinds.
    ground: Mapped[str | None] = mapped_column(sa.String(1))
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # A file action: the file, its quarantine and the quarantine's ground. Plain numbers, not
    # foreign keys: the record outlives the registered data deleted under §14(5).
    file_id: Mapped[int | None] = mapped_column()
    quarantine_id: Mapped[int | None] = mapped_column()
    file_ground: Mapped[str | None] = mapped_column(sa.String(20))

    by: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('suspend', 'resume', 'terminate', 'quarantine', 'release', 'delete_file')",
            name="kind"),
        sa.CheckConstraint("(kind = 'terminate') = (ground IS NOT NULL)", name="ground"),
        sa.CheckConstraint("clause IN ('§9(2)', '§11(2)', '§15(1)', '§24(2)', '§28(2)')",
                           name="clause"),
        sa.CheckConstraint("reason <> ''", name="reason"),
        sa.CheckConstraint(
            "(kind IN ('quarantine', 'release', 'delete_file')) = (quarantine_id IS NOT NULL "
            "AND file_id IS NOT NULL AND file_ground IS NOT NULL)", name="file_action"),
        # A double submit records one action: each quarantine starts, ends and deletes once.
        sa.UniqueConstraint("quarantine_id", "kind", name="uq_provider_actions_quarantine_kind"),
        sa.Index("ix_provider_actions_file_id", "file_id"),
    )

    def __repr__(self) -> str:
        return f"<ProviderAction {self.kind} org={self.organization_id} {self.clause}>"


class AiTrainingConsentChange(db.Model):
    __tablename__ = "ai_training_consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    consented: Mapped[bool] = mapped_column()
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AiTrainingConsentChange org={self.organization_id} {self.consented}>"


SUPPORT_HOURS = (1, 24, 72)
"""The lifetimes an admin chooses for a support grant (§24(1)③⑤)."""
SUPPORT_MAX_HOURS = 7 * 24
"""The longest a grant with an end of the admin's own choice may run."""
SUPPORT_VIEW_KINDS = ("deliveries", "delivery", "file")


class SupportGrant(db.Model):
    """A customer admin's consent (§24(1)③⑤) that the provider's staff may view the
    organization's registered data for one support case, until `expires_at` or revocation.
    Rows are never deleted; `status` says live, expired or revoked."""

    __tablename__ = "support_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    case_reference: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The form's one-time token: a double submit cannot make two grants.
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    organization = relationship("Organization")
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    __table_args__ = (
        sa.CheckConstraint("expires_at > granted_at", name="expiry"),
        sa.CheckConstraint("case_reference <> ''", name="case_reference"),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_by_id IS NULL)", name="revoked"),
    )

    def status(self, now: datetime) -> str:
        """revoked, expired or live."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "live"

    def ended_at(self) -> datetime:
        return self.revoked_at if self.revoked_at is not None else self.expires_at

    def __repr__(self) -> str:
        return f"<SupportGrant org={self.organization_id} until={self.expires_at}>"


class SupportView(db.Model):
    """One view by staff under a grant: who, when, what (the list of deliveries, one
    delivery, one file's content). Delivery and file are plain numbers: the log outlives the
    registered data deleted under §14(5)."""

    __tablename__ = "support_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("support_grants.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    viewed_at: Mapped[datetime] = mapped_column(default=now_utc)
    kind: Mapped[str] = mapped_column(sa.String(20))
    delivery_id: Mapped[int | None] = mapped_column()
    file_id: Mapped[int | None] = mapped_column()
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")

    staff: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('deliveries', 'delivery', 'file')", name="kind"),
        sa.CheckConstraint("(kind = 'file') = (file_id IS NOT NULL)", name="file"),
    )


BROWSER_FAMILIES = ("chrome", "edge", "firefox", "safari", "opera", "samsung")
"""The browser families `portal.oversight.browsers.identify` tells apart in a user agent."""


class RecommendedBrowser(db.Model):
    """One line of the §6(1) recommended environment, edited by staff: a browser family, the
    lowest major version recommended (None: the latest version) and the operating systems."""

    __tablename__ = "recommended_browsers"

    id: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    min_version: Mapped[int | None] = mapped_column()
    systems: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.CheckConstraint(
            "family IN ('chrome', 'edge', 'firefox', 'safari', 'opera', 'samsung')", name="family"),
        sa.CheckConstraint("min_version IS NULL OR min_version > 0", name="min_version"),
        sa.CheckConstraint("name <> ''", name="name"),
    )

    def __repr__(self) -> str:
        return f"<RecommendedBrowser {self.family} {self.min_version}>"
