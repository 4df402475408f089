"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser
that signed in to an account successfully carries a random token (the device cookie, one
per account, at most KEEP per browser) whose SHA-256 is a `TrustedDevice` row.

A sign-in attempt for a login ID from a browser with a valid device cookie for that ID is
judged only on the failures of that browser: it skips the per-login-ID delay of `lockout`
(which throttles every *other* browser) and the per-address limit, so no stranger can keep
the owner's own browser out. After DEVICE_FAILURES wrong passwords in a row the device's
trust is revoked (its row deleted): a stolen device cookie buys at most DEVICE_FAILURES
guesses, then the browser is judged like any unknown one. Unused devices expire after
LIFETIME. Guessing bounds: docs/security.md.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from portal.accounts.models import TrustedDevice, User
from portal.clock import now_utc
from portal.extensions import db
from portal.tokens import token_hash

DEVICE_FAILURES = 5
LIFETIME = timedelta(days=180)
KEEP = 5  # device tokens one browser keeps (shared computers: several accounts)
TOKEN_CHARS = 43  # secrets.token_urlsafe(32)


def parse_cookie(value: str | None) -> list[str]:
    """The device tokens of a cookie value ("token.token…"), malformed parts dropped."""
    parts = (value or "").split(".")[:KEEP]
    return [p for p in parts if len(p) == TOKEN_CHARS and p.replace("-", "").replace("_", "").isalnum()]


def cookie_value(tokens: list[str], new: str) -> str:
    """The cookie after adding `new` (the newest last; the oldest dropped past KEEP)."""
    kept = [t for t in tokens if t != new][-(KEEP - 1):]
    return ".".join(kept + [new])


def find(login_id: str, tokens: list[str]) -> TrustedDevice | None:
    """The live trusted device of `login_id` among the cookie's tokens, else None."""
    if not tokens or not login_id:
        return None
    return db.session.scalar(
        sa.select(TrustedDevice).join(User, User.id == TrustedDevice.user_id).where(
            User.login_id == login_id,
            TrustedDevice.token_hash.in_([token_hash(t) for t in tokens]),
            TrustedDevice.last_used_at > now_utc() - LIFETIME,
        )
    )


def signed_in(user: User, device: TrustedDevice | None) -> str | None:
    """After a successful sign-in: reset the known device's failures, or trust this browser
    from now on. Returns a new token for the cookie (None when the device was known)."""
    now = now_utc()
    if device is not None and device.user_id == user.id:
        device.failures = 0
        device.last_used_at = now
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(TrustedDevice(user_id=user.id, token_hash=token_hash(token), created_at=now,
                                 last_used_at=now))
    return token


def failed(device: TrustedDevice) -> bool:
    """Count a wrong password from a trusted browser; at DEVICE_FAILURES its trust is revoked.
    Returns whether it was revoked."""
    device.failures += 1
    if device.failures >= DEVICE_FAILURES:
        db.session.delete(device)
        return True
    return False


def last_trusted_at(login_id: str):
    """When a browser was last newly trusted for `login_id` (its last sign-in from an
    unknown browser), or None."""
    return db.session.scalar(
        sa.select(sa.func.max(TrustedDevice.created_at)).join(User, User.id == TrustedDevice.user_id)
        .where(User.login_id == login_id)
    )
