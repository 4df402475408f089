"""Flask-Login wired to server-side sessions, and what sign-in keeps in the signed cookie.

The signed cookie holds only a random session token (`sid`); the user is loaded through the
open `UserSession` row with that token's hash. Ending the row (sign-out, "end all sessions",
a misuse report, idle timeout, absolute lifetime) ends the session even for a copied cookie.
Between the password and the two-factor code the cookie holds the pending step instead
(user ID, time, `next`; 5 minutes), never a session token.

The device cookie (`DEVICE_COOKIE_NAME`, HttpOnly, SameSite=Lax, Secure and `__Host-` over
HTTPS, 180 days) carries the browser's device tokens (`trusted_devices`); staff sessions
idle out after `STAFF_SESSION_IDLE_TIMEOUT`, customers' after `SESSION_IDLE_TIMEOUT`.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from portal.accounts.models import User
from portal.accounts.signin import trusted_devices
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
        session.get(SESSION_KEY, ""), cfg["SESSION_IDLE_TIMEOUT"], cfg["SESSION_ABSOLUTE_LIFETIME"],
        staff_idle=cfg["STAFF_SESSION_IDLE_TIMEOUT"],
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


def device_tokens() -> list[str]:
    """The device tokens this browser carries (its device cookie)."""
    return trusted_devices.parse_cookie(request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"]))


def is_trusted_for_form() -> bool:
    """Whether the browser is trusted for the login ID it submits (the per-address limit
    spares it: others behind the same address cannot keep the owner out)."""
    login_id = (request.form.get("login_id") or "").strip()[:64]
    return trusted_devices.find(login_id, device_tokens()) is not None


def remember_device(response: Response, new_token: str | None) -> Response:
    """Add a newly trusted device's token to the browser's device cookie."""
    if new_token:
        cfg = current_app.config
        response.set_cookie(
            cfg["DEVICE_COOKIE_NAME"], trusted_devices.cookie_value(device_tokens(), new_token),
            max_age=int(trusted_devices.LIFETIME.total_seconds()), path="/", httponly=True,
            secure=bool(cfg.get("HTTPS")), samesite="Lax",
        )
    return response


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
