"""Notices (SYSTEM INFORMATION), incident updates, delivery records and notification addresses.

A `Notice` is visible from `publish_at` on; `published_at` is set when its delivery records and
mails were written (at once, by the daily job, or on the first view after a scheduled time).
`NoticeDelivery` is the §10(1) record per organization: when the notice was posted for it, and
through `NoticeDeliveryMail` which outbox mail went to which notification address (the sent
time is the outbox's `sent_at`). `NotificationAddress` rows are an organization's addresses for
notices (§10(2)); a new one is used only once confirmed, and every change is kept in
`NotificationAddressEvent`.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db
from portal.rules.notices import CATEGORIES, DISCONTINUATION_BASES, clause_for

AUDIENCES = ("all", "service", "organizations")
SERVICES = ("image_works", "secure_deliver", "image_works_prus")
INCIDENT_STATUSES = ("investigating", "identified", "resolved")
ADDRESS_STATUSES = ("pending", "confirmed", "removed")
PUBLIC_CATEGORIES = ("maintenance", "incident")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Notice(db.Model):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    body_ja: Mapped[str] = mapped_column(sa.Text)  # sanitized HTML, rendered as is
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    source_ja: Mapped[str] = mapped_column(sa.Text)  # the Markdown staff typed
    source_en: Mapped[str] = mapped_column(sa.Text, default="")
    audience: Mapped[str] = mapped_column(sa.String(20), default="all")
    service_code: Mapped[str | None] = mapped_column(sa.String(30))
    effective_date: Mapped[date | None]
    send_email: Mapped[bool] = mapped_column(default=True)
    publish_at: Mapped[datetime] = mapped_column(index=True)
    published_at: Mapped[datetime | None]
    # Set by the mail worker once every delivery's mail is in the outbox (or at publishing
    # when the notice has no mail): a published notice with NULL here has mail to fan out.
    mails_queued_at: Mapped[datetime | None]
    incident_status: Mapped[str | None] = mapped_column(sa.String(20))
    # §19: under which paragraph a discontinuation is announced (long_interruption = §19(1),
    # any_reason = §19(2)); §20: to whom the business passes.
    discontinuation_basis: Mapped[str | None] = mapped_column(sa.String(20))
    transferee_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    form_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    updates: Mapped[list[NoticeUpdate]] = relationship(
        back_populates="notice", order_by="NoticeUpdate.id", cascade="all, delete-orphan"
    )
    targets: Mapped[list[NoticeTarget]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint(_in("category", CATEGORIES), name="category"),
        sa.CheckConstraint(_in("audience", AUDIENCES), name="audience"),
        sa.CheckConstraint(
            "(audience = 'service') = (service_code IS NOT NULL)", name="service_audience"
        ),
        sa.CheckConstraint(
            "incident_status IS NULL OR " + _in("incident_status", INCIDENT_STATUSES),
            name="incident_status",
        ),
        sa.CheckConstraint("title_ja <> '' AND source_ja <> ''", name="japanese_required"),
        # Rows before the basis was recorded have none; the drafting service requires one.
        sa.CheckConstraint("discontinuation_basis IS NULL OR category = 'discontinuation'",
                           name="discontinuation_basis_only"),
        sa.CheckConstraint(
            "discontinuation_basis IS NULL OR "
            + _in("discontinuation_basis", tuple(DISCONTINUATION_BASES)),
            name="discontinuation_basis"),
    )

    def title(self, lang: str) -> str:
        """The title in `lang`; Japanese where no English was written."""
        return self.title_en if lang == "en" and self.title_en else self.title_ja

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" and self.body_en else self.body_ja

    @property
    def clause(self) -> str:
        """The clause the notice is given under (a discontinuation's follows its basis)."""
        return clause_for(self.category, self.discontinuation_basis)

    @property
    def is_public(self) -> bool:
        return self.category in PUBLIC_CATEGORIES and self.audience == "all"

    def __repr__(self) -> str:
        return f"<Notice id={self.id} category={self.category!r}>"


class NoticeTarget(db.Model):
    """An organization chosen for a notice whose audience is "organizations"."""

    __tablename__ = "notice_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)

    __table_args__ = (sa.UniqueConstraint("notice_id", "organization_id"),)


class NoticeUpdate(db.Model):
    """A progress report on an incident (§13): investigating → identified → resolved."""

    __tablename__ = "notice_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20))
    body_ja: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    form_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    notice: Mapped[Notice] = relationship(back_populates="updates")

    __table_args__ = (sa.CheckConstraint(_in("status", INCIDENT_STATUSES), name="status"),)

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" and self.body_en else self.body_ja


class NoticeDelivery(db.Model):
    """§10(1): the notice was posted for this organization at `posted_at`."""

    __tablename__ = "notice_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    posted_at: Mapped[datetime]
    # Set in the mail worker's batch that queued this delivery's mail (and its partner
    # copies); NULL = not yet fanned out. A rerun skips marked deliveries: no mail twice.
    mails_queued_at: Mapped[datetime | None]

    __table_args__ = (sa.UniqueConstraint("notice_id", "organization_id"),)


class NoticeDeliveryMail(db.Model):
    """One outbox mail of a delivery; its sent time is the outbox mail's `sent_at`."""

    __tablename__ = "notice_delivery_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notice_deliveries.id", ondelete="CASCADE"), index=True
    )
    outbox_mail_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_mails.id"), unique=True)
    address_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notification_addresses.id"))


class NoticeRead(db.Model):
    """A user opened a notice (for unread markers and the header count)."""

    __tablename__ = "notice_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (sa.UniqueConstraint("notice_id", "user_id"),)


class NotificationAddress(db.Model):
    """An address the organization's notices are mailed to (§10(2)), once confirmed."""

    __tablename__ = "notification_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    confirmed_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(_in("status", ADDRESS_STATUSES), name="status"),
        sa.CheckConstraint("status <> 'confirmed' OR confirmed_at IS NOT NULL", name="confirmed"),
        # One live row per address and organization (removed rows stay as history).
        partial_unique_index("uq_notification_addresses_live", "organization_id", "email", where="status <> 'removed'"),
    )

    def __repr__(self) -> str:
        return f"<NotificationAddress id={self.id} status={self.status!r}>"


class NotificationAddressEvent(db.Model):
    """The history of an organization's notification addresses: added, confirmed, removed."""

    __tablename__ = "notification_address_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    address_id: Mapped[int] = mapped_column(sa.ForeignKey("notification_addresses.id"))
    event: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (
        sa.CheckConstraint(
            _in("event", ("added", "confirmed", "resent", "removed")), name="event"
        ),
    )


class MailBounce(db.Model):
    """A permanent delivery failure reported later by the recipient's side (an RFC 3464
    report read by `flask portal bounces`, §10(2)): which outbox mail, to whom, the status and
    the diagnostic. A live notification address of the mail's organization with a bounce of a
    mail written since the address was added or last confirmed is flagged and not used for
    notices until it is confirmed again. `report_hash` (SHA-256 of the report's bytes) makes
    reading the same report twice record it once."""

    __tablename__ = "mail_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True)
    outbox_mail_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_mails.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # the outbox mail's recipient, lower case
    final_recipient: Mapped[str] = mapped_column(sa.String(254), default="")
    status: Mapped[str] = mapped_column(sa.String(12))  # "5.1.1"
    diagnostic: Mapped[str] = mapped_column(sa.String(500), default="")
    matched_by: Mapped[str] = mapped_column(sa.String(20))
    mail_created_at: Mapped[datetime]  # when the bounced mail was written (vs. confirmation)
    reported_at: Mapped[datetime] = mapped_column(default=now_utc)
    report_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (
        sa.CheckConstraint("matched_by IN ('return_path', 'message_id')", name="matched_by"),
        sa.Index("ix_mail_bounces_address", "organization_id", "email"),
    )

    def __repr__(self) -> str:
        return f"<MailBounce id={self.id} status={self.status!r}>"
