"""A guest link's password and its throttles (SPEC §3.7; issue 14 §4; docs/security.md).

Wrong passwords are logged in the link's access log. Two throttles:

- per link and address, a growing delay after FREE_FAILURES failures; many failures on a
  link from all addresses raise every failing address's delay to at least ATTACK_DELAY;
- per link, a guess budget shared by every browser that has never entered the link's right
  password: LINK_BUDGET guesses per BUDGET_WINDOW, reserved atomically before the password
  is checked (a conditional UPDATE on the link row), so parallel guesses from any number of
  addresses cannot exceed it. A browser that entered the right password once is remembered
  (a signed cookie, `known`) and never spends the budget, so others cannot keep the real
  recipient out once they got in. When the budget runs out the creator is mailed (at most
  once a day).

Link passwords have at least MIN_PASSWORD characters; `suggest_password` offers one.
"""
from __future__ import annotations

import secrets
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
LINK_BUDGET = 10
BUDGET_WINDOW = timedelta(hours=1)
MIN_PASSWORD = 8
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


def suggest_password() -> str:
    """A random link password to offer: 16 characters of a 56-letter alphabet without look-
    alikes, in groups of four (about 92 bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def unlock(link: GuestLink, password: str, client: ClientInfo, now: datetime, *,
           known: bool = False) -> None:
    """Let a guest past the link's password. `known`: this browser entered the right
    password of this link before (it spends no budget).

    Errors (SharingError, field password): password_wait (details: wait, the seconds this
    address or — the budget spent — every unknown browser must still wait; nothing is
    checked); wrong_password (the failure is logged and may mail the creator — the caller
    commits that log and the spent guess although it refuses)."""
    wait = password_wait(link, client.ip_address, now)
    if wait:
        raise SharingError("password_wait", field="password", wait=wait)
    reserved = False
    if link.password_hash is not None and not known:
        if not reserve_guess(link, now):
            notify_attack(link, now)
            raise SharingError("password_wait", field="password", wait=budget_wait(link, now))
        reserved = True
    if not check_password(link, password, client, now):
        raise SharingError("wrong_password", field="password")
    if reserved:  # the right password is no guess spent
        db.session.execute(sa.update(GuestLink).where(
            GuestLink.id == link.id, GuestLink.guesses_in_window > 0)
            .values(guesses_in_window=GuestLink.guesses_in_window - 1)
            .execution_options(synchronize_session=False))


def reserve_guess(link: GuestLink, now: datetime) -> bool:
    """Take one guess of the link's shared budget, atomically; False when it is spent.

    A fixed window: the first guess after BUDGET_WINDOW opens a new one. Both steps are one
    conditional UPDATE each, so concurrent requests serialize on the link row."""
    opened = db.session.execute(
        sa.update(GuestLink).where(
            GuestLink.id == link.id,
            sa.or_(GuestLink.guess_window_started_at.is_(None),
                   GuestLink.guess_window_started_at <= now - BUDGET_WINDOW))
        .values(guess_window_started_at=now, guesses_in_window=1)
        .execution_options(synchronize_session=False))
    if opened.rowcount == 1:
        return True
    taken = db.session.execute(
        sa.update(GuestLink).where(
            GuestLink.id == link.id, GuestLink.guesses_in_window < LINK_BUDGET,
            GuestLink.guess_window_started_at > now - BUDGET_WINDOW)
        .values(guesses_in_window=GuestLink.guesses_in_window + 1)
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def budget_wait(link: GuestLink, now: datetime) -> int:
    """Seconds until the link's guess budget opens again (at least 1)."""
    started = db.session.scalar(
        sa.select(GuestLink.guess_window_started_at).where(GuestLink.id == link.id))
    if started is None:
        return 1
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return max(int((started + BUDGET_WINDOW - now).total_seconds() + 0.999), 1)


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
    if link_failures(link, now) >= ATTACK_FAILURES:
        notify_attack(link, now)
    return False


def notify_attack(link: GuestLink, now: datetime) -> None:
    """Mail the creator that the link is being guessed (at most once a day)."""
    if link.attack_notified_at is not None and link.attack_notified_at >= now - timedelta(days=1):
        return
    link.attack_notified_at = now
    creator = db.session.get(User, link.created_by_id)
    if creator is not None and creator.active:
        queue_mail("guest_link_attack", creator.email, "sharing_attack",
                   locale=creator.locale or "ja", organization_id=link.organization_id,
                   link=link, subject=link.delivery.subject, private_fields=("subject",),
                   failures=max(link_failures(link, now), LINK_BUDGET),
                   detail_url=external_url("sharing.link", link_id=link.id))
