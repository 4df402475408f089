"""The end of a contract (terms §14(5)): deleting an organization's registered data in the
files area. `portal.lifecycle` calls `delete_registered_data` after the organization's last
contract ended; the stored files go only once that transaction commits (`file_cleanup`).
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.clock import now_utc
from portal.extensions import db
from portal.sharing.models import Delivery, FileQuarantine, GuestAccess, GuestLink, StoredFile
from portal.sharing.services import file_cleanup


def delete_registered_data(organization_id: int) -> str:
    """Delete the organization's registered data (§14(5)): deliveries, their files and the
    links' access logs; each guest link is kept as a tombstone without delivery, password or
    label, so its URL answers 410 instead of 404. Rows go in this transaction; the stored files are
    removed only after it commits (a rollback leaves every file in place). Called by
    portal.lifecycle after the organization's last contract ended. Returns a summary."""
    link_ids = sa.select(GuestLink.id).where(GuestLink.organization_id == organization_id)
    keys = list(db.session.scalars(
        sa.select(StoredFile.storage_key).where(StoredFile.organization_id == organization_id)))
    accesses = db.session.execute(
        sa.delete(GuestAccess).where(GuestAccess.link_id.in_(link_ids))
        .execution_options(synchronize_session=False)).rowcount
    # Links stay as tombstones (no delivery, no password, suspended) so their URLs answer 410.
    links = db.session.execute(
        sa.update(GuestLink).where(GuestLink.organization_id == organization_id)
        .values(delivery_id=None, password_hash=None, label="",
                suspended_at=sa.func.coalesce(GuestLink.suspended_at, now_utc()),
                suspend_reason="data_deleted")
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(sa.delete(FileQuarantine).where(FileQuarantine.organization_id == organization_id)
                       .execution_options(synchronize_session=False))
    files = db.session.execute(
        sa.delete(StoredFile).where(StoredFile.organization_id == organization_id)
        .execution_options(synchronize_session=False)).rowcount
    deliveries = db.session.execute(
        sa.delete(Delivery).where(Delivery.organization_id == organization_id)
        .execution_options(synchronize_session=False)).rowcount
    file_cleanup.remove_after_commit(keys)
    return (f"{deliveries} deliveries, {files} files, {links} guest links, "
            f"{accesses} access log entries")
