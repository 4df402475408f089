"""Deliveries and their stored files (SPEC §3.7; terms §9(1)): creating a delivery from
completely received uploads, the storage check before an upload is read, and the lists of a
user's deliveries and of a delivery's links.

The bytes are streamed to temporary files before any of this runs (`portal.sharing.uploads`);
`create_delivery` only moves complete files into place, and `file_cleanup` removes them
again if the request's transaction does not commit.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.contracts.quotas import check_quota
from portal.extensions import db
from portal.pagination import KeysetPage, Seek, keyset_page
from portal.sharing.models import Delivery, GuestLink, StoredFile
from portal.sharing.services import file_cleanup
from portal.sharing.services.common import SharingError
from portal.sharing.storage import UploadWriter, get_storage

MAX_FILES = 20
# Allowance for the form fields and the multipart framing when the request body's size is
# compared with the storage left, before the body is read.
UPLOAD_OVERHEAD = 1024 * 1024


@dataclass
class Upload:
    """One streamed file of the form: its sanitized name, type and the written temp file."""

    name: str
    content_type: str
    writer: UploadWriter


def create_delivery(user: User, *, subject: str, message: str, uploads: list[Upload],
                    form_token: str | None = None) -> Delivery:
    """Create a delivery of `user`'s organization from completely received uploads (§3.7).

    The files are moved into the storage under new random keys; if the request's transaction
    then does not commit, they are deleted again. Errors (SharingError): no_files;
    too_many_files (details: limit); file_too_large (details: name, limit); duplicate_submit
    (the form's one-time token was already used); QuotaExceeded (storage, §9(1)). The
    uploads' temporary files are discarded on any error.
    """
    try:
        if not uploads:
            raise SharingError("no_files")
        if len(uploads) > MAX_FILES:
            raise SharingError("too_many_files", limit=MAX_FILES)
        for upload in uploads:
            if upload.writer.too_large:
                raise SharingError("file_too_large", name=upload.name,
                                   limit=upload.writer.limit)
        if form_token and db.session.scalar(
            sa.select(Delivery.id).where(Delivery.form_token == form_token)
        ):
            raise SharingError("duplicate_submit")
        check_quota(user.organization_id, "storage_bytes",
                    adding=sum(u.writer.size for u in uploads))
    except Exception:
        discard(uploads)
        raise
    delivery = Delivery(organization_id=user.organization_id, created_by_id=user.id,
                        subject=subject.strip()[:200], message=message.strip()[:10000],
                        form_token=form_token or None)
    db.session.add(delivery)
    storage = get_storage()
    keys: list[str] = []
    try:
        for position, upload in enumerate(uploads):
            size, sha = upload.writer.size, upload.writer.sha256
            key = storage.commit(upload.writer)
            keys.append(key)
            delivery.files.append(StoredFile(
                organization_id=user.organization_id, position=position, name=upload.name,
                content_type=upload.content_type, size=size, sha256=sha, storage_key=key,
            ))
        db.session.flush()
    except Exception:
        discard(uploads)
        for key in keys:
            storage.delete(key)
        raise
    file_cleanup.remove_unless_committed(keys)
    return delivery


def discard(uploads: list[Upload]) -> None:
    """Remove the temporary files of uploads that will not be kept."""
    for upload in uploads:
        upload.writer.discard()


def check_upload_fits(organization_id: int, content_length: int) -> None:
    """Before reading an upload: QuotaExceeded (§9(1)) when the request body, less
    UPLOAD_OVERHEAD for form fields and framing, already exceeds the storage left."""
    check_quota(organization_id, "storage_bytes",
                adding=max(content_length - UPLOAD_OVERHEAD, 0))


def deliveries_page(user: User, page: int = 1, per_page: int = 20, *,
                    seek: Seek | None = None) -> KeysetPage:
    """The user's own deliveries, newest first, with their files: a keyset page (2
    statements, no count, through the (created_by_id, created_at, id) index)."""
    stmt = (
        sa.select(Delivery)
        .where(Delivery.organization_id == user.organization_id, Delivery.created_by_id == user.id)
        .options(selectinload(Delivery.files))
    )
    return keyset_page(stmt, Delivery.created_at, Delivery.id, seek=seek or Seek(page=page),
                       per_page=per_page)


def delivery_links(delivery: Delivery) -> list[GuestLink]:
    """Every guest link of the delivery, newest first."""
    return list(db.session.scalars(
        sa.select(GuestLink).where(GuestLink.delivery_id == delivery.id)
        .order_by(GuestLink.created_at.desc(), GuestLink.id.desc())
    ))


def stored_file(delivery: Delivery, file_id: int) -> StoredFile | None:
    """The delivery's file with this id, or None (also for another delivery's file)."""
    return next((f for f in delivery.files if f.id == file_id), None)


def organization_deliveries_page(organization_id: int, page: int, per_page: int = 20):
    """Every delivery of the organization, newest first, with their files (what staff see
    under a support grant, §24(1)③⑤)."""
    stmt = (
        sa.select(Delivery).where(Delivery.organization_id == organization_id)
        .options(selectinload(Delivery.files))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
