"""The provider's measures on a stored file (terms §24(2)②): quarantine (隔離), its release
and, as the last resort, deletion of the file's bytes — and the file attributes staff may see
(§24(2)①: name, type, size, upload time, the delivery it belongs to), never the content.

Each measure is one conditional UPDATE of the file's row plus the `FileQuarantine` record, so
a double submit (or two staff at once) changes the file once; the partial unique index "one
open quarantine per file" backs that in the database. Deletion is allowed only out of a
quarantine (also a CHECK on `stored_files`): the file's row stays as the record, its bytes
go once the transaction commits (`file_cleanup`). While quarantined or deleted, nobody
downloads the file (`StoredFile.withheld`, read by every route that sends bytes). The
provider's record and the mail to the admins belong to `portal.oversight`, which calls these.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from portal.pagination import Page
from portal.sharing.models import QUARANTINE_GROUNDS, Delivery, FileQuarantine, GuestLink, StoredFile
from portal.sharing.services import file_cleanup
from portal.sharing.services.common import SharingError

CLAUSE = "§24(2)"


def _check(ground: str, reason: str) -> str:
    reason = (reason or "").strip()
    if ground not in QUARANTINE_GROUNDS:
        raise SharingError("quarantine_ground", CLAUSE, field="ground")
    if not reason:
        raise SharingError("quarantine_reason", CLAUSE, field="reason")
    return reason


def open_quarantine(file_id: int) -> FileQuarantine | None:
    return db.session.scalar(sa.select(FileQuarantine).where(
        FileQuarantine.file_id == file_id, FileQuarantine.ended_at.is_(None)))


def quarantine_file(stored: StoredFile, ground: str, reason: str, *, by: User,
                    now: datetime) -> FileQuarantine:
    """Hold the file: from now on nobody downloads it (§24(2)②).

    Errors (SharingError, §24(2)): quarantine_ground / quarantine_reason (fields),
    already_quarantined, file_deleted (nothing changes)."""
    reason = _check(ground, reason)
    changed = db.session.execute(
        sa.update(StoredFile).where(StoredFile.id == stored.id, StoredFile.quarantined_at.is_(None),
                                    StoredFile.deleted_at.is_(None))
        .values(quarantined_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(stored, ["quarantined_at", "deleted_at"])
    if changed != 1:
        raise SharingError("file_deleted" if stored.deleted_at else "already_quarantined", CLAUSE)
    row = FileQuarantine(organization_id=stored.organization_id, file_id=stored.id, ground=ground,
                         reason=reason, started_at=now, started_by_id=by.id)
    db.session.add(row)
    db.session.flush()
    return row


def _end(stored: StoredFile, outcome: str, reason: str, by: User, now: datetime) -> FileQuarantine:
    """End the file's open quarantine as `outcome`; SharingError not_quarantined when none."""
    current = open_quarantine(stored.id)
    changed = current is not None and db.session.execute(
        sa.update(FileQuarantine).where(FileQuarantine.id == current.id,
                                        FileQuarantine.ended_at.is_(None))
        .values(ended_at=now, ended_by_id=by.id, outcome=outcome, end_reason=reason)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not changed:
        raise SharingError("not_quarantined", CLAUSE)
    db.session.refresh(current)
    return current


def release_file(stored: StoredFile, reason: str, *, by: User, now: datetime) -> FileQuarantine:
    """End the quarantine: the file downloads again as before (nothing was changed in it).
    Errors: quarantine_reason (field), not_quarantined."""
    reason = (reason or "").strip()
    if not reason:
        raise SharingError("quarantine_reason", CLAUSE, field="reason")
    quarantine = _end(stored, "released", reason, by, now)
    db.session.execute(sa.update(StoredFile).where(StoredFile.id == stored.id)
                       .values(quarantined_at=None).execution_options(synchronize_session=False))
    db.session.refresh(stored, ["quarantined_at"])
    return quarantine


def delete_file(stored: StoredFile, reason: str, *, by: User, now: datetime) -> FileQuarantine:
    """The last resort of §24(2)②: remove the bytes of a quarantined file. The row (name,
    type, size, times) stays as the record; the bytes go once the transaction commits.
    Errors: quarantine_reason (field), not_quarantined (quarantine first), file_deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise SharingError("quarantine_reason", CLAUSE, field="reason")
    if stored.deleted_at is not None:
        raise SharingError("file_deleted", CLAUSE)
    quarantine = _end(stored, "deleted", reason, by, now)
    db.session.execute(sa.update(StoredFile).where(StoredFile.id == stored.id)
                       .values(deleted_at=now).execution_options(synchronize_session=False))
    db.session.refresh(stored, ["deleted_at"])
    file_cleanup.remove_after_commit([stored.storage_key])
    return quarantine


def quarantines_by_file(file_ids: list[int]) -> dict[int, FileQuarantine]:
    """The latest quarantine of each of these files (one statement): what the owners see
    next to a quarantined or deleted file (since when, on which ground)."""
    if not file_ids:
        return {}
    rows = db.session.scalars(sa.select(FileQuarantine).where(FileQuarantine.file_id.in_(file_ids))
                              .order_by(FileQuarantine.id)).all()
    return {row.file_id: row for row in rows}


def file_history(file_id: int) -> list[FileQuarantine]:
    return list(db.session.scalars(sa.select(FileQuarantine).where(
        FileQuarantine.file_id == file_id).order_by(FileQuarantine.id.desc())))


def file_attributes_page(organization_id: int, page: int, per_page: int = 50) -> Page:
    """The organization's stored files as staff may see them (§24(2)①): each row is (file,
    number of the delivery's guest links). No subject, message or content; 2 statements."""
    where = StoredFile.organization_id == organization_id
    total = db.session.scalar(sa.select(sa.func.count(StoredFile.id)).where(where)) or 0
    links = (sa.select(sa.func.count(GuestLink.id)).where(GuestLink.delivery_id == StoredFile.delivery_id)
             .correlate(StoredFile).scalar_subquery())
    rows = db.session.execute(sa.select(StoredFile, links).where(where)
                              .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=[tuple(r) for r in rows])


def names_of(delivery_ids, file_ids) -> tuple[dict[int, str], dict[int, str]]:
    """Subjects of these deliveries and names of these files (for the customer's admins'
    logs; whatever §14(5) deleted is missing). Two statements at most."""
    d_ids = {i for i in delivery_ids if i is not None}
    f_ids = {i for i in file_ids if i is not None}
    subjects = dict(db.session.execute(sa.select(Delivery.id, Delivery.subject)
                                       .where(Delivery.id.in_(d_ids))).all()) if d_ids else {}
    names = dict(db.session.execute(sa.select(StoredFile.id, StoredFile.name)
                                    .where(StoredFile.id.in_(f_ids))).all()) if f_ids else {}
    return subjects, names
