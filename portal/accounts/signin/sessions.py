"""Flask-Login wired to server-side sessions, and what sign-in keeps in the signed cookie.

The signed cookie holds only a random session token (`sid`); the user is loaded through the
open `UserSession` row with that token's hash. Ending the row (sign-out, "end all sessions",
a misuse report, idle timeout, absolute lifetime) ends the session even for a copied cookie.
Between the password and the two-factor code the cookie holds the pending step instead
(user ID, time, `next`; 5 minutes), never a session token.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from portal.accounts.models import User
from portal.accounts.signin.services import find_live_session
from portal.clock import now_utc
from portal.extensions import db, login_manager

SESSION_KEY = "sid"
PENDING_2FA_KEY = "pending_2fa"
PENDING_2FA_LIFETIME = 300


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of the cookie's live session, else None."""
    cfg = current_app.config
    row = find_live_session(
        session.get(SESSION_KEY, ""), cfg["SESSION_IDLE_TIMEOUT"], cfg["SESSION_ABSOLUTE_LIFETIME"]
    )
    if row is None or str(row.user_id) != user_id or not row.user.is_active:
        _commit_if_dirty()
        return None
    g.user_session = row
    _commit_if_dirty()
    return row.user


def _commit_if_dirty() -> None:
    # Touching last_seen_at or ending an expired session is bookkeeping of its own, not part
    # of the request's business transaction, so it is committed here and now.
    if db.session.dirty:
        db.session.commit()


def open_browser_session(user: User, token: str) -> None:
    """Put a new session's token in a fresh cookie and sign the user in (after the commit)."""
    session.clear()
    session[SESSION_KEY] = token
    login_user(user)


def await_second_factor(user: User, target: str | None) -> None:
    """The password was right and the account has two-factor sign-in: remember who is at the
    code step (5 minutes) and where to go after it, in a fresh cookie."""
    session.clear()
    session[PENDING_2FA_KEY] = {"user_id": user.id, "at": int(now_utc().timestamp()),
                                "next": target or ""}


def pending_second_factor() -> dict | None:
    """The pending code step ({"user_id", "at", "next"}), or None (forgotten) when there is
    none or it is older than 5 minutes."""
    pending = session.get(PENDING_2FA_KEY)
    if not pending or now_utc().timestamp() - pending.get("at", 0) > PENDING_2FA_LIFETIME:
        forget_second_factor()
        return None
    return pending


def forget_second_factor() -> None:
    session.pop(PENDING_2FA_KEY, None)


def pending_second_factor_key() -> str:
    """The rate-limit key of the code step: the pending user, else the address."""
    pending = session.get(PENDING_2FA_KEY) or {}
    return "2fa:" + str(pending.get("user_id", request.remote_addr))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
