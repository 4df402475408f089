"""Publishing a notice: posting it for its audience, the batched fan-out of its deliveries and
mail, and the delivery records staff read (§10(1)).

Publishing is one transaction: the notice, one `NoticeDelivery` per organization of the
audience (the §10(1) posting record), one outbox mail per *confirmed* notification address that
has not bounced and a copy for the partner contact of each partner customer (§31(1)),
all written with batched INSERT … RETURNING in chunks of `CHUNK` rows, so the number of SQL
statements does not grow with the number of organizations. The mail is rendered once per
notice, not once per recipient. Services add and flush, never commit.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import Organization
from portal.contracts.models import LIVE_STATUSES as CONTRACT_LIVE_STATUSES
from portal.contracts.models import Contract, Service
from portal.contracts.partners import copy_header, partner_contacts_stmt
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import (
    Notice,
    NoticeDelivery,
    NoticeDeliveryMail,
    NoticeTarget,
    NotificationAddress,
)
from portal.notices.richtext import plain_text
from portal.notices.services.addresses import usable_condition
from portal.web import external_url

CHUNK = 1000


def _audience_org_ids(notice: Notice) -> sa.Select:
    """SELECT of the ids of the organizations a notice is for (not terminated ones)."""
    live = Organization.status != "terminated"
    if notice.audience == "organizations":
        return (sa.select(NoticeTarget.organization_id)
                .join(Organization, Organization.id == NoticeTarget.organization_id)
                .where(NoticeTarget.notice_id == notice.id, live))
    if notice.audience == "service":
        return service_customer_ids(notice.service_code).where(live)
    return sa.select(Organization.id).where(live)


def service_customer_ids(service_code: str) -> sa.Select:
    """SELECT of the organizations with a live contract (trial, active, notice given,
    suspended) of the service `service_code`, through the contracts area's models."""
    return (sa.select(Contract.organization_id)
            .join(Organization, Organization.id == Contract.organization_id)
            .join(Service, Service.id == Contract.service_id)
            .where(Service.code == service_code, Contract.status.in_(CONTRACT_LIVE_STATUSES))
            .distinct())


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def render_notice_mail(notice: Notice) -> tuple[str, str]:
    """(subject, body) of the notice's mail, in Japanese, rendered once for every recipient."""
    with force_locale("ja"):
        text = render_template(
            "email/notice.txt",
            notice=notice,
            body_text=plain_text(notice.source_ja),
            clause=notice.clause,
            url=external_url("notices.notice_detail", notice_id=notice.id),
        )
    subject, _, body = text.lstrip().partition("\n")
    return subject.strip()[:300], body.strip() + "\n"


def publish(notice: Notice, now: datetime) -> int:
    """Post `notice` for its audience and queue its mail; returns the number of organizations.

    Claims the notice with a conditional UPDATE first, so two concurrent publishers (the daily
    job and a first viewer) cannot both fan out. Writes, in batched inserts: one delivery row
    per organization (posted at `publish_at`, §10(1)), one outbox mail per confirmed
    notification address when email is on, and the link between each mail and its delivery.
    """
    claimed = db.session.execute(
        sa.update(Notice).where(Notice.id == notice.id, Notice.published_at.is_(None))
        .values(published_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return 0
    notice.published_at = now
    org_ids = db.session.scalars(_audience_org_ids(notice)).all()
    delivery_by_org: dict[int, int] = {}
    rows = [{"notice_id": notice.id, "organization_id": o, "posted_at": notice.publish_at}
            for o in org_ids]
    for chunk in _chunks(rows):
        result = db.session.execute(
            sa.insert(NoticeDelivery).returning(NoticeDelivery.id, NoticeDelivery.organization_id),
            chunk,
        )
        delivery_by_org.update({org: ident for ident, org in result})
    if notice.send_email and delivery_by_org:
        _queue_notice_mail(notice, now, delivery_by_org)
    return len(org_ids)


def _queue_notice_mail(notice: Notice, now: datetime, delivery_by_org: dict[int, int]) -> None:
    addresses = db.session.execute(
        sa.select(NotificationAddress.id, NotificationAddress.organization_id,
                  NotificationAddress.email)
        .join(NoticeDelivery, NoticeDelivery.organization_id == NotificationAddress.organization_id)
        .where(NoticeDelivery.notice_id == notice.id, usable_condition())
        .order_by(NotificationAddress.organization_id, NotificationAddress.id)
    ).all()
    subject, body = render_notice_mail(notice)
    row = {"kind": "notice", "status": "pending", "attempts": 0, "created_at": now,
           "next_attempt_at": now, "last_error": ""}
    mail_rows = [{**row, "to_address": email, "subject": subject, "body": body,
                  "organization_id": org} for _, org, email in addresses]
    # RETURNING rows come back in no guaranteed order; (organization, address) is unique
    # among live addresses, so it maps each mail back to its address and delivery.
    address_ids = {(org, email): addr_id for addr_id, org, email in addresses}
    links = []
    for chunk in _chunks(mail_rows):
        result = db.session.execute(
            sa.insert(OutboxMail).returning(OutboxMail.id, OutboxMail.organization_id,
                                            OutboxMail.to_address), chunk
        )
        links.extend(
            {"delivery_id": delivery_by_org[org], "outbox_mail_id": mail_id,
             "address_id": address_ids[(org, email)]}
            for mail_id, org, email in result
        )
    for chunk in _chunks(links):
        db.session.execute(sa.insert(NoticeDeliveryMail), chunk)
    _queue_partner_copies(notice, subject, body, row)


def _queue_partner_copies(notice: Notice, subject: str, body: str, row: dict) -> None:
    """§31(1): the partner contact of each partner customer posted to gets a copy (for a
    service's notice, only the partners of that service's contracts). Copies are not
    deliveries: the customer's §10(1) record counts its own addresses only. One SELECT and
    batched inserts whatever the number of organizations."""
    service = notice.service_code if notice.audience == "service" else None
    stmt = partner_contacts_stmt(service).add_columns(Organization.name).join(
        Organization, Organization.id == Contract.organization_id).join(
        NoticeDelivery, NoticeDelivery.organization_id == Contract.organization_id).where(
        NoticeDelivery.notice_id == notice.id).group_by(Organization.name)
    with force_locale("ja"):
        copy_subject = _("[Copy] %(subject)s", subject=subject)[:300]
    copies = [{**row, "to_address": email, "organization_id": org, "subject": copy_subject,
               "body": copy_header(partner, org_name) + body}
              for org, email, partner, org_name in db.session.execute(stmt)]
    for chunk in _chunks(copies):
        db.session.execute(sa.insert(OutboxMail), chunk)


def delivery_rows(notice: Notice, *, unreached_only: bool = False, page: int = 1,
                  per_page: int = 100):
    """Per organization: posting time, mails sent / queued / refused and the first sent time.

    "Unreached" (for a notice with email) = no mail of the organization has been sent yet,
    including organizations without a confirmed notification address. Returns (rows of the
    page, total rows). One query per page, plus the count.
    """
    sent = sa.func.count(OutboxMail.id).filter(OutboxMail.status == "sent")
    pending = sa.func.count(OutboxMail.id).filter(OutboxMail.status == "pending")
    problem = sa.func.count(OutboxMail.id).filter(OutboxMail.status.in_(("failed", "rejected")))
    stmt = (
        sa.select(NoticeDelivery.id, Organization.id.label("organization_id"),
                  Organization.name, NoticeDelivery.posted_at,
                  sent.label("sent"), pending.label("pending"), problem.label("problem"),
                  sa.func.min(OutboxMail.sent_at).label("first_sent_at"))
        .join(Organization, Organization.id == NoticeDelivery.organization_id)
        .outerjoin(NoticeDeliveryMail, NoticeDeliveryMail.delivery_id == NoticeDelivery.id)
        .outerjoin(OutboxMail, OutboxMail.id == NoticeDeliveryMail.outbox_mail_id)
        .where(NoticeDelivery.notice_id == notice.id)
        .group_by(NoticeDelivery.id, Organization.id, Organization.name, NoticeDelivery.posted_at)
        .order_by(Organization.id)
    )
    if unreached_only:
        stmt = stmt.having(sent == 0)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def delivery_summary(notice: Notice) -> dict[str, int]:
    """Organizations posted to, and (with email) how many have at least one mail sent."""
    reached = (sa.select(NoticeDeliveryMail.delivery_id)
               .join(OutboxMail, OutboxMail.id == NoticeDeliveryMail.outbox_mail_id)
               .where(OutboxMail.status == "sent"))
    row = db.session.execute(
        sa.select(sa.func.count(NoticeDelivery.id),
                  sa.func.count(NoticeDelivery.id).filter(NoticeDelivery.id.in_(reached)))
        .where(NoticeDelivery.notice_id == notice.id)
    ).one()
    return {"posted": row[0], "mailed": row[1], "unreached": row[0] - row[1]}
