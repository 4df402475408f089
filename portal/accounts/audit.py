"""The security audit log: `record_event` adds one `AuditEvent` (sign-in, sign-out, role
changes, resets, misuse reports, …). Every accounts flow writes through it, and so do other
areas (applications, sharing, lifecycle, the CLI) for their own security-relevant events."""
from __future__ import annotations

from portal.accounts.models import AuditEvent, User
from portal.domain import ClientInfo
from portal.extensions import db


def record_event(
    event: str,
    client: ClientInfo,
    *,
    user: User | None = None,
    login_id: str = "",
    **details,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits).

    `user` (when known) gives the user, organization and login ID; otherwise `login_id` is
    the ID that was tried. `client` gives address and user agent; `details` is stored as JSON.
    """
    audit = AuditEvent(
        event=event,
        user_id=user.id if user else None,
        organization_id=user.organization_id if user else None,
        login_id=(user.login_id if user else login_id)[:64],
        ip_address=client.ip_address[:45],
        user_agent=client.user_agent[:500],
        details=details,
    )
    db.session.add(audit)
    return audit
