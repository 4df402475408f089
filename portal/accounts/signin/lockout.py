"""A growing delay after repeated sign-in failures for one login ID from unknown browsers
(SPEC §3.6).

Never a permanent lock, and never one on the owner's own browser: a browser with a device
cookie for the login ID (`trusted_devices`) skips this delay and is judged on its own
failures. For every other browser, after `THRESHOLD` failures ("sign_in_failed" events:
unknown browsers only) since the last sign-in from an unknown browser, within `WINDOW`, the
next attempt for that login ID is refused unchecked until `delay(n)` has passed since the
last failure: 30 s, 60 s, 2 min, … at most 15 minutes — about 100 guesses a day per login
ID whatever the number of addresses (docs/security.md). Successful sign-ins are never
counted. Unknown login IDs are counted the same way (from the audit log), so the delay says
nothing about whether an ID exists. The account owner is mailed when the delay starts and
again at every 10th failure. A per-address limit (Flask-Limiter, `signin/views.py`) stops
guessing across many IDs.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import AuditEvent, User
from portal.accounts.signin.trusted_devices import last_trusted_at
from portal.extensions import db
from portal.mail import queue_mail

THRESHOLD = 5
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
WINDOW = timedelta(hours=24)


def delay(failures: int) -> timedelta:
    """Wait required after `failures` consecutive failures: 0 below THRESHOLD, then 30 s
    doubling per further failure, capped at 15 minutes."""
    if failures < THRESHOLD:
        return timedelta(0)
    # The exponent is capped before multiplying: a long run of failures (about 46 within the
    # window) would otherwise overflow timedelta and answer every attempt with a 500.
    return min(BASE_DELAY * (2 ** min(failures - THRESHOLD, 16)), MAX_DELAY)


def should_notify(failures: int) -> bool:
    return failures == THRESHOLD or (failures > THRESHOLD and failures % 10 == 0)


def recent_failures(login_id: str, now: datetime) -> tuple[int, datetime | None]:
    """(failures from unknown browsers, time of the last one) for `login_id` within WINDOW
    since its last sign-in from an unknown browser (a sign-in from a trusted browser does not
    reset the count, so the owner's daily sign-ins give a guesser no fresh tries)."""
    since = now - WINDOW
    last_success = _utc(last_trusted_at(login_id))
    if last_success is not None:
        since = max(since, last_success)
    count, last = db.session.execute(
        sa.select(sa.func.count(AuditEvent.id), sa.func.max(AuditEvent.occurred_at)).where(
            AuditEvent.login_id == login_id, AuditEvent.event == "sign_in_failed",
            AuditEvent.occurred_at > since,
        )
    ).one()
    return count or 0, _utc(last)


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite's MAX() skips the column type
        value = value.replace(tzinfo=UTC)
    return value


def retry_at(login_id: str, now: datetime) -> datetime | None:
    """When `login_id` may try again, or None when it may try now."""
    failures, last = recent_failures(login_id, now)
    wait = delay(failures)
    if not wait or last is None or now >= last + wait:
        return None
    return last + wait


def after_failure(user: User | None, login_id: str, now: datetime, *, ip_address: str) -> None:
    """Mail the owner when the delay starts (and every 10th failure after)."""
    if user is None or user.is_staff and not user.email:
        return
    failures, _ = recent_failures(login_id, now)
    if should_notify(failures):
        queue_mail("sign_in_failures", user.email, "sign_in_failures", locale=user.locale or "ja",
                   organization_id=user.organization_id, user=user, failures=failures,
                   ip_address=ip_address, delay_seconds=int(delay(failures).total_seconds()))
