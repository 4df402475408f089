"""The organization's archive (issue 6, terms §14(5)): every file of the organization as one
zip for its admins, while it still has a live contract — up to and including the last day of
use (the data is deleted the day after, see `deletion`).

The entries are computed here in one statement; the bytes are read only while
`portal.sharing.downloads.zip_response` streams the zip.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.contracts.models import LIVE_STATUSES, Contract
from portal.extensions import db
from portal.rules.jst import JST
from portal.sharing.downloads import zip_names
from portal.sharing.models import Delivery, StoredFile
from portal.sharing.services.common import organization_name, sanitize_filename


def archive_available(organization_id: int) -> bool:
    """Admins may download the organization's archive while it has a live contract: up to and
    including the last day of use (the contract ends, and the data is deleted, the day after)."""
    return db.session.scalar(sa.select(sa.exists().where(
        Contract.organization_id == organization_id, Contract.status.in_(LIVE_STATUSES)))) or False


def archive_entries(organization_id: int) -> tuple[list[StoredFile], list[str]]:
    """Every complete file of the organization and its entry name in the archive,
    `<date>_<subject>/<file name>` (the delivery's creation date in Japan; a folder name
    repeated by another delivery gets " (2)", a file name repeated within a delivery too).
    One statement; the files' bytes are read only while the zip streams."""
    rows = db.session.execute(
        sa.select(StoredFile, Delivery.id, Delivery.created_at, Delivery.subject)
        .join(Delivery, Delivery.id == StoredFile.delivery_id)
        .where(StoredFile.organization_id == organization_id,
               Delivery.organization_id == organization_id,
               # §24(2)②: a file the provider holds or deleted is in no archive.
               StoredFile.quarantined_at.is_(None), StoredFile.deleted_at.is_(None))
        .order_by(Delivery.created_at, Delivery.id, StoredFile.position, StoredFile.id)).all()
    groups: dict[int, tuple[str, list[StoredFile]]] = {}
    used: set[str] = set()
    for stored, delivery_id, created, subject in rows:
        if delivery_id not in groups:
            title = sanitize_filename(subject.replace("/", "_").replace("\\", "_"))
            base = f"{created.astimezone(JST):%Y-%m-%d}_{title}"
            folder, n = base, 1
            while folder.lower() in used:
                n += 1
                folder = f"{base} ({n})"
            used.add(folder.lower())
            groups[delivery_id] = (folder, [])
        groups[delivery_id][1].append(stored)
    files: list[StoredFile] = []
    names: list[str] = []
    for folder, members in groups.values():
        files.extend(members)
        names.extend(f"{folder}/{name}" for name in zip_names(members))
    return files, names


def archive_name(organization_id: int, today: date) -> str:
    """The archive's file name: `<organization name>_<YYYYMMDD>.zip` (today in Japan)."""
    return sanitize_filename(f"{organization_name(organization_id)}_{today:%Y%m%d}.zip")
