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
from portal.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.tokens import token_hash
from portal.extensions import db

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


class AccountError(Exception):
    """A refusal the page shows: `code` maps to a translated message, `clause` (e.g.
    "§31(5)") is the terms clause behind it, when there is one."""

    def __init__(self, code: str, clause: str | None = None):
        super().__init__(code)
        self.code = code
        self.clause = clause


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


@dataclass
class SignInResult:
    """The outcome of checking a login ID and password: `user` when they are right and the
    account may sign in; otherwise `reason` (failure, throttled, reset_required) and, when
    throttled, `retry_at`."""

    user: User | None = None
    reason: str = "failure"
    retry_at: object = None


def check_sign_in(login_id: str, password: str, client: ClientInfo) -> SignInResult:
    """Check a login ID and password, with the growing delay of `portal.accounts.lockout`.

    Unknown IDs, wrong passwords, inactive and locked accounts all give reason "failure"
    after the same amount of hashing work, so the answer tells an attacker nothing. While a
    login ID is throttled the password is not checked at all. A right password on an account
    that must reset it gives "reset_required". Failures are audited with the ID tried.
    """
    from portal.accounts import lockout

    now = now_utc()
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
    return SignInResult(user=user, reason="")


def authenticate(login_id: str, password: str, client: ClientInfo) -> User | None:
    """The user for a right login ID and password that may sign in, else None."""
    return check_sign_in(login_id, password, client).user


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


def search_organization_users(organization_id: int, *, q: str = "", page: int = 1, per_page: int = 50):
    """Users of one organization whose name, login ID or email contains `q`, paginated."""
    stmt = sa.select(User).where(User.organization_id == organization_id)
    q = q.strip()[:100]
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern, escape="\\"),
                sa.func.lower(User.login_id).like(pattern, escape="\\"),
                sa.func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    return db.paginate(stmt.order_by(User.login_id), page=page, per_page=per_page, error_out=False)


def _lock_organization(organization_id: int) -> None:
    # Serialises admin changes within one organization (PostgreSQL row lock), so two admins
    # demoting each other at the same moment cannot leave the organization without one.
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == organization_id).with_for_update()
    )


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.organization_id == user.organization_id,
            User.id != user.id,
            User.role == "admin",
            User.active.is_(True),
            User.locked.is_(False),
        )
    ) or 0


def change_role(user: User, role: str, *, by: User, client: ClientInfo) -> None:
    """Make `user` an admin or a user; the organization keeps at least one active admin."""
    from portal.accounts.models import ROLES

    if role not in ROLES:
        raise AccountError("invalid_role")
    if role == user.role:
        return
    _lock_organization(user.organization_id)
    if user.role == "admin" and _other_active_admins(user) == 0:
        raise AccountError("last_admin")
    old, user.role = user.role, role
    record_event("role_changed", client, user=user, by_user_id=by.id, old=old, new=role)


def deactivate_user(user: User, *, by: User, client: ClientInfo) -> None:
    """Deactivate `user`: sign-in stops and every session ends (not the last admin)."""
    if user.id == by.id:
        raise AccountError("self_deactivate")
    _lock_organization(user.organization_id)
    if user.role == "admin" and _other_active_admins(user) == 0:
        raise AccountError("last_admin")
    user.active = False
    end_all_sessions(user, "deactivated")
    record_event("user_deactivated", client, user=user, by_user_id=by.id)


def reactivate_user(user: User, *, by: User, client: ClientInfo) -> None:
    """Reactivate a deactivated user; counts against the users quota (§9(1))."""
    if user.active:
        return
    from portal.contracts.quotas import check_quota

    check_quota(user.organization_id, "users", adding=1)
    user.active = True
    record_event("user_reactivated", client, user=user, by_user_id=by.id)


def set_require_two_factor(organization: Organization, required: bool, *, by: User, client: ClientInfo) -> None:
    organization.require_two_factor = required
    record_event("two_factor_requirement_changed", client, user=by, required=required)
