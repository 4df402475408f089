"""A guest link's password and its throttle (SPEC §3.7; docs/decisions.md).

Wrong passwords are logged in the link's access log. Per link and address a growing delay
follows FREE_FAILURES failures; many failures on a link from all addresses raise every
failing address's delay to at least ATTACK_DELAY and mail the creator (at most once a day).
Never a permanent lock: an address that has not failed always gets its try.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.passwords import dummy_verify, verify_password
from portal.sharing.models import GuestAccess, GuestLink
from portal.sharing.services.common import SharingError
from portal.sharing.services.guest_access import record_access
from portal.web import external_url

FAILURE_WINDOW = timedelta(hours=1)
FREE_FAILURES = 3
MAX_DELAY = 300
ATTACK_FAILURES = 30
ATTACK_DELAY = 30


def unlock(link: GuestLink, password: str, client: ClientInfo, now: datetime) -> None:
    """Let a guest past the link's password.

    Errors (SharingError, field password): password_wait (details: wait, the seconds this
    address must still wait; nothing is logged); wrong_password (the failure is logged and
    may mail the creator — the caller commits that log although it refuses)."""
    wait = password_wait(link, client.ip_address, now)
    if wait:
        raise SharingError("password_wait", field="password", wait=wait)
    if not check_password(link, password, client, now):
        raise SharingError("wrong_password", field="password")


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
        own_last = own_last.replace(tzinfo=UTC)
    remaining = (own_last + timedelta(seconds=delay) - now).total_seconds()
    return max(int(remaining + 0.999), 0)


def link_failures(link: GuestLink, now: datetime) -> int:
    """Wrong passwords on the link from all addresses within FAILURE_WINDOW."""
    return db.session.scalar(
        sa.select(sa.func.count(GuestAccess.id)).where(
            GuestAccess.link_id == link.id, GuestAccess.kind == "password_failed",
            GuestAccess.occurred_at > now - FAILURE_WINDOW,
        )
    ) or 0


def check_password(link: GuestLink, password: str, client: ClientInfo, now: datetime) -> bool:
    """Verify a guest's password; a failure is logged, and when the link is under attack its
    creator is mailed (at most once a day). A link without a password accepts any (after a
    dummy verification, so both answer alike)."""
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
            queue_mail("guest_link_attack", creator.email, "sharing_attack",
                       locale=creator.locale or "ja", organization_id=link.organization_id,
                       link=link, subject=link.delivery.subject, failures=ATTACK_FAILURES,
                       detail_url=external_url("sharing.link", link_id=link.id))
    return False
