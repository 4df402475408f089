"""Password reset by email (SPEC §3.6): asking for a link, opening it, setting the new
password; and the admin's "force a password reset".

Reset links are single use and expire after 1 hour; only the SHA-256 of the random token is
stored, and the mail's body only sealed until delivery (`portal.mail`). Asking for a reset
answers the same whether or not the address exists, after about the same work (the mail is
rendered and sealed either way, and only queued in the outbox, never sent inline). Asking
again does not void the earlier link (a stranger asking for resets cannot keep the owner's
link from working), and each account gets at most RESETS_PER_ACCOUNT links per
RESET_LIMIT_WINDOW whoever asks from wherever (no mailbox flood); the per-address limit is
the view's. Setting a new password uses up every open link of the account, ends every
session and clears `password_reset_required`. A forced or unlock reset voids earlier links.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.models import PasswordReset, User
from portal.accounts.password_policy import set_password
from portal.accounts.signin.services import end_all_sessions
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.sealing import seal
from portal.tokens import new_token, token_hash
from portal.web import external_url

RESET_LIFETIME = timedelta(hours=1)
RESETS_PER_ACCOUNT = 3
RESET_LIMIT_WINDOW = timedelta(hours=1)


def _void_open_links(user: User, now) -> None:
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )


def issue_reset(user: User, *, reason: str = "requested") -> str:
    """Create a reset link for `user` and mail it; returns the raw token. `reason`:
    requested (earlier links stay valid), forced or unlocked (earlier links stop working)."""
    now = now_utc()
    if reason != "requested":
        _void_open_links(user, now)
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
        link=external_url("accounts.password_reset", token=token), expires_at=now + RESET_LIFETIME,
        secret_fields=("link",),
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
    issued = 0
    for user in users:
        if recent_resets(user) < RESETS_PER_ACCOUNT:
            issue_reset(user)
            issued += 1
    if not issued:
        _same_work()
    record_event("password_reset_requested", client, email=email[:254], matched=len(users),
                 issued=issued)


def recent_resets(user: User) -> int:
    """Reset links mailed to `user` on request within RESET_LIMIT_WINDOW."""
    return db.session.scalar(sa.select(sa.func.count(PasswordReset.id)).where(
        PasswordReset.user_id == user.id, PasswordReset.reason == "requested",
        PasswordReset.created_at > now_utc() - RESET_LIMIT_WINDOW)) or 0


def _same_work() -> None:
    """What issuing a link costs (render and seal the mail), done for nothing, so an
    unknown or limited address answers in about the time of a known one."""
    with force_locale("ja"):
        body = render_template("email/password_reset.txt", reason="requested", user={"login_id": ""},
                               link=external_url("accounts.password_reset", token=new_token()),
                               expires_at=now_utc())
    seal(body)


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
    """Set the new password, use up the link, end every session of the account.

    Errors (AccountError, field "password"): reset_invalid (the account is locked or
    deactivated meanwhile), the password policy's codes (`set_password`)."""
    user = reset.user
    if user.locked or not user.active:
        raise AccountError("reset_invalid", field="password")
    set_password(user, password)
    _void_open_links(user, now_utc())  # this link and any other still open
    reset.used_at = now_utc()
    end_all_sessions(user, "password_reset")
    record_event("password_reset", client, user=user)
    queue_mail("password_changed", user.email, "password_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user)
    return user


def force_reset(user: User, *, by: User, client: ClientInfo) -> None:
    """Admin action: the password stops working, sessions end, a reset link is mailed."""
    user.password_reset_required = True
    end_all_sessions(user, "password_reset_forced")
    issue_reset(user, reason="forced")
    record_event("password_reset_forced", client, user=user, by_user_id=by.id)
