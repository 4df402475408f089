"""Deliveries, files and guest links: the business rules (SPEC §3.7; terms §1(4)(5), §9(1),
§24(2), §31(5), §7(4)).

Services add and flush, never commit; the view commits once. Domain errors are
`SharingError(code, clause)`; the views map the code to a Japanese message. The §9(1) usage
counters for "storage_bytes" and "guest_links" are registered at import (the blueprint
package imports this module at start-up).
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload, selectinload
from user_agents import parse as parse_user_agent

from portal.accounts.models import Organization, User
from portal.passwords import dummy_verify, hash_password, verify_password
from portal.domain import ClientInfo
from portal.clock import now_utc
from portal.contracts.quotas import check_quota
from portal.extensions import db
from portal.mail import queue_mail
from portal.sharing.models import Delivery, GuestAccess, GuestLink, SharingSettings, StoredFile
from portal.sharing.storage import UploadWriter, get_storage

MAX_FILES = 20
DEFAULT_MAX_LINK_DAYS = 30
TOKEN_BYTES = 24  # 192 bits of randomness; 32 URL-safe characters
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
LINK_STATUSES = ("active", "expired", "revoked", "used_up", "suspended")  # + "deleted"
# Wrong-password throttle (docs/decisions.md): per link and address, a growing delay after
# FREE_FAILURES; many failures on a link from all addresses raise every address's delay to at
# least ATTACK_DELAY and mail the creator (at most once a day). Never a permanent lock.
FAILURE_WINDOW = timedelta(hours=1)
FREE_FAILURES = 3
MAX_DELAY = 300
ATTACK_FAILURES = 30
ATTACK_DELAY = 30
# A Range request that does not start at byte 0 resumes a download already counted by the
# same address for the same file within RESUME_WINDOW; it is not counted again.
RESUME_WINDOW = timedelta(hours=24)


class SharingError(Exception):
    """A refused sharing action; `code` names the reason, `clause` the terms behind it."""

    def __init__(self, code: str, clause: str = "", **details):
        self.code = code
        self.clause = clause
        self.details = details
        super().__init__(code)


# --- file names -----------------------------------------------------------------------

_RESERVED = set('<>:"|?*')


def sanitize_filename(raw: str | None) -> str:
    """The visible name of an uploaded file: NFC-normalized, without directories, control
    characters or characters Windows refuses, at most 200 characters (extension kept).
    Japanese is kept as is. Never used to build a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in _RESERVED else ch
        for ch in name
        if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}
    )
    name = name.strip().strip(".").strip()
    if not name:
        return "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: 200 - len(ext) - 1] + "." + ext
        else:
            name = name[:200]
    return name


def clean_content_type(value: str | None) -> str:
    value = (value or "").split(";", 1)[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", value or "-"):
        return "application/octet-stream"
    return value[:150]


# --- deliveries -----------------------------------------------------------------------

@dataclass
class Upload:
    """One streamed file of the form: its sanitized name, type and the written temp file."""

    name: str
    content_type: str
    writer: UploadWriter


def create_delivery(user: User, *, subject: str, message: str, uploads: list[Upload],
                    form_token: str | None = None) -> tuple[Delivery, list[str]]:
    """Create a delivery from completely received uploads.

    Returns (delivery, storage keys moved into place) — the caller deletes those keys if the
    transaction does not commit. Errors (SharingError): no_files; too_many_files;
    file_too_large (details: name, limit); duplicate_submit; QuotaExceeded (storage, §9(1)).
    The uploads' temporary files are discarded on any error.
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
        for upload in uploads:
            upload.writer.discard()
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
        for upload in uploads:
            upload.writer.discard()
        for key in keys:
            storage.delete(key)
        raise
    return delivery, keys


UPLOAD_OVERHEAD = 1024 * 1024


def check_upload_fits(organization_id: int, content_length: int) -> None:
    """Before reading an upload: QuotaExceeded (§9(1)) when the request body, less
    UPLOAD_OVERHEAD for form fields and framing, already exceeds the storage left."""
    check_quota(organization_id, "storage_bytes",
                adding=max(content_length - UPLOAD_OVERHEAD, 0))


def deliveries_page(user: User, page: int, per_page: int = 20):
    """The user's own deliveries, newest first, with their files (2 statements + count)."""
    stmt = (
        sa.select(Delivery)
        .where(Delivery.organization_id == user.organization_id, Delivery.created_by_id == user.id)
        .options(selectinload(Delivery.files))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def delivery_links(delivery: Delivery) -> list[GuestLink]:
    return list(db.session.scalars(
        sa.select(GuestLink).where(GuestLink.delivery_id == delivery.id)
        .order_by(GuestLink.created_at.desc(), GuestLink.id.desc())
    ))


def can_manage(user: User, obj) -> bool:
    """The creator and the organization's admins manage a delivery or link."""
    return user.is_admin or obj.created_by_id == user.id


# --- settings -------------------------------------------------------------------------

def max_link_days(organization_id: int) -> int:
    settings = db.session.get(SharingSettings, organization_id)
    return settings.max_link_days if settings else DEFAULT_MAX_LINK_DAYS


def set_max_link_days(organization_id: int, days: int, by: User) -> None:
    if not 1 <= days <= 365:
        raise SharingError("invalid_max_days")
    settings = db.session.get(SharingSettings, organization_id)
    if settings is None:
        settings = SharingSettings(organization_id=organization_id)
        db.session.add(settings)
    settings.max_link_days = days
    settings.updated_at = now_utc()
    settings.updated_by_id = by.id
    db.session.flush()


# --- guest links ----------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def create_link(delivery: Delivery, user: User, *, days: int, password: str | None = None,
                max_downloads: int | None = None, notify_on_download: bool = False,
                label: str = "", form_token: str | None = None) -> tuple[GuestLink, str]:
    """Create a guest link to `delivery`; returns (link, token). The token is shown once:
    only its SHA-256 is stored.

    Errors (SharingError): days_out_of_range (details: maximum; the organization's maximum is
    counted from the link's creation), invalid_max_downloads, duplicate_submit;
    QuotaExceeded (active guest links, §9(1)).
    """
    maximum = max_link_days(delivery.organization_id)
    if not 1 <= days <= maximum:
        raise SharingError("days_out_of_range", maximum=maximum)
    if max_downloads is not None and max_downloads < 1:
        raise SharingError("invalid_max_downloads")
    if form_token and db.session.scalar(
        sa.select(GuestLink.id).where(GuestLink.form_token == form_token)
    ):
        raise SharingError("duplicate_submit")
    check_quota(delivery.organization_id, "guest_links", adding=1)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = now_utc()
    link = GuestLink(
        organization_id=delivery.organization_id, delivery_id=delivery.id,
        created_by_id=user.id, token_hash=token_hash(token), label=label.strip()[:100],
        created_at=now, expires_at=now + timedelta(days=days),
        password_hash=hash_password(password) if password else None,
        max_downloads=max_downloads, notify_on_download=notify_on_download,
        form_token=form_token or None,
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def find_link(token: str) -> GuestLink | None:
    """The link for a URL token, with its delivery, files and organization, or None.

    A malformed token runs the same one query as a well-formed unknown one, so neither
    answers faster (tokens are compared by their hash through a unique index)."""
    valid = bool(TOKEN_RE.fullmatch(token or ""))
    digest = token_hash(token if valid else "!" * 32)
    link = db.session.scalar(
        sa.select(GuestLink).where(GuestLink.token_hash == digest)
        .options(joinedload(GuestLink.delivery).selectinload(Delivery.files))
    )
    return link if valid else None


def organization_status(organization_id: int) -> str:
    return db.session.scalar(
        sa.select(Organization.status).where(Organization.id == organization_id)
    ) or "terminated"


def organization_name(organization_id: int) -> str:
    return db.session.scalar(
        sa.select(Organization.name).where(Organization.id == organization_id)
    ) or ""


def link_status(link: GuestLink, now: datetime) -> str:
    return link.status(now, organization_status(link.organization_id))


def revoke_link(link: GuestLink, by: User) -> None:
    """Revoke a link at once; it keeps its access log. Revoking twice is a no-op."""
    if link.revoked_at is None:
        link.revoked_at = now_utc()
        link.revoked_by_id = by.id
        db.session.flush()


def suspend_links_created_by(user_ids: list[int], reason: str = "misuse_report") -> int:
    """Suspend every active link these users created (§7(4)) in one UPDATE; returns how many.

    Links already revoked, suspended or used up are left as they are."""
    if not user_ids:
        return 0
    result = db.session.execute(
        sa.update(GuestLink)
        .where(
            GuestLink.created_by_id.in_(list(user_ids)),
            GuestLink.suspended_at.is_(None),
            GuestLink.revoked_at.is_(None),
            GuestLink.used_up_at.is_(None),
            GuestLink.expires_at > now_utc(),
        )
        .values(suspended_at=now_utc(), suspend_reason=reason[:50])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def claim_download(link_id: int, now: datetime) -> bool:
    """Count one download against the link, atomically; False when none is left.

    One conditional UPDATE: two guests racing for the last download cannot both get it (the
    database serializes the row update; the loser's WHERE no longer matches). A link that
    reaches its limit is marked used up in the same transaction and kept with its log."""
    result = db.session.execute(
        sa.update(GuestLink)
        .where(
            GuestLink.id == link_id,
            GuestLink.revoked_at.is_(None),
            GuestLink.suspended_at.is_(None),
            GuestLink.used_up_at.is_(None),
            GuestLink.expires_at > now,
            sa.or_(GuestLink.max_downloads.is_(None), GuestLink.downloads < GuestLink.max_downloads),
        )
        .values(downloads=GuestLink.downloads + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.execute(
        sa.update(GuestLink)
        .where(GuestLink.id == link_id, GuestLink.max_downloads.is_not(None),
               GuestLink.downloads >= GuestLink.max_downloads)
        .values(used_up_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


def may_resume(link: GuestLink, file_id: int, ip_address: str, now: datetime) -> bool:
    """Whether a Range continuation is the same address resuming a download of this file that
    was already counted recently (then it is served without counting again)."""
    return bool(db.session.scalar(
        sa.select(sa.func.count(GuestAccess.id)).where(
            GuestAccess.link_id == link.id, GuestAccess.kind == "download",
            GuestAccess.file_id == file_id, GuestAccess.ip_address == ip_address,
            GuestAccess.occurred_at > now - RESUME_WINDOW,
        )
    ))


def record_access(link: GuestLink, kind: str, client: ClientInfo,
                  file: StoredFile | None = None, now: datetime | None = None) -> GuestAccess:
    agent = parse_user_agent(client.user_agent or "")
    browser = f"{agent.browser.family} {agent.browser.version_string}".strip()
    system = f"{agent.os.family} {agent.os.version_string}".strip()
    access = GuestAccess(
        link_id=link.id, occurred_at=now or now_utc(), kind=kind,
        file_id=file.id if file else None, file_name=file.name if file else "",
        ip_address=client.ip_address[:45], user_agent=client.user_agent[:500],
        browser=browser[:100], os=system[:100],
    )
    db.session.add(access)
    return access


def notify_download(link: GuestLink, what: str, client: ClientInfo) -> None:
    """Mail the creator about a download when the link asks for it."""
    if not link.notify_on_download:
        return
    creator = db.session.get(User, link.created_by_id)
    if creator is None or not creator.active:
        return
    base = current_app.config["BASE_URL"].rstrip("/")
    downloads = db.session.scalar(sa.select(GuestLink.downloads).where(GuestLink.id == link.id))
    queue_mail("guest_download", creator.email, "sharing_download",
               locale=creator.locale or "ja", organization_id=link.organization_id,
               link=link, downloads=downloads, subject=link.delivery.subject, what=what, at=now_utc(),
               address=client.ip_address, detail_url=f"{base}/links/{link.id}")


# --- wrong passwords ------------------------------------------------------------------

def password_wait(link: GuestLink, ip_address: str, now: datetime) -> int:
    """Seconds this address must still wait before its next password try (0 = may try).

    Per link and address: after FREE_FAILURES failures within an hour the delay doubles
    with each failure (2, 4, 8 … at most MAX_DELAY seconds). When the link has had
    ATTACK_FAILURES failures from all addresses within the hour, every address that has
    failed waits at least ATTACK_DELAY seconds. An address that has not failed always gets its
    try, so nobody can lock the real recipient out."""
    since = now - FAILURE_WINDOW
    own_count, own_last = db.session.execute(
        sa.select(sa.func.count(GuestAccess.id), sa.func.max(GuestAccess.occurred_at)).where(
            GuestAccess.link_id == link.id, GuestAccess.kind == "password_failed",
            GuestAccess.ip_address == ip_address, GuestAccess.occurred_at > since,
        )
    ).one()
    if not own_count:
        return 0
    delay = 0 if own_count < FREE_FAILURES else min(2 ** (own_count - FREE_FAILURES + 1), MAX_DELAY)
    if link_failures(link, now) >= ATTACK_FAILURES:
        delay = max(delay, ATTACK_DELAY)
    if own_last.tzinfo is None:  # in case the aggregate bypasses the UTC column type
        own_last = own_last.replace(tzinfo=timezone.utc)
    remaining = (own_last + timedelta(seconds=delay) - now).total_seconds()
    return max(int(remaining + 0.999), 0)


def link_failures(link: GuestLink, now: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(GuestAccess.id)).where(
            GuestAccess.link_id == link.id, GuestAccess.kind == "password_failed",
            GuestAccess.occurred_at > now - FAILURE_WINDOW,
        )
    ) or 0


def check_password(link: GuestLink, password: str, client: ClientInfo, now: datetime) -> bool:
    """Verify a guest's password; a failure is logged, and when the link is under attack its
    creator is mailed (at most once a day)."""
    if link.password_hash is None:
        dummy_verify(password)
        return True
    if verify_password(link.password_hash, password):
        return True
    record_access(link, "password_failed", client, now=now)
    db.session.flush()
    if link_failures(link, now) >= ATTACK_FAILURES and (
        link.attack_notified_at is None or link.attack_notified_at < now - timedelta(days=1)
    ):
        link.attack_notified_at = now
        creator = db.session.get(User, link.created_by_id)
        if creator is not None and creator.active:
            base = current_app.config["BASE_URL"].rstrip("/")
            queue_mail("guest_link_attack", creator.email, "sharing_attack",
                       locale=creator.locale or "ja", organization_id=link.organization_id,
                       link=link, subject=link.delivery.subject, failures=ATTACK_FAILURES,
                       detail_url=f"{base}/links/{link.id}")
    return False


# --- lists ----------------------------------------------------------------------------

def _status_filter(stmt, status: str | None, now: datetime):
    live_org = sa.select(Organization.id).where(Organization.status == "active")
    suspended = sa.or_(GuestLink.suspended_at.is_not(None),
                       GuestLink.organization_id.not_in(live_org))
    if status == "active":
        stmt = stmt.where(~suspended, GuestLink.revoked_at.is_(None),
                          GuestLink.used_up_at.is_(None), GuestLink.expires_at > now)
    elif status == "expired":
        stmt = stmt.where(~suspended, GuestLink.revoked_at.is_(None),
                          GuestLink.used_up_at.is_(None), GuestLink.expires_at <= now)
    elif status == "revoked":
        stmt = stmt.where(~suspended, GuestLink.revoked_at.is_not(None))
    elif status == "used_up":
        stmt = stmt.where(~suspended, GuestLink.revoked_at.is_(None),
                          GuestLink.used_up_at.is_not(None))
    elif status == "suspended":
        stmt = stmt.where(suspended)
    return stmt


def links_page(organization_id: int, *, created_by_id: int | None, status: str | None,
               now: datetime, page: int, per_page: int = 20):
    """Links of the organization (or of one creator), filtered by status, newest first, with
    their delivery and creator loaded (a count and 1–3 statements whatever the size)."""
    stmt = sa.select(GuestLink).where(GuestLink.organization_id == organization_id)
    if created_by_id is not None:
        stmt = stmt.where(GuestLink.created_by_id == created_by_id)
    stmt = _status_filter(stmt, status, now).options(
        joinedload(GuestLink.delivery), joinedload(GuestLink.created_by)
    ).order_by(GuestLink.created_at.desc(), GuestLink.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def access_log(link: GuestLink, limit: int = 500) -> list[GuestAccess]:
    return list(db.session.scalars(
        sa.select(GuestAccess).where(GuestAccess.link_id == link.id)
        .order_by(GuestAccess.occurred_at.desc(), GuestAccess.id.desc()).limit(limit)
    ))


# --- the organization's archive (issue 6, §14(5)) --------------------------------------

def archive_available(organization_id: int) -> bool:
    """Admins may download the organization's archive while it has a live contract: up to and
    including the last day of use (the contract ends, and the data is deleted, the day after)."""
    from portal.contracts.models import LIVE_STATUSES, Contract

    return db.session.scalar(sa.select(sa.exists().where(
        Contract.organization_id == organization_id, Contract.status.in_(LIVE_STATUSES)))) or False


def archive_entries(organization_id: int) -> tuple[list[StoredFile], list[str]]:
    """Every complete file of the organization and its entry name in the archive,
    `<date>_<subject>/<file name>` (the delivery's creation date in Japan; a folder name
    repeated by another delivery gets " (2)", a file name repeated within a delivery too).
    One statement; the files' bytes are read only while the zip streams."""
    from portal.rules.jst import JST
    from portal.sharing.downloads import zip_names

    rows = db.session.execute(
        sa.select(StoredFile, Delivery.id, Delivery.created_at, Delivery.subject)
        .join(Delivery, Delivery.id == StoredFile.delivery_id)
        .where(StoredFile.organization_id == organization_id,
               Delivery.organization_id == organization_id)
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


# --- end of contract (§14(5)) ----------------------------------------------------------

_PENDING_DELETIONS = "sharing_pending_file_deletions"


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
    files = db.session.execute(
        sa.delete(StoredFile).where(StoredFile.organization_id == organization_id)
        .execution_options(synchronize_session=False)).rowcount
    deliveries = db.session.execute(
        sa.delete(Delivery).where(Delivery.organization_id == organization_id)
        .execution_options(synchronize_session=False)).rowcount
    if keys:
        pending = db.session.info.setdefault(_PENDING_DELETIONS, [])
        pending.append((current_app.config["STORAGE_DIR"], keys))
    return (f"{deliveries} deliveries, {files} files, {links} guest links, "
            f"{accesses} access log entries")


@sa.event.listens_for(Session, "after_commit")
def _delete_files_after_commit(session) -> None:
    from portal.sharing.storage import LocalStorage

    for root, keys in session.info.pop(_PENDING_DELETIONS, []):
        storage = LocalStorage(root)
        for key in keys:
            storage.delete(key)


@sa.event.listens_for(Session, "after_rollback")
def _keep_files_after_rollback(session) -> None:
    session.info.pop(_PENDING_DELETIONS, None)


# --- §9(1) usage counters ---------------------------------------------------------------

def storage_bytes_used(organization_id: int) -> int:
    """Sum of the sizes of the organization's complete files."""
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StoredFile.size), 0))
        .where(StoredFile.organization_id == organization_id)
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
