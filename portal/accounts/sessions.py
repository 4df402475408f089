"""Flask-Login wired to server-side sessions.

The signed cookie holds only a random session token (`sid`); the user is loaded through the
open `UserSession` row with that token's hash. Ending the row (sign-out, "end all sessions",
a misuse report, idle timeout, absolute lifetime) ends the session even for a copied cookie.
"""
from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.accounts.services import find_live_session
from portal.extensions import db, login_manager

SESSION_KEY = "sid"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
