"""Terms versions (規約の版) and acceptances (同意の記録)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.extensions import db


class TermsVersion(db.Model):
    __tablename__ = "terms_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    effective_date: Mapped[date] = mapped_column(sa.Date, index=True)
    published_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (sa.CheckConstraint("version <> ''", name="version"),)

    def __repr__(self) -> str:
        return f"<TermsVersion {self.version!r} effective={self.effective_date}>"


class TermsAcceptance(db.Model):
    __tablename__ = "terms_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_version_id: Mapped[int] = mapped_column(sa.ForeignKey("terms_versions.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10), default="explicit")
    accepted_at: Mapped[datetime] = mapped_column(default=now_utc)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(500), default="")

    terms_version: Mapped[TermsVersion] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('explicit', 'deemed')", name="kind"),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR application_id IS NOT NULL", name="who"
        ),
    )
