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

from portal.clock import now_utc
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

    organization: Mapped[Organization | None] = relationship(back_populates="users")

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'user')", name="role"),
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

    def __repr__(self) -> str:
        return f"<AuditEvent id={self.id} event={self.event!r}>"
