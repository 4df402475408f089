"""The signed-in user's own account (SPEC §3.6): the name, the email address (it changes only
when the link sent to the new address is opened, 24 hours) and the password (after the current
one; the other sessions end). Services add and flush; the view commits once."""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.models import EmailChange, User, UserSession
from portal.accounts.password_policy import set_password
from portal.accounts.signin.services import end_all_sessions
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.passwords import verify_password
from portal.tokens import token_hash
from portal.web import external_url

EMAIL_CHANGE_LIFETIME = timedelta(hours=24)


def update_profile(user: User, *, name: str, email: str, client: ClientInfo) -> tuple[bool, bool]:
    """Save a new name at once and ask for a new email address by a confirmation link.
    Returns (name changed, confirmation link sent)."""
    name_changed = name.strip() != user.name
    if name_changed:
        user.name = name.strip()
        record_event("profile_changed", client, user=user)
    email_requested = email.strip().lower() != user.email.lower()
    if email_requested:
        request_email_change(user, email, client)
    return name_changed, email_requested


def request_email_change(user: User, new_email: str, client: ClientInfo) -> None:
    """Mail a confirmation link to `new_email`; the address changes when it is opened."""
    now = now_utc()
    token = secrets.token_urlsafe(32)
    db.session.add(EmailChange(user_id=user.id, new_email=new_email.strip(), token_hash=token_hash(token),
                               created_at=now, expires_at=now + EMAIL_CHANGE_LIFETIME))
    queue_mail("email_change", new_email.strip(), "email_change", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user,
               link=external_url("accounts.confirm_email", token=token),
               expires_at=now + EMAIL_CHANGE_LIFETIME, secret_fields=("link",))
    record_event("email_change_requested", client, user=user, new_email=new_email.strip())


def find_email_change(token: str) -> EmailChange:
    """The unconfirmed, unexpired change for a link's token; AccountError email_change_invalid."""
    row = None
    if token and len(token) <= 100:
        row = db.session.scalar(sa.select(EmailChange).where(EmailChange.token_hash == token_hash(token)))
    if row is None or row.confirmed_at is not None or now_utc() >= row.expires_at:
        raise AccountError("email_change_invalid")
    return row


def confirm_email_change(row: EmailChange, client: ClientInfo) -> User:
    """The link was opened: the new address applies; the old address is told."""
    user = row.user
    old = user.email
    user.email = row.new_email
    row.confirmed_at = now_utc()
    queue_mail("email_changed", old, "email_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user, new_email=row.new_email)
    record_event("email_changed", client, user=user, old_email=old, new_email=row.new_email)
    return user


def change_password(user: User, current: str, new: str, client: ClientInfo,
                    keep: UserSession | None) -> int:
    """Change the password after checking the current one; ends the other sessions (all but
    `keep`) and returns how many. Errors (AccountError): wrong_password (field
    "current_password"), the password policy's codes (field "password")."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong_password", field="current_password")
    set_password(user, new)
    ended = end_all_sessions(user, "password_changed", keep=keep)
    record_event("password_changed", client, user=user, ended_sessions=ended)
    queue_mail("password_changed", user.email, "password_changed", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user)
    return ended
