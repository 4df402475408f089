"""The provider's actions on an organization and the organization's AI-training consent.

`ProviderAction` is the record of every action the provider takes on an organization (a
suspension, its end, a termination under §15(1)): who, when, under which clause and why. Rows are never edited
or deleted; the customer's admins see them on their 「弊社による操作履歴」 page — without the
reason (and the clause) where the terms owe none (§11(2), §28(2)).

`AiTrainingConsentChange` is the log of the §24(6) setting: the organization's current consent
is its latest row (none: not consented, the default).
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
KINDS = ("suspend", "resume", "terminate")
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

    by: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('suspend', 'resume', 'terminate')", name="kind"),
        sa.CheckConstraint("(kind = 'terminate') = (ground IS NOT NULL)", name="ground"),
        sa.CheckConstraint("clause IN ('§9(2)', '§11(2)', '§15(1)', '§28(2)')", name="clause"),
        sa.CheckConstraint("reason <> ''", name="reason"),
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
