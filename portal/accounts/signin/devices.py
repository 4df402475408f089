"""Sign-in history with OS and browser, and the new-device alert (SPEC §2, §3.6, §7(4)).

"New device" means a sign-in whose browser (family + OS family, parsed from the user agent
with `user-agents`, versions ignored so updates do not alert) or whose IP address was not
seen in any earlier session of the account within the last 180 days. The first sign-in of an
account (right after accepting the invitation) alerts nobody. The alert mail links to the
misuse report of that account (§7(4)).
"""
from __future__ import annotations

import functools

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from user_agents import parse

from portal.accounts.models import AuditEvent, User, UserSession
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.web import external_url

MEMORY = timedelta(days=180)


@dataclass(frozen=True)
class Device:
    browser: str
    os: str

    @property
    def label(self) -> str:
        return f"{self.browser} / {self.os}"


@functools.lru_cache(maxsize=2048)
def describe(user_agent: str) -> Device:
    """Browser and OS of a user-agent string (parsed once per distinct string and process:
    the sign-in history shows the same few browsers on every row)."""
    ua = parse(user_agent or "")
    browser = ua.browser.family or "Other"
    if ua.browser.version_string:
        browser += " " + ua.browser.version_string.split(".")[0]
    os_name = ua.os.family or "Other"
    if ua.os.version_string:
        os_name += " " + ua.os.version_string
    return Device(browser=browser, os=os_name)


def _fingerprint(user_agent: str) -> tuple[str, str]:
    ua = parse(user_agent or "")
    return (ua.browser.family or "Other", ua.os.family or "Other")


def is_new_device(user: User, client: ClientInfo) -> bool:
    """Whether this sign-in comes from a browser or an address the account has not used
    (call before the new session is added)."""
    rows = db.session.execute(
        sa.select(UserSession.ip_address, UserSession.user_agent).where(
            UserSession.user_id == user.id, UserSession.created_at > now_utc() - MEMORY
        )
    ).all()
    if not rows:
        return False
    seen_addresses = {r.ip_address for r in rows}
    seen_browsers = {_fingerprint(r.user_agent) for r in rows}
    return client.ip_address not in seen_addresses or _fingerprint(client.user_agent) not in seen_browsers


def alert_if_new_device(user: User, client: ClientInfo) -> bool:
    """Mail the customer user when this sign-in comes from a new device (staff are not
    alerted); the mail links to the misuse report (§7(4)). Returns whether it was mailed."""
    if user.is_staff or not is_new_device(user, client):
        return False
    queue_mail("new_device", user.email, "new_device", locale=user.locale or "ja",
               organization_id=user.organization_id, user=user, device=describe(client.user_agent),
               ip_address=client.ip_address, signed_in_at=now_utc(),
               report_link=external_url("accounts.misuse_report_new"))
    return True


HISTORY_EVENTS = ("sign_in", "sign_in_failed", "sign_in_failed_device", "two_factor_failed")
"""The audit events the user's own sign-in history shows: successes and every refused try."""


def sign_in_history(user: User, limit: int = 50) -> list[AuditEvent]:
    """The user's latest sign-ins and refused sign-in attempts (wrong password, locked or
    deactivated account, a wrong two-factor code …), newest first, from the audit log — so
    the owner sees tries by others too. One query."""
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.user_id == user.id,
                                    AuditEvent.event.in_(HISTORY_EVENTS))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def open_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ))
