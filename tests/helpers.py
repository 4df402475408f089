"""Helpers every test module may use: the one way to read a form's CSRF token, and the
current two-factor code of a factory staff member (`staff_code`)."""
from __future__ import annotations

import re

import pyotp
import sqlalchemy as sa

from portal import clock
from portal.accounts.models import User
from portal.extensions import db

_TOKEN = (
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'name="csrf_token" value="([^"]+)"'),
)


def csrf_token(client, path: str = "/sign-in") -> str:
    """GET `path` with `client` and return the CSRF token of its (first) form."""
    html = client.get(path).get_data(as_text=True)
    for pattern in _TOKEN:
        match = pattern.search(html)
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")


def staff_code(login_id: str) -> str | None:
    """The current TOTP code of a staff member with two-factor sign-in on (None for anyone
    else). Sign-in helpers call it at the code step. It first forgets the last accepted time
    step, so one test can sign the same staff member in several times within 30 seconds (or
    under a frozen clock) — the replay refusal itself is tested in tests/accounts/test_two_factor.py."""
    user = db.session.scalar(sa.select(User).where(User.login_id == login_id))
    if user is None or not user.is_staff or not user.two_factor_enabled:
        return None
    user.totp_last_step = None
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).at(clock.now_utc())
