"""The organization sub-area's tables: §7(2) change requests of the corporate name and the
representative (staff decide) and the history of every changed field. Re-exported by
`portal.accounts.models`."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db

if TYPE_CHECKING:  # for the annotations only; the mapper resolves the names by its registry
    from portal.accounts.models import Organization, User


CONTACT_FIELDS = ("postal_code", "prefecture", "address", "phone")
IDENTITY_FIELDS = ("name", "name_kana", "representative_name")


class OrganizationChangeRequest(db.Model):
    """A request to change the corporate name or the representative (§7(2)): the position
    under the contract cannot pass to someone else without the provider's written consent,
    so staff approve or reject it. One pending request per organization."""

    __tablename__ = "organization_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=now_utc)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_kana: Mapped[str] = mapped_column(sa.String(200))
    representative_name: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    organization: Mapped[Organization] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])

    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        partial_unique_index("uq_organization_change_requests_pending", "organization_id", where="status = 'pending'"),
    )


class OrganizationHistory(db.Model):
    """One changed field of an organization's details: who, when, old and new value."""

    __tablename__ = "organization_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=now_utc)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(sa.String(30))
    old_value: Mapped[str] = mapped_column(sa.String(300), default="")
    new_value: Mapped[str] = mapped_column(sa.String(300), default="")
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organization_change_requests.id"))

    changed_by: Mapped[User | None] = relationship()
