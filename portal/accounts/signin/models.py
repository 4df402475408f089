"""The sign-in sub-area's own table: trusted devices (OWASP device cookies). Kept beside
`portal.accounts.models` (which re-exports it) so that module stays within its size."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import now_utc
from portal.extensions import db


class TrustedDevice(db.Model):
    """A browser that signed in to an account successfully (OWASP's device cookie): it carries
    the random token whose SHA-256 is kept here, and is judged on its own sign-in failures,
    never throttled by anyone else's (portal.accounts.signin.trusted_devices)."""

    __tablename__ = "trusted_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Wrong passwords from this browser since its last successful sign-in.
    failures: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (sa.CheckConstraint("failures >= 0", name="failures"),)

    def __repr__(self) -> str:
        return f"<TrustedDevice id={self.id} user_id={self.user_id} failures={self.failures}>"
