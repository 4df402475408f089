"""Guest links to a delivery (SPEC §3.7; terms §1(5), §7(4)): creating one (the token is
shown once, only its hash is stored), finding a link by its URL token, its status, revoking,
suspending a misuser's links, and the lists and access log the customer pages show.

A link's status is computed, never stored: deleted, suspended (also when the organization is
no longer active), revoked, used up, expired or active — see `GuestLink.status`.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.contracts.quotas import check_quota
from portal.extensions import db
from portal.pagination import KeysetPage, Seek, keyset_page
from portal.passwords import hash_password
from portal.sharing.models import Delivery, GuestAccess, GuestLink
from portal.sharing.services.common import SharingError, organization_status
from portal.sharing.services.settings import max_link_days
from portal.tokens import new_token, token_hash

TOKEN_BYTES = 24  # 192 bits of randomness; 32 URL-safe characters
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
LINK_STATUSES = ("active", "expired", "revoked", "used_up", "suspended")  # + "deleted"
MIN_LINK_PASSWORD = 8  # with the per-link guess budget: docs/security.md


def create_link(delivery: Delivery, user: User, *, days: int, password: str | None = None,
                max_downloads: int | None = None, notify_on_download: bool = False,
                label: str = "", form_token: str | None = None) -> tuple[GuestLink, str]:
    """Create a guest link to `delivery`; returns (link, token). The token is shown once:
    only its SHA-256 is stored.

    Errors (SharingError): days_out_of_range (field days; details: maximum, the
    organization's maximum counted from the link's creation), invalid_max_downloads (field
    max_downloads), password_too_short (field password, fewer than MIN_LINK_PASSWORD
    characters), duplicate_submit; QuotaExceeded (active guest links, §9(1)).
    """
    if password and len(password) < MIN_LINK_PASSWORD:
        raise SharingError("password_too_short", field="password", minimum=MIN_LINK_PASSWORD)
    maximum = max_link_days(delivery.organization_id)
    if not 1 <= days <= maximum:
        raise SharingError("days_out_of_range", field="days", maximum=maximum)
    if max_downloads is not None and max_downloads < 1:
        raise SharingError("invalid_max_downloads", field="max_downloads")
    if form_token and db.session.scalar(
        sa.select(GuestLink.id).where(GuestLink.form_token == form_token)
    ):
        raise SharingError("duplicate_submit")
    check_quota(delivery.organization_id, "guest_links", adding=1)
    token = new_token(TOKEN_BYTES)
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


def link_status(link: GuestLink, now: datetime) -> str:
    """The link's status at `now`, its organization's status included (one query)."""
    return link.status(now, organization_status(link.organization_id))


def revoke_link(link: GuestLink, by: User) -> None:
    """Revoke a link at once; it keeps its access log. Revoking twice is a no-op."""
    if link.revoked_at is None:
        link.revoked_at = now_utc()
        link.revoked_by_id = by.id
        db.session.flush()


def suspend_links_created_by(user_ids: list[int], reason: str = "misuse_report") -> int:
    """Suspend every active link these users created (§7(4)) in one UPDATE; returns how many.

    Links already revoked, suspended or used up are left as they are. Registered as the
    accounts `users_contained` hook."""
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
               now: datetime, page: int = 1, seek: Seek | None = None,
               per_page: int = 20) -> KeysetPage:
    """Links of the organization (or of one creator), filtered by status, newest first, with
    their delivery and creator loaded: a keyset page (one statement, no count, read through
    the (organization or creator, created_at, id) index whatever the depth)."""
    stmt = sa.select(GuestLink).where(GuestLink.organization_id == organization_id)
    if created_by_id is not None:
        stmt = stmt.where(GuestLink.created_by_id == created_by_id)
    stmt = _status_filter(stmt, status, now).options(
        joinedload(GuestLink.delivery), joinedload(GuestLink.created_by))
    return keyset_page(stmt, GuestLink.created_at, GuestLink.id, seek=seek or Seek(page=page),
                       per_page=per_page)


def status_filter(value: str | None) -> str | None:
    """The list filter a query-string value asks for, or None (all links; "deleted" is not
    a filter)."""
    return value if value in LINK_STATUSES else None


def access_log(link: GuestLink, seek: Seek | None = None, per_page: int = 50) -> KeysetPage:
    """The link's access log, newest first, a keyset page at a time (one statement through
    the (link_id, occurred_at, id) index; a link can be opened millions of times)."""
    return keyset_page(sa.select(GuestAccess).where(GuestAccess.link_id == link.id),
                       GuestAccess.occurred_at, GuestAccess.id, seek=seek or Seek(),
                       per_page=per_page)
