"""Applications (申込書) with the services asked for, and the inquiries of §5(2).

An application keeps the applicant information of §1(2) as typed, the channel (§31), trial or
paid, and the form's one-time nonce (unique, so a double submit creates one application).
Its reference number (APP-YYYY-XXXXXX) is shown to the applicant, who finds the status page
again with the reference number and the contact email together.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.extensions import db

STATUSES = ("submitted", "approved", "rejected")


class Application(db.Model):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    form_nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default="submitted", index=True)

    company_name: Mapped[str] = mapped_column(sa.String(200))
    company_name_kana: Mapped[str] = mapped_column(sa.String(200))
    representative_name: Mapped[str] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(2), default="JP")
    postal_code: Mapped[str] = mapped_column(sa.String(20), default="")
    prefecture: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    address_line1: Mapped[str] = mapped_column(sa.String(200), default="")
    address_line2: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(20))
    contact_name: Mapped[str] = mapped_column(sa.String(100))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    channel: Mapped[str] = mapped_column(sa.String(10), default="direct")
    partner_name: Mapped[str] = mapped_column(sa.String(200), default="")
    trial: Mapped[bool] = mapped_column(default=False)
    billing_period_months: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str] = mapped_column(sa.String(5), default="ja")
    terms_version_id: Mapped[int] = mapped_column(sa.ForeignKey("terms_versions.id"))
    # §28(1): when the applicant represented and warranted not being an anti-social force,
    # under the terms version above (NULL only on applications made before it was asked).
    antisocial_declared_at: Mapped[datetime | None]

    submitted_at: Mapped[datetime] = mapped_column(default=now_utc)
    applied_on: Mapped[date] = mapped_column(sa.Date)  # the day in Japan, for §5(2)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    start_notice_sent_at: Mapped[datetime | None]

    items: Mapped[list[ApplicationItem]] = relationship(
        back_populates="application", order_by="ApplicationItem.id", cascade="all, delete-orphan"
    )
    inquiries: Mapped[list[ApplicationInquiry]] = relationship(
        back_populates="application", order_by="ApplicationInquiry.id"
    )
    terms_version = relationship("TermsVersion")

    __table_args__ = (
        sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name="status"),
        sa.CheckConstraint("channel IN ('direct', 'reseller', 'agent')", name="channel"),
        sa.CheckConstraint("billing_period_months IN (1, 3, 6, 12)", name="billing_period"),
        sa.CheckConstraint(
            "status <> 'approved' OR (organization_id IS NOT NULL AND start_date IS NOT NULL)",
            name="approved_has_organization",
        ),
    )

    @property
    def address(self) -> str:
        parts = [self.prefecture, self.city, self.address_line1, self.address_line2]
        return " ".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Application {self.reference} {self.status}>"


class ApplicationItem(db.Model):
    """One service asked for, with the plan chosen."""

    __tablename__ = "application_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("services.id"))
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))

    application: Mapped[Application] = relationship(back_populates="items")
    service = relationship("Service")
    plan = relationship("Plan")

    __table_args__ = (
        sa.UniqueConstraint("application_id", "service_id", name="uq_application_items_service"),
    )


class ApplicationInquiry(db.Model):
    """An applicant's inquiry (問い合わせ, §5(2)) when no usage-start notice came in time."""

    __tablename__ = "application_inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")

    application: Mapped[Application] = relationship(back_populates="inquiries")
