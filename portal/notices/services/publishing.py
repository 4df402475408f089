"""Publishing a notice: posting it for its audience (§10(1)) and the delivery records staff
read.

Publishing is one short transaction: the notice is claimed and one INSERT … SELECT writes a
`NoticeDelivery` per organization of the audience — posting on the portal *is* the §10(1)
delivery (docs/decisions.md), so it stays in the request. The mail (one per usable
notification address, partner copies) is fanned out afterwards by the mail worker, in
batches (`portal.notices.services.fanout`). Services add and flush, never commit.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from portal.accounts.models import Organization
from portal.contracts.models import LIVE_STATUSES as CONTRACT_LIVE_STATUSES
from portal.contracts.models import Contract, Service
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import (
    Notice,
    NoticeDelivery,
    NoticeDeliveryMail,
    NoticeTarget,
)
from portal.notices.richtext import plain_text
from portal.web import external_url

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
    """Post `notice` for its audience; returns the number of organizations posted to.

    Claims the notice with a conditional UPDATE first, so two concurrent publishers (the daily
    job and a first viewer) cannot both post. Then one INSERT … SELECT writes a delivery row
    per organization of the audience (posted at `publish_at`: the §10(1) delivery). Its mail
    is not written here: the mail worker fans it out (`fanout.queue_notice_mail`), so the
    request's time does not grow with the number of addresses. A notice without email is
    marked as fanned out at once.
    """
    done_at = None if notice.send_email else now
    claimed = db.session.execute(
        sa.update(Notice).where(Notice.id == notice.id, Notice.published_at.is_(None))
        .values(published_at=now, mails_queued_at=done_at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return 0
    notice.published_at, notice.mails_queued_at = now, done_at
    audience = _audience_org_ids(notice).subquery()
    posted = db.session.execute(
        sa.insert(NoticeDelivery).from_select(
            ["notice_id", "organization_id", "posted_at", "mails_queued_at"],
            sa.select(sa.literal(notice.id), audience.c[0],
                      sa.literal(notice.publish_at, NoticeDelivery.posted_at.type),
                      sa.literal(done_at, NoticeDelivery.mails_queued_at.type)))
    ).rowcount
    return posted


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
