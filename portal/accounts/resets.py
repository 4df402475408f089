"""Password reset by email, password change, and email-address change (SPEC §3.6).

Reset links are single use and expire after 1 hour; only the SHA-256 of the random token is
stored. Asking for a reset answers the same whether or not the address exists. Setting a new
password ends every session of the account (except the one changing it, for a change) and
clears `password_reset_required`. A new email address takes effect only when the link sent
to it is opened (24 hours).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import EmailChange, PasswordReset, User, UserSession
from portal.accounts.password_policy import password_problem
from portal.passwords import hash_password, verify_password
from portal.accounts.services import AccountError, end_all_sessions, record_event
from portal.domain import ClientInfo
from portal.tokens import token_hash
from portal.clock import now_utc
from portal.extensions import db
from portal.mail import queue_mail

RESET_LIFETIME = timedelta(hours=1)
EMAIL_CHANGE_LIFETIME = timedelta(hours=24)


def _link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def issue_reset(user: User, *, reason: str = "requested") -> str:
    """Create a reset link for `user` (earlier unused links stop working) and mail it."""
    now = now_utc()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=token_hash(token), reason=reason, created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    queue_mail(
        "password_reset", user.email, "password_reset", locale=user.locale or "ja",
        organization_id=user.organization_id, user=user, reason=reason,
        link=_link("/password-reset/" + token), expires_at=now + RESET_LIFETIME,
    )
    db.session.flush()
    return token


def request_reset(email: str, client: ClientInfo) -> None:
    """Mail a reset link to every active customer account with `email` (none: nothing).

    The caller shows the same answer either way. Locked accounts get no link: they are
    unlocked by staff or an admin first (a misuse report must not be undone by whoever
    holds the mailbox).
    """
    email = email.strip().lower()
    users = db.session.scalars(
        sa.select(User).where(sa.func.lower(User.email) == email, User.active.is_(True),
                              User.locked.is_(False))
    ).all()
    for user in users:
        issue_reset(user)
    record_event("password_reset_requested", client, email=email[:254], matched=len(users))


def find_reset(token: str) -> PasswordReset:
    """The usable reset for `token`; AccountError reset_invalid / reset_expired / reset_used."""
    row = None
    if token and len(token) <= 100:
        row = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if row is None:
        raise AccountError("reset_invalid")
    if row.used_at is not None:
        raise AccountError("reset_used")
    if now_utc() >= row.expires_at:
        raise AccountError("reset_expired")
    return row


def complete_reset(reset: PasswordReset, password: str, client: ClientInfo) -> User:
    """Set the new password, use up the link, end every session of the account."""
    user = reset.user
    if user.locked or not user.active:
        raise AccountError("reset_invalid")
    _set_password(user, password)
    reset.used_at = now_utc()
    end_all_sessions(user, "password_reset")
    record_event("password_reset", client, user=user)
    queue_mail("password_changed", user.email, "password_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user)
    return user


def change_password(user: User, current: str, new: str, client: ClientInfo,
                    keep: UserSession | None) -> int:
    """Change the password after checking the current one; ends the other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong_password")
    _set_password(user, new)
    ended = end_all_sessions(user, "password_changed", keep=keep)
    record_event("password_changed", client, user=user, ended_sessions=ended)
    queue_mail("password_changed", user.email, "password_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user)
    return ended


def _set_password(user: User, password: str) -> None:
    problem = password_problem(password, (user.login_id, user.name, user.email))
    if problem:
        raise AccountError("password_" + problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = now_utc()
    user.password_reset_required = False


def force_reset(user: User, *, by: User, client: ClientInfo) -> None:
    """Admin action: the password stops working, sessions end, a reset link is mailed."""
    user.password_reset_required = True
    end_all_sessions(user, "password_reset_forced")
    issue_reset(user, reason="forced")
    record_event("password_reset_forced", client, user=user, by_user_id=by.id)


def request_email_change(user: User, new_email: str, client: ClientInfo) -> None:
    """Mail a confirmation link to `new_email`; the address changes when it is opened."""
    now = now_utc()
    token = secrets.token_urlsafe(32)
    db.session.add(EmailChange(user_id=user.id, new_email=new_email.strip(), token_hash=token_hash(token),
                               created_at=now, expires_at=now + EMAIL_CHANGE_LIFETIME))
    queue_mail("email_change", new_email.strip(), "email_change", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user,
               link=_link("/account/email/" + token), expires_at=now + EMAIL_CHANGE_LIFETIME)
    record_event("email_change_requested", client, user=user, new_email=new_email.strip())


def confirm_email_change(token: str, client: ClientInfo) -> User:
    row = None
    if token and len(token) <= 100:
        row = db.session.scalar(sa.select(EmailChange).where(EmailChange.token_hash == token_hash(token)))
    if row is None or row.confirmed_at is not None or now_utc() >= row.expires_at:
        raise AccountError("email_change_invalid")
    user = row.user
    old = user.email
    user.email = row.new_email
    row.confirmed_at = now_utc()
    queue_mail("email_changed", old, "email_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user, new_email=row.new_email)
    record_event("email_changed", client, user=user, old_email=old, new_email=row.new_email)
    return user
