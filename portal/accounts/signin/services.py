"""Sign-in and server-side sessions: checking a login ID and password (with the device
cookies of `trusted_devices` and, for unknown browsers, the growing delay of `lockout`),
opening a session (with the new-device alert of `devices`), finding the live
session of a cookie, and ending one, all or the other sessions of a user.

Services add and flush; the view that called them commits once. The sign-in check never
raises: a refused attempt is a `SignInResult` the view shows with the one generic error, and
its audit event must be committed even so (the delay counts those events).
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.audit import record_event
from portal.accounts.models import User, UserSession
from portal.accounts.signin import devices, lockout, trusted_devices
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.extensions import db
from portal.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from portal.tokens import token_hash

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass
class SignInResult:
    """The outcome of checking a login ID and password: `user` when they are right and the
    account may sign in; otherwise `reason` (failure, throttled, reset_required) and, when
    throttled, `retry_at`."""

    user: User | None = None
    reason: str = "failure"
    retry_at: object = None
    device: object = None  # the TrustedDevice of the browser, when it has one for this ID


def check_sign_in(login_id: str, password: str, client: ClientInfo,
                  device_tokens: list[str] | None = None) -> SignInResult:
    """Check a login ID and password. `device_tokens` are the browser's device cookie
    tokens: a browser trusted for this login ID is judged on its own failures only
    (`trusted_devices`); any other browser first passes the growing delay of `lockout`.

    Unknown IDs, wrong passwords, inactive and locked accounts all give reason "failure"
    after the same amount of hashing work, so the answer tells an attacker nothing. While a
    login ID is throttled for unknown browsers their password is not checked at all. A right
    password on an account that must reset it gives "reset_required". Failures are audited
    with the ID tried (the caller commits them too): "sign_in_failed" from unknown browsers
    (what the delay counts), "sign_in_failed_device" from a trusted one.
    """
    now = now_utc()
    device = trusted_devices.find(login_id, device_tokens or [])
    if device is None:
        wait_until = lockout.retry_at(login_id, now)
        if wait_until is not None:
            record_event("sign_in_throttled", client, login_id=login_id)
            return SignInResult(reason="throttled", retry_at=wait_until)
    user = db.session.scalar(sa.select(User).where(User.login_id == login_id))
    if user is None:
        dummy_verify(password)
        record_event("sign_in_failed", client, login_id=login_id, reason="unknown_login_id")
        db.session.flush()
        return SignInResult()
    if not verify_password(user.password_hash, password):
        if device is not None:
            revoked = trusted_devices.failed(device)
            record_event("sign_in_failed_device", client, user=user, reason="wrong_password",
                         device_revoked=revoked)
            return SignInResult()
        record_event("sign_in_failed", client, user=user, reason="wrong_password")
        db.session.flush()
        lockout.after_failure(user, user.login_id, now, ip_address=client.ip_address)
        return SignInResult()
    if not user.is_active:
        record_event(
            "sign_in_failed", client, user=user, reason="locked" if user.locked else "inactive"
        )
        return SignInResult()
    if user.password_reset_required:
        record_event("sign_in_failed", client, user=user, reason="reset_required")
        return SignInResult(reason="reset_required")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignInResult(user=user, reason="", device=device)


def authenticate(login_id: str, password: str, client: ClientInfo) -> User | None:
    """The user for a right login ID and password that may sign in, else None."""
    return check_sign_in(login_id, password, client).user


def second_factor_user(user_id: int) -> User | None:
    """The user waiting at the two-factor step, or None when the account is gone, inactive or
    no longer has two-factor sign-in."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.two_factor_enabled:
        return None
    return user


def sign_in_user(user: User, client: ClientInfo,
                 device_tokens: list[str] | None = None) -> tuple[str, str | None]:
    """The last step of sign-in (after the password and, if on, the second factor): mail the
    new-device alert when the browser or address is new, open the session, and trust this
    browser for the account (`trusted_devices`). Returns the session token for the cookie
    and a new device token for the device cookie (None when the browser was trusted already)."""
    devices.alert_if_new_device(user, client)
    device = trusted_devices.find(user.login_id, device_tokens or [])
    new_device = trusted_devices.signed_in(user, device)
    return start_session(user, client), new_device


def start_session(user: User, client: ClientInfo) -> str:
    """Open a server-side session for `user`; returns the random token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            ip_address=client.ip_address[:45],
            user_agent=client.user_agent[:500],
        )
    )
    user.last_sign_in_at = now
    record_event("sign_in", client, user=user)
    db.session.flush()
    return token


@functools.cache
def _live_session_stmt() -> sa.Select:
    """Built once per process (building a statement costs as much as running it here)."""
    return sa.select(UserSession).where(
        UserSession.token_hash == sa.bindparam("token_hash"), UserSession.ended_at.is_(None)
    ).options(joinedload(UserSession.user).joinedload(User.organization))


def find_live_session(token: str, idle: timedelta, lifetime: timedelta, *,
                      staff_idle: timedelta | None = None) -> UserSession | None:
    """The open session for a cookie token, or None when unknown, ended, idle too long
    (`staff_idle` for a staff member's session) or older than its absolute lifetime (an
    expired session is ended on the way)."""
    if not token:
        return None
    # The user and their organization come with the session row: every signed-in request
    # needs both (roles, the suspension gate), so one query serves them.
    row = db.session.scalar(_live_session_stmt(), {"token_hash": token_hash(token)})
    if row is None:
        return None
    now = now_utc()
    if staff_idle is not None and row.user.is_staff:
        idle = min(idle, staff_idle)
    if now - row.last_seen_at > idle:
        end_session(row, "idle_timeout")
        return None
    if now - row.created_at > lifetime:
        end_session(row, "lifetime")
        return None
    if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
    return row


def end_session(row: UserSession, reason: str) -> None:
    row.ended_at = now_utc()
    row.end_reason = reason


def end_all_sessions(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End every open session of `user` (except `keep`); returns how many were ended."""
    stmt = (
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now_utc(), end_reason=reason)
    )
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    return db.session.execute(stmt).rowcount


def sign_out(token: str, user: User, client: ClientInfo) -> None:
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == token_hash(token))
    )
    if row is not None and row.ended_at is None:
        end_session(row, "sign_out")
    record_event("sign_out", client, user=user)


def open_session_of(user: User, session_id: int) -> UserSession | None:
    """One of the user's own open sessions by its ID, else None (another user's too)."""
    return db.session.scalar(sa.select(UserSession).where(
        UserSession.id == session_id, UserSession.user_id == user.id,
        UserSession.ended_at.is_(None)))


def end_own_session(user: User, row: UserSession, client: ClientInfo) -> None:
    """The user ends one of their own sessions (the sessions page); audited."""
    end_session(row, "ended_by_user")
    record_event("session_ended", client, user=user, session_id=row.id)


def end_other_sessions(user: User, current: UserSession | None, client: ClientInfo) -> int:
    """The user ends every session but `current`; returns how many were ended (audited)."""
    n = end_all_sessions(user, "ended_by_user", keep=current)
    record_event("sessions_ended", client, user=user, count=n)
    return n
