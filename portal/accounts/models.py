"""Organizations, users, server-side sign-in sessions and the security audit log.

An organization is one customer (tenant). Every customer user belongs to exactly one; staff
users belong to none. Sign-in sessions live in the database so that sign-out, "end all
sessions" and a misuse report really end a session, whatever a copied cookie says.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.signin.models import TrustedDevice  # noqa: F401  (re-exported)
from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db

ROLE_ADMIN = "admin"
ROLE_USER = "user"
ROLES = (ROLE_ADMIN, ROLE_USER)


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_kana: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Admins can require two-factor sign-in for everyone in the organization (SPEC §3.6).
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The corporate name above and the representative change only through a request staff
    # approve (§7(2)); the contact fields below change at once. Both are kept in history.
    # The address is the organization's registered address: approval copies it from the
    # application (which keeps what was applied for), and the §31(5) check reads it here.
    representative_name: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="JP", server_default="JP")
    postal_code: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    prefecture: Mapped[str] = mapped_column(sa.String(10), default="", server_default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")

    users: Mapped[list[User]] = relationship(back_populates="organization")

    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'suspended', 'terminated')", name="status"),
    )

    def __repr__(self) -> str:
        return f"<Organization id={self.id} name={self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    login_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(10), default=ROLE_USER)
    is_staff: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locked: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_sign_in_at: Mapped[datetime | None]
    # Set by an admin's "force a password reset" and by a misuse report (§7(4)): the
    # password no longer signs in until it is replaced through a reset link.
    password_reset_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    password_changed_at: Mapped[datetime | None]
    # TOTP two-factor sign-in: the secret (base32) once set up, and the last accepted time
    # step, so the same code is never accepted twice (pyotp's verify() would).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # §31(5): when the user declared residence in Japan (on the invitation page, or at the
    # first sign-in after the organization got IMAGE WORKS PRus); None = not declared.
    residence_declared_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship(back_populates="users")

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'user')", name="role"),
        # The organization's user list in login-ID order, read from the index (perf_0001).
        sa.Index("ix_users_org_login", "organization_id", "login_id"),
        # Staff belong to no organization; every customer user belongs to exactly one.
        sa.CheckConstraint(
            "(is_staff AND organization_id IS NULL) OR "
            "(NOT is_staff AND organization_id IS NOT NULL)",
            name="staff_or_member",
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive or locked users cannot sign in
        return self.active and not self.locked

    @property
    def is_admin(self) -> bool:
        return not self.is_staff and self.role == ROLE_ADMIN

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def __repr__(self) -> str:
        return f"<User id={self.id} login_id={self.login_id!r}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random id; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(sa.String(30))
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(500), default="")

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """A security-relevant event: sign-in success and failure, sign-out, and later more."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    event: Mapped[str] = mapped_column(sa.String(50), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    login_id: Mapped[str] = mapped_column(sa.String(64), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (
        # The sign-in delay counts recent failures per login ID (portal.accounts.signin.lockout).
        sa.Index("ix_audit_events_login_id_occurred_at", "login_id", "occurred_at"),
        # A user's sign-in history, newest first, read from the index (perf_0001).
        sa.Index("ix_audit_events_user_time", "user_id", "occurred_at", "id"),
    )

    def __repr__(self) -> str:
        return f"<AuditEvent id={self.id} event={self.event!r}>"


class Invitation(db.Model):
    """An invitation by email to join an organization (single use, 7 days).

    Only the SHA-256 of the link's token is stored. One pending invitation per address and
    organization; a resend cancels the old one and creates a new row with a new link.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    login_id: Mapped[str | None] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(10), default=ROLE_USER)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'user')", name="role"),
        sa.CheckConstraint("accepted_at IS NULL OR cancelled_at IS NULL", name="accepted_or_cancelled"),
        partial_unique_index("uq_invitations_pending_email", "organization_id", "email", where="accepted_at IS NULL AND cancelled_at IS NULL"),
    )

    def status(self, now: datetime) -> str:
        """pending, expired, accepted or cancelled at `now`."""
        if self.accepted_at is not None:
            return "accepted"
        if self.cancelled_at is not None:
            return "cancelled"
        if now >= self.expires_at:
            return "expired"
        return "pending"

    def __repr__(self) -> str:
        return f"<Invitation id={self.id} email={self.email!r}>"


class PasswordReset(db.Model):
    """A password reset link (single use, 1 hour); only the token's hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(20), default="requested")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class EmailChange(db.Model):
    """A new email address waiting for confirmation by a link sent to it (24 hours)."""

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    new_email: Mapped[str] = mapped_column(sa.String(254))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time two-factor recovery code; stored as SHA-256 (the codes are random)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]

    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)


MISUSE_STATUSES = ("received", "investigating", "resolved")


class MisuseReport(db.Model):
    """A report that account information is being misused (§7(4)).

    `submitted_at` is the notification time of §7(4). A report from the signed-in portal
    names accounts of the reporter's organization and contains them at once; a report from
    the public page (someone locked out) carries what the reporter typed until staff verify
    it and attach the organization and accounts.
    """

    __tablename__ = "misuse_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    source: Mapped[str] = mapped_column(sa.String(10))
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    status: Mapped[str] = mapped_column(sa.String(15), default="received")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contained: Mapped[bool] = mapped_column(default=False)
    # Public reports: what the reporter typed (staff verify it).
    claimed_login_id: Mapped[str] = mapped_column(sa.String(64), default="")
    claimed_organization: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    resolved_at: Mapped[datetime | None]
    # A public report: when staff got it in a digest mail (NULL: not yet mailed).
    staff_notified_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship()
    reported_by: Mapped[User | None] = relationship()
    accounts: Mapped[list[MisuseReportAccount]] = relationship(
        back_populates="report", order_by="MisuseReportAccount.id"
    )
    notes: Mapped[list[MisuseReportNote]] = relationship(
        back_populates="report", order_by="MisuseReportNote.id"
    )

    __table_args__ = (
        sa.CheckConstraint("source IN ('own', 'admin', 'public')", name="source"),
        sa.CheckConstraint(
            "status IN ('received', 'investigating', 'resolved')", name="status"
        ),
    )

    def __repr__(self) -> str:
        return f"<MisuseReport id={self.id} status={self.status!r}>"


class MisuseReportAccount(db.Model):
    """One account named in a misuse report. An account is in at most one open report."""

    __tablename__ = "misuse_report_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("misuse_reports.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    is_open: Mapped[bool] = mapped_column(default=True)

    report: Mapped[MisuseReport] = relationship(back_populates="accounts")
    user: Mapped[User] = relationship()

    __table_args__ = (
        partial_unique_index("uq_misuse_report_accounts_open_user", "user_id", where="is_open"),
    )


class MisuseReportNote(db.Model):
    """A staff note on a report (visible to the customer's admins), or a status change."""

    __tablename__ = "misuse_report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("misuse_reports.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    status: Mapped[str | None] = mapped_column(sa.String(15))
    body: Mapped[str] = mapped_column(sa.Text, default="")

    report: Mapped[MisuseReport] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


# The organization sub-area's tables (§7(2)), kept beside it and re-exported here; imported at
# the end because they refer to Organization and User above.
from portal.accounts.organization.models import (  # noqa: E402,F401
    CONTACT_FIELDS, IDENTITY_FIELDS, OrganizationChangeRequest, OrganizationHistory,
)
