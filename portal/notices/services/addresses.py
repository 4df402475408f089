"""The organization's notification addresses (§10(2)): at most `MAX_ADDRESSES` live ones, each
used for notices only once the link of its confirmation mail is opened (the token is stored
hashed, single use, `CONFIRM_TOKEN_LIFETIME`), every change kept in the address history, and
the addresses that bounced (refused by the SMTP server, or reported later by a delivery status
notification) flagged and left out of notices until removed or confirmed again.

Services add and flush, never commit; refusals are `NoticeError`s on the "email" field.
"""
from __future__ import annotations

import functools

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.extensions import db
from portal.mail import OutboxMail, queue_mail
from portal.notices.models import MailBounce, NotificationAddress, NotificationAddressEvent
from portal.notices.services.errors import NoticeError
from portal.tokens import new_token, token_hash
from portal.web import external_url

MAX_ADDRESSES = 5
CONFIRM_TOKEN_LIFETIME = timedelta(days=7)


def live_addresses(organization_id: int) -> list[NotificationAddress]:
    """The organization's addresses not removed (pending or confirmed), oldest first."""
    return list(db.session.scalars(
        sa.select(NotificationAddress)
        .where(NotificationAddress.organization_id == organization_id,
               NotificationAddress.status != "removed")
        .order_by(NotificationAddress.id)
    ))


def address_history(organization_id: int, limit: int = 50) -> list[NotificationAddressEvent]:
    """The latest `limit` events of the organization's addresses, newest first."""
    return list(db.session.scalars(
        sa.select(NotificationAddressEvent)
        .where(NotificationAddressEvent.organization_id == organization_id)
        .order_by(NotificationAddressEvent.id.desc()).limit(limit)
    ))


def _event(address: NotificationAddress, event: str, user: User | None, now: datetime) -> None:
    db.session.add(NotificationAddressEvent(
        organization_id=address.organization_id, address_id=address.id, event=event,
        email=address.email, user_id=user.id if user else None, occurred_at=now,
    ))


def _send_confirmation(address: NotificationAddress, organization: Organization, now: datetime) -> None:
    token = new_token()
    address.token_hash = token_hash(token)
    address.token_expires_at = now + CONFIRM_TOKEN_LIFETIME
    url = external_url("notices.confirm_address", token=token)
    queue_mail("notification_address_confirm", address.email, "notification_address_confirm",
               organization_id=organization.id, organization_name=organization.name, url=url,
               expires_at=address.token_expires_at, secret_fields=("url",))


def add_address(organization: Organization, email: str, *, user: User,
                now: datetime | None = None) -> NotificationAddress:
    """Add a notification address; it is used only after its confirmation link is opened.

    Errors: too_many (more than MAX_ADDRESSES live addresses, §10(2)), duplicate.
    """
    now = now or now_utc()
    email = email.strip().lower()
    live = live_addresses(organization.id)
    if any(a.email == email for a in live):
        raise NoticeError("duplicate", field="email")
    if len(live) >= MAX_ADDRESSES:
        raise NoticeError("too_many", field="email", count=MAX_ADDRESSES)
    address = NotificationAddress(organization_id=organization.id, email=email, status="pending",
                                  created_at=now)
    db.session.add(address)
    db.session.flush()
    _send_confirmation(address, organization, now)
    _event(address, "added", user, now)
    db.session.flush()
    return address


def resend_confirmation(address: NotificationAddress, *, user: User,
                        now: datetime | None = None) -> None:
    """Send a new confirmation link (the old one stops working). A confirmed address that
    bounced goes back to pending: it is used again only once the new link is opened.

    Errors: removed (a removed address gets no link).
    """
    now = now or now_utc()
    if address.status == "removed":
        raise NoticeError("removed")
    address.status = "pending"
    address.confirmed_at = None
    address.created_at = now  # rejections before this moment no longer flag the address
    _send_confirmation(address, address_organization(address), now)
    _event(address, "resent", user, now)
    db.session.flush()


def address_organization(address: NotificationAddress) -> Organization:
    return db.session.get(Organization, address.organization_id)


def find_pending_by_token(token: str, now: datetime | None = None) -> NotificationAddress | None:
    """The pending address whose confirmation link carries `token`, or None when the link is
    unknown, used, expired (at `now`) or its address removed."""
    now = now or now_utc()
    address = db.session.scalar(
        sa.select(NotificationAddress).where(NotificationAddress.token_hash == token_hash(token),
                                             NotificationAddress.status == "pending")
    )
    if address is None or address.token_expires_at is None or address.token_expires_at < now:
        return None
    return address


def confirm_address(token: str, *, now: datetime | None = None) -> NotificationAddress:
    """Confirm the address whose link carries `token` (single use, 7 days).

    Errors: invalid_token (unknown, used, expired or removed).
    """
    now = now or now_utc()
    address = find_pending_by_token(token, now)
    if address is None:
        raise NoticeError("invalid_token")
    address.status = "confirmed"
    address.confirmed_at = now
    address.token_hash = None
    address.token_expires_at = None
    _event(address, "confirmed", None, now)
    db.session.flush()
    return address


def remove_address(address: NotificationAddress, *, user: User, now: datetime | None = None) -> None:
    """Remove an address (kept in the history; removing twice changes nothing)."""
    now = now or now_utc()
    if address.status == "removed":
        return
    address.status = "removed"
    address.removed_at = now
    address.token_hash = None
    _event(address, "removed", user, now)
    db.session.flush()


def bounced_condition():
    """SQL condition on `NotificationAddress`: the address bounced since it was added or last
    confirmed — the SMTP server refused a mail to it (outbox "rejected"), or a delivery status
    notification reported a permanent failure of such a mail (`MailBounce`, read by `flask
    portal bounces`). Confirming the address again (a new link) clears it."""
    since = sa.func.coalesce(NotificationAddress.confirmed_at, NotificationAddress.created_at)
    # Aliases: a query that also selects outbox mails or bounces must not correlate with them.
    mail, bounce = aliased(OutboxMail), aliased(MailBounce)
    rejected = sa.exists().where(
        mail.organization_id == NotificationAddress.organization_id,
        mail.to_address == NotificationAddress.email,
        mail.status == "rejected",
        mail.created_at >= since,
    )
    reported = sa.exists().where(
        bounce.organization_id == NotificationAddress.organization_id,
        bounce.email == NotificationAddress.email,
        bounce.mail_created_at >= since,
    )
    return sa.or_(rejected, reported)


def usable_condition():
    """SQL condition: the address receives notices — confirmed and not bounced (§10(2))."""
    return sa.and_(NotificationAddress.status == "confirmed", ~bounced_condition())


def bounced_addresses(organization_id: int) -> list[NotificationAddress]:
    """Live addresses that bounced (`bounced_condition`); flagged until removed or confirmed
    again, and not used for notices meanwhile. One query."""
    return list(db.session.scalars(_bounced_stmt(), {"org_id": organization_id}))


@functools.cache
def _bounced_stmt() -> sa.Select:
    # Built once per process: an admin's home page runs it on every view.
    return (
        sa.select(NotificationAddress).where(
            NotificationAddress.organization_id == sa.bindparam("org_id"),
            NotificationAddress.status != "removed", bounced_condition(),
        ).order_by(NotificationAddress.id)
    )
