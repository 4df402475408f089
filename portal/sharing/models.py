"""Registered data (§1(5)) and guest links (§1(4)): deliveries, their files, guest links, the
links' access log and the organization's sharing settings.

A `StoredFile` row exists only for a file that is completely written to storage (the upload
is moved into place first, then the row is added). A guest link keeps only the SHA-256 of its
token, so the database alone cannot rebuild a live URL; the download counter is changed only
by one conditional UPDATE (`services.claim_download`), and the CHECK constraint makes
"more downloads than allowed" impossible whatever the code does.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db

ACCESS_KINDS = ("view", "download", "resume", "zip", "password_failed")


class Delivery(db.Model):
    """A subject (件名), a message and one or more files, created by a user."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # The creation form's one-time token: a double submit cannot create two deliveries.
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    files: Mapped[list[StoredFile]] = relationship(
        back_populates="delivery", order_by="StoredFile.position", cascade="all, delete-orphan"
    )
    created_by = relationship("User")

    __table_args__ = (
        # A user's deliveries, newest first, read from the index (perf_0001).
        sa.Index("ix_deliveries_creator_time", "created_by_id", "created_at", "id"),
    )

    def __repr__(self) -> str:
        return f"<Delivery id={self.id} subject={self.subject!r}>"


class StoredFile(db.Model):
    """A complete file of a delivery. `name` is the sanitized visible name (Japanese kept);
    `storage_key` is random and never derived from user input."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(150), default="application/octet-stream")
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # §24(2)②: while the provider holds the file (its open `FileQuarantine`), nobody downloads
    # it; once the provider deleted its bytes (only ever out of a quarantine) the row stays as
    # the record of what was there.
    quarantined_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    delivery: Mapped[Delivery] = relationship(back_populates="files")

    __table_args__ = (
        sa.CheckConstraint("size >= 0", name="size"),
        sa.CheckConstraint("deleted_at IS NULL OR quarantined_at IS NOT NULL",
                           name="deleted_from_quarantine"),
    )

    @property
    def withheld(self) -> str | None:
        """'quarantined' or 'deleted' when no one may download the file (§24(2)②), else None."""
        if self.deleted_at is not None:
            return "deleted"
        return "quarantined" if self.quarantined_at is not None else None

    def __repr__(self) -> str:
        return f"<StoredFile id={self.id} name={self.name!r} size={self.size}>"


QUARANTINE_GROUNDS = ("malware", "damaged", "load", "operation")
"""The grounds on which the provider may quarantine or delete a file: the cases of §24(2)②,
"only where unavoidable for the stable operation of the system" (docs/decisions.md)."""


class FileQuarantine(db.Model):
    """The provider holding one stored file (隔離, §24(2)②): when, on which ground, why and by
    whom; its release, or the deletion of the file's bytes that ended it. One open quarantine
    per file (a partial unique index): a double submit cannot hold a file twice."""

    __tablename__ = "file_quarantines"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), index=True)
    ground: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Set when the quarantine ends: released (the file is back) or the file was deleted.
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(sa.String(10))
    end_reason: Mapped[str | None] = mapped_column(sa.Text)

    file: Mapped[StoredFile] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ground IN ('malware', 'damaged', 'load', 'operation')", name="ground"),
        sa.CheckConstraint("reason <> ''", name="reason"),
        sa.CheckConstraint("(ended_at IS NULL) = (outcome IS NULL)", name="ended"),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('released', 'deleted')", name="outcome"),
        partial_unique_index("uq_file_quarantines_open", "file_id", where="ended_at IS NULL"),
    )

    def __repr__(self) -> str:
        return f"<FileQuarantine file={self.file_id} {self.ground} {self.outcome}>"


class GuestLink(db.Model):
    """A URL that lets anyone holding it see one delivery and download its files."""

    __tablename__ = "guest_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    # NULL once the organization's registered data was deleted (§14(5)): the link row stays
    # as a tombstone so its URL answers 410 "deleted" instead of 404.
    delivery_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deliveries.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    max_downloads: Mapped[int | None]
    downloads: Mapped[int] = mapped_column(default=0, server_default="0")
    notify_on_download: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    used_up_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    suspended_at: Mapped[datetime | None]
    suspend_reason: Mapped[str | None] = mapped_column(sa.String(50))
    # When the creator was last mailed about many wrong passwords (at most once a day).
    attack_notified_at: Mapped[datetime | None]
    # The creation form's one-time token (no double link from a double submit).
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The password guess budget shared by every browser that never entered the right password
    # (portal.sharing.services.guest_passwords): guesses counted in the current window.
    guess_window_started_at: Mapped[datetime | None]
    guesses_in_window: Mapped[int] = mapped_column(default=0, server_default="0")

    delivery: Mapped[Delivery | None] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint("max_downloads IS NULL OR max_downloads > 0", name="max_downloads"),
        sa.CheckConstraint(
            "downloads >= 0 AND (max_downloads IS NULL OR downloads <= max_downloads)",
            name="downloads",
        ),
        sa.CheckConstraint("expires_at > created_at", name="expiry"),
        sa.CheckConstraint("guesses_in_window >= 0", name="guesses"),
        # The link lists (an organization's, a creator's), newest first (perf_0001).
        sa.Index("ix_guest_links_org_time", "organization_id", "created_at", "id"),
        sa.Index("ix_guest_links_creator_time", "created_by_id", "created_at", "id"),
    )

    def status(self, now: datetime, organization_status: str = "active") -> str:
        """deleted, suspended, revoked, used_up, expired or active (the first that applies)."""
        if self.delivery_id is None:
            return "deleted"
        if organization_status != "active" or self.suspended_at is not None:
            return "suspended"
        if self.revoked_at is not None:
            return "revoked"
        if self.used_up_at is not None or (
            self.max_downloads is not None and self.downloads >= self.max_downloads
        ):
            return "used_up"
        if now >= self.expires_at:
            return "expired"
        return "active"

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<GuestLink id={self.id} delivery_id={self.delivery_id}>"


class GuestAccess(db.Model):
    """One line of a link's access log: a view, a download (or its resumption), a zip or a
    wrong password, with the address and the browser parsed from the user agent."""

    __tablename__ = "guest_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("guest_links.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=now_utc)
    kind: Mapped[str] = mapped_column(sa.String(20))
    file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    file_name: Mapped[str] = mapped_column(sa.String(255), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(500), default="")
    browser: Mapped[str] = mapped_column(sa.String(100), default="")
    os: Mapped[str] = mapped_column(sa.String(100), default="")

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('view', 'download', 'resume', 'zip', 'password_failed')", name="kind"
        ),
        # The password throttle counts recent failures per link (and address).
        sa.Index("ix_guest_accesses_link_kind_time", "link_id", "kind", "occurred_at"),
        # A link's access log, newest first, a page at a time (perf_0001).
        sa.Index("ix_guest_accesses_link_time", "link_id", "occurred_at", "id"),
    )


class GuestDownload(db.Model):
    """One counted download of one file by one guest browser: the only thing a Range request
    may resume (portal.sharing.services.resumes). `bytes_sent` is what the counted response
    handed to the server before it closed (`closed_at`); `resume_bytes` what resumes were
    granted since, never more than the file's `size`."""

    __tablename__ = "guest_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("guest_links.id"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    browser_hash: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(default=now_utc)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    bytes_sent: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    closed_at: Mapped[datetime | None]
    resume_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    __table_args__ = (
        sa.CheckConstraint("bytes_sent >= 0 AND bytes_sent <= size", name="bytes_sent"),
        sa.CheckConstraint("resume_bytes >= 0 AND resume_bytes <= size", name="resume_bytes"),
        sa.Index("ix_guest_downloads_resume", "link_id", "file_id", "browser_hash"),
    )


class SharingSettings(db.Model):
    """Per organization: the longest lifetime an admin allows for guest links (in days,
    counted from each link's creation)."""

    __tablename__ = "sharing_settings"

    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True)
    max_link_days: Mapped[int] = mapped_column(default=30)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint("max_link_days BETWEEN 1 AND 365", name="max_link_days"),
    )
