"""The §9(1) usage counters of the files area: storage bytes and active guest links.

`portal.sharing.register(app)` hands them to `portal.contracts.quotas` as the counters of
"storage_bytes" and "guest_links"; the quota check adds what is about to be added.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.clock import now_utc
from portal.extensions import db
from portal.sharing.models import GuestLink, StoredFile


def storage_bytes_used(organization_id: int) -> int:
    """Sum of the sizes of the organization's complete files (not those whose bytes the
    provider deleted, §24(2)②)."""
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StoredFile.size), 0))
        .where(StoredFile.organization_id == organization_id, StoredFile.deleted_at.is_(None))
    ) or 0)


def active_links(organization_id: int) -> int:
    """Links that still open: not revoked, suspended, used up or expired."""
    return db.session.scalar(
        sa.select(sa.func.count(GuestLink.id)).where(
            GuestLink.organization_id == organization_id, GuestLink.revoked_at.is_(None),
            GuestLink.suspended_at.is_(None), GuestLink.used_up_at.is_(None),
            GuestLink.expires_at > now_utc(),
        )
    ) or 0
