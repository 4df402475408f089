"""The mail fan-out of published notices, run by the mail worker (`flask portal mail`).

Publishing only posts a notice (its `NoticeDelivery` rows, §10(1)); a published notice with
email and `mails_queued_at` NULL still has mail to write. The worker takes its deliveries
without `mails_queued_at` in batches of `BATCH` (keyset by id) and, per batch, in one
transaction:

1. one INSERT … SELECT writes an outbox mail per *usable* notification address (confirmed, not
   bounced: `usable_condition`, §10(2)) of the batch's organizations, RETURNING the new ids;
2. one INSERT … SELECT links each of those mails to its delivery and address;
3. the copies for the partner contacts of partner customers (§31(1)) — one SELECT, one
   batched insert (the copy header names the partner and the organization);
4. one UPDATE marks the batch's deliveries `mails_queued_at`.

A crash inside a batch rolls the whole batch back; a rerun starts at the first unmarked
delivery, so no address is mailed twice. When no unmarked delivery is left the notice gets its
`mails_queued_at`. The mail is rendered once per notice. The caller commits after each batch
(`commit`), so a long fan-out holds no long transaction; run it under the mail job lock.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.accounts.models import Organization
from portal.contracts.models import Contract
from portal.contracts.partners import copy_header, partner_contacts_stmt
from portal.extensions import db
from portal.mail import OutboxMail
from portal.notices.models import Notice, NoticeDelivery, NoticeDeliveryMail, NotificationAddress
from portal.notices.services.addresses import usable_condition
from portal.notices.services.publishing import render_notice_mail

BATCH = 1000


def pending_notices() -> list[Notice]:
    """Published notices with email whose mail is not (all) in the outbox yet, oldest first."""
    return list(db.session.scalars(
        sa.select(Notice).where(Notice.published_at.is_not(None), Notice.send_email.is_(True),
                                Notice.mails_queued_at.is_(None))
        .order_by(Notice.published_at, Notice.id)))


def queue_pending_notice_mail(now: datetime, commit: Callable[[], None],
                              batch: int = BATCH) -> int:
    """Fan out every pending notice's mail, committing after each batch; returns the number
    of outbox mails written (0 on a rerun)."""
    written = 0
    for notice in pending_notices():
        written += queue_notice_mail(notice, now, commit, batch)
    return written


def queue_notice_mail(notice: Notice, now: datetime, commit: Callable[[], None],
                      batch: int = BATCH) -> int:
    """Fan out one notice's mail in batches of `batch` deliveries (see the module)."""
    subject, body = render_notice_mail(notice)
    with force_locale("ja"):
        copy_subject = _("[Copy] %(subject)s", subject=subject)[:300]
    written, after = 0, 0
    while True:
        ids = db.session.scalars(
            sa.select(NoticeDelivery.id)
            .where(NoticeDelivery.notice_id == notice.id, NoticeDelivery.id > after,
                   NoticeDelivery.mails_queued_at.is_(None))
            .order_by(NoticeDelivery.id).limit(batch)).all()
        if not ids:
            break
        first, after = ids[0], ids[-1]
        in_batch = sa.and_(NoticeDelivery.notice_id == notice.id,
                           NoticeDelivery.id.between(first, after),
                           NoticeDelivery.mails_queued_at.is_(None))
        written += _queue_batch(notice, now, in_batch, subject, body, copy_subject)
        db.session.execute(sa.update(NoticeDelivery).where(in_batch)
                           .values(mails_queued_at=now)
                           .execution_options(synchronize_session=False))
        commit()
    db.session.execute(sa.update(Notice).where(Notice.id == notice.id)
                       .values(mails_queued_at=now)
                       .execution_options(synchronize_session=False))
    notice.mails_queued_at = now
    commit()
    return written


def _mail_columns(now: datetime, subject: str, body: str) -> list:
    """The constant columns of a notice mail, as bound literals for an INSERT … SELECT."""
    return [sa.literal("notice"), sa.literal("pending"), sa.literal(0),
            sa.literal(now, OutboxMail.created_at.type),
            sa.literal(now, OutboxMail.next_attempt_at.type), sa.literal(""),
            sa.literal(subject), sa.literal(body)]


_CONSTANT = ["kind", "status", "attempts", "created_at", "next_attempt_at", "last_error",
             "subject", "body"]


def _queue_batch(notice: Notice, now: datetime, in_batch, subject: str, body: str,
                 copy_subject: str) -> int:
    addresses = (
        sa.select(*_mail_columns(now, subject, body), NotificationAddress.email,
                  NotificationAddress.organization_id)
        .join(NoticeDelivery, NoticeDelivery.organization_id == NotificationAddress.organization_id)
        .where(in_batch, usable_condition())
        .order_by(NotificationAddress.organization_id, NotificationAddress.id))
    mail_ids = db.session.scalars(
        sa.insert(OutboxMail).from_select([*_CONSTANT, "to_address", "organization_id"],
                                          addresses).returning(OutboxMail.id)).all()
    if mail_ids:
        # (organization, address) is unique among live addresses, so each new mail joins back
        # to exactly one delivery and one address.
        links = (
            sa.select(NoticeDelivery.id, OutboxMail.id, NotificationAddress.id)
            .join(OutboxMail, OutboxMail.organization_id == NoticeDelivery.organization_id)
            .join(NotificationAddress, sa.and_(
                NotificationAddress.organization_id == OutboxMail.organization_id,
                NotificationAddress.email == OutboxMail.to_address, usable_condition()))
            .where(in_batch, OutboxMail.id.in_(mail_ids)))
        db.session.execute(sa.insert(NoticeDeliveryMail).from_select(
            ["delivery_id", "outbox_mail_id", "address_id"], links))
    return len(mail_ids) + _queue_partner_copies(notice, now, in_batch, copy_subject, body)


def _queue_partner_copies(notice: Notice, now: datetime, in_batch, copy_subject: str,
                          body: str) -> int:
    """§31(1): the partner contact of each partner customer of the batch gets a copy (for a
    service's notice, only the partners of that service's contracts). Copies are not
    deliveries: the customer's §10(1) record counts its own addresses only."""
    service = notice.service_code if notice.audience == "service" else None
    stmt = partner_contacts_stmt(service).add_columns(Organization.name).join(
        Organization, Organization.id == Contract.organization_id).join(
        NoticeDelivery, NoticeDelivery.organization_id == Contract.organization_id).where(
        in_batch).group_by(Organization.name)
    row = {"kind": "notice", "status": "pending", "attempts": 0, "created_at": now,
           "next_attempt_at": now, "last_error": "", "subject": copy_subject}
    copies = [{**row, "to_address": email, "organization_id": org,
               "body": copy_header(partner, org_name) + body}
              for org, email, partner, org_name in db.session.execute(stmt)]
    if copies:
        db.session.execute(sa.insert(OutboxMail), copies)
    return len(copies)
