"""The first notification address and organizations that have none (§10(1)(2)).

At approval the applicant's contact email becomes the organization's first notification
address (`register_applicant_address`): pending, with a confirmation link that the usage-start
notice (§5(1)) carries instead of a separate mail, so opening that one link confirms it. An
organization with a paid contract and no confirmed address (or only ones that bounced, §10(2))
would get no §10 notice mail at all:
`lacks_confirmed_address` flags it to its admins (home page), `missing_address_count` and
`organizations_missing_address` to staff (console queue and list). Free trials are left out:
§10 does not apply to them (§12(5)).
"""
from __future__ import annotations

import functools

from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import Organization
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES, Contract
from portal.extensions import db
from portal.notices.models import NotificationAddress, NotificationAddressEvent
from portal.notices.services.addresses import CONFIRM_TOKEN_LIFETIME, usable_condition
from portal.pagination import Page
from portal.tokens import new_token, token_hash
from portal.web import external_url


def register_applicant_address(organization: Organization, email: str, *,
                               now: datetime | None = None) -> str:
    """Register `email` (the application's contact email) as the organization's first
    notification address, pending until the link is opened (7 days; the admins can send a
    new link from the addresses page). Result: the confirmation URL for the usage-start
    notice. Adds and flushes; mails nothing itself. Clause: §10(2), §5(1)."""
    now = now or now_utc()
    token = new_token()
    address = NotificationAddress(
        organization_id=organization.id, email=email.strip().lower(), status="pending",
        created_at=now, token_hash=token_hash(token),
        token_expires_at=now + CONFIRM_TOKEN_LIFETIME)
    db.session.add(address)
    db.session.flush()
    db.session.add(NotificationAddressEvent(
        organization_id=organization.id, address_id=address.id, event="added",
        email=address.email, user_id=None, occurred_at=now))
    db.session.flush()
    return external_url("notices.confirm_address", token=token)


def _confirmed(org_id) -> sa.Exists:
    """A confirmed address that has not bounced: one that notices are really mailed to."""
    return sa.exists().where(NotificationAddress.organization_id == org_id, usable_condition())


def _paid_live(org_id) -> sa.Exists:
    return sa.exists().where(Contract.organization_id == org_id, Contract.trial.is_(False),
                             Contract.status.in_(LIVE_STATUSES))


def _missing():
    return (Organization.status == "active", _paid_live(Organization.id),
            ~_confirmed(Organization.id))


def lacks_confirmed_address(organization_id: int) -> bool:
    """Whether the organization has a paid live contract but no confirmed notification
    address, so §10 notices reach nobody. One query."""
    return bool(db.session.scalar(_lacks_stmt(), {"org_id": organization_id}))


@functools.cache
def _lacks_stmt() -> sa.Select:
    # Built once per process: an admin's home page runs it on every view.
    return sa.select(sa.func.count(Organization.id)).where(
        Organization.id == sa.bindparam("org_id"), *_missing())


def missing_address_count() -> sa.Select:
    """Organizations without a confirmed notification address: the console's count."""
    return sa.select(sa.func.count(Organization.id)).where(*_missing())


def organizations_missing_address(page: int, per_page: int = 50) -> Page:
    """One page of those organizations, oldest first, each as (organization, number of pending
    addresses). Two statements whatever the page size."""
    pending = (sa.select(sa.func.count(NotificationAddress.id))
               .where(NotificationAddress.organization_id == Organization.id,
                      NotificationAddress.status == "pending")
               .correlate(Organization).scalar_subquery())
    total = db.session.scalar(missing_address_count()) or 0
    rows = db.session.execute(
        sa.select(Organization, pending.label("pending")).where(*_missing())
        .order_by(Organization.id).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=[tuple(r) for r in rows])
