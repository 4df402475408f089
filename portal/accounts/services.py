"""Sign-in, server-side sessions and the security audit log.

Services add and flush; the view that called them commits once. Errors that a page shows
are raised as `AccountError` with a code the view maps to a translated message.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import AuditEvent, Organization, User, UserSession
from portal.accounts.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from portal.clock import now_utc
from portal.extensions import db

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


class AccountError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from; recorded with sessions and audit events."""

    ip_address: str = ""
    user_agent: str = ""


def token_hash(token: str) -> str:
    """SHA-256 of a random token: tokens are stored only as hashes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def record_event(
    event: str,
    client: ClientInfo,
    *,
    user: User | None = None,
    login_id: str = "",
    **details,
) -> AuditEvent:
    """Add one audit event (sign_in, sign_in_failed, sign_out, …) to the session."""
    audit = AuditEvent(
        event=event,
        user_id=user.id if user else None,
        organization_id=user.organization_id if user else None,
        login_id=(user.login_id if user else login_id)[:64],
        ip_address=client.ip_address[:45],
        user_agent=client.user_agent[:500],
        details=details,
    )
    db.session.add(audit)
    return audit


def authenticate(login_id: str, password: str, client: ClientInfo) -> User | None:
    """Check a login ID and password. Returns the user, or None for any failure.

    Unknown IDs, wrong passwords, inactive and locked accounts all return None after the
    same amount of hashing work, so the answer tells an attacker nothing. The failure is
    audited with the login ID that was tried.
    """
    user = db.session.scalar(sa.select(User).where(User.login_id == login_id))
    if user is None:
        dummy_verify(password)
        record_event("sign_in_failed", client, login_id=login_id, reason="unknown_login_id")
        return None
    if not verify_password(user.password_hash, password):
        record_event("sign_in_failed", client, user=user, reason="wrong_password")
        return None
    if not user.is_active:
        record_event(
            "sign_in_failed", client, user=user, reason="locked" if user.locked else "inactive"
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


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


def find_live_session(token: str, idle: timedelta, lifetime: timedelta) -> UserSession | None:
    """The open session for a cookie token, or None when unknown, ended, idle too long or
    older than its absolute lifetime (an expired session is ended on the way)."""
    if not token:
        return None
    row = db.session.scalar(
        sa.select(UserSession).where(
            UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None)
        )
    )
    if row is None:
        return None
    now = now_utc()
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


def create_user(
    *,
    login_id: str,
    email: str,
    password: str,
    name: str = "",
    organization: Organization | None = None,
    role: str = "user",
    is_staff: bool = False,
) -> User:
    """Create a user (a staff account when `is_staff`); the login ID must be free."""
    if db.session.scalar(sa.select(sa.func.count()).where(User.login_id == login_id)):
        raise AccountError("login_id_taken")
    user = User(
        login_id=login_id,
        email=email,
        name=name,
        password_hash=hash_password(password),
        organization=organization,
        role=role,
        is_staff=is_staff,
    )
    db.session.add(user)
    db.session.flush()
    return user


def organization_users(organization_id: int, *, page: int = 1, per_page: int = 50):
    """Users of one organization, ordered by login ID, paginated."""
    return db.paginate(
        sa.select(User).where(User.organization_id == organization_id).order_by(User.login_id),
        page=page,
        per_page=per_page,
        error_out=False,
    )
