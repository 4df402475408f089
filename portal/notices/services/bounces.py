"""Bounces that come back later (§10(2)): `flask portal bounces` reads the delivery status
notifications the mail server stored in the bounce Maildir (`BOUNCE_MAILDIR`), ties each to
its outbox mail and records the permanent failures (`MailBounce`); a recorded failure flags
the notification address (`addresses.bounced_condition`) on the admins' pages and in the staff
queue, and notices stop going to it until it is confirmed again.

A report is tied to its mail by the signed return path it was sent back to
(`portal.mail.mail_for_return_path`); failing that, by the signed Message-ID in the returned
headers, and then only for the recipient block whose Final-Recipient (or Original-Recipient)
is that mail's recipient. A report that matches neither is never trusted: anyone can mail a
made-up report naming any address. Read reports move to the Maildir's `Processed` folder, so
a second run finds nothing; unreadable and unmatched ones stay where they are and are reported.
"""
from __future__ import annotations

import hashlib
import mailbox
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from portal.accounts.models import Organization
from portal.clock import now_utc
from portal.dsn import DeliveryReport, NotAReport, RecipientStatus, parse_report
from portal.extensions import db
from portal.mail import OutboxMail, mail_for_message_id, mail_for_return_path
from portal.notices.models import MailBounce, NotificationAddress
from portal.notices.services.addresses import bounced_condition
from portal.pagination import Page

PROCESSED_FOLDER = "Processed"


@dataclass
class BounceRun:
    """What one run did: addresses recorded as bounced, reports read that flag nothing
    (delayed, transient, delivered), reports recorded by an earlier run (moved now), and the
    reports left in place with the reason — (Maildir key, reason)."""

    flagged: list[str] = field(default_factory=list)
    transient: int = 0
    already: int = 0
    unparsable: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)


def match_report(report: DeliveryReport) -> tuple[OutboxMail, RecipientStatus, str] | None:
    """(outbox mail, its recipient block, "return_path" | "message_id") or None.

    By return path any block speaks of the mail (each outbox mail has one recipient, which an
    alias may have expanded); the permanent failure is preferred. By Message-ID only a block
    naming the mail's own recipient counts."""
    for address in report.delivered_to:
        mail = mail_for_return_path(address)
        if mail is not None:
            blocks = sorted(report.recipients, key=lambda r: not r.hard)
            return mail, blocks[0], "return_path"
    mail = mail_for_message_id(report.original_message_id)
    if mail is not None:
        own = mail.to_address.strip().lower()
        for block in sorted(report.recipients, key=lambda r: not r.hard):
            if own in (block.final_recipient, block.original_recipient):
                return mail, block, "message_id"
    return None


def record_report(raw: bytes, run: BounceRun, key: str, *, now: datetime) -> bool:
    """Read one report and record its permanent failure; adds and flushes. Result: whether
    the report was dealt with (to be moved out) — False leaves it in place, noted in `run`."""
    try:
        report = parse_report(raw)
    except NotAReport as exc:
        run.unparsable.append((key, str(exc)))
        return False
    found = match_report(report)
    if found is None:
        run.unmatched.append((key, "no signed return path or Message-ID of ours"))
        return False
    mail, block, matched_by = found
    if not block.hard:
        run.transient += 1
        return True
    digest = hashlib.sha256(raw).hexdigest()
    if db.session.scalar(sa.select(MailBounce.id).where(MailBounce.report_hash == digest)):
        run.already += 1
        return True
    try:
        with db.session.begin_nested():  # a second node reading the same report at once
            db.session.add(MailBounce(
                organization_id=mail.organization_id, outbox_mail_id=mail.id,
                email=mail.to_address.strip().lower(), final_recipient=block.final_recipient[:254],
                status=block.status, diagnostic=block.diagnostic, matched_by=matched_by,
                mail_created_at=mail.created_at, reported_at=now, report_hash=digest))
    except IntegrityError:
        run.already += 1
        return True
    run.flagged.append(mail.to_address.strip().lower())
    return True


def process_maildir(path: str, *, commit: Callable[[], None],
                    now: datetime | None = None) -> BounceRun:
    """Read every report in the Maildir at `path` (new/ and cur/, not its folders).

    Each report dealt with is committed (`commit`) and then moved to the `Processed` folder
    (into cur/, flagged seen), so a crash in between records it once on the next run (the
    report's hash is unique). Errors: FileNotFoundError when `path` is no Maildir."""
    now = now or now_utc()
    if not all(os.path.isdir(os.path.join(path, sub)) for sub in ("new", "cur", "tmp")):
        raise FileNotFoundError(f"{path} is not a Maildir (new/, cur/, tmp/)")
    box = mailbox.Maildir(path, factory=None, create=False)
    done = (box.get_folder(PROCESSED_FOLDER) if PROCESSED_FOLDER in box.list_folders()
            else box.add_folder(PROCESSED_FOLDER))
    run = BounceRun()
    for key in sorted(box.keys()):
        if record_report(box.get_bytes(key), run, key, now=now):
            commit()
            message = box.get_message(key)
            message.set_subdir("cur")
            message.add_flag("S")
            done.add(message)
            box.remove(key)
    return run


def bounced_address_count() -> sa.Select:
    """Live notification addresses that bounced: the staff console's count."""
    return sa.select(sa.func.count(NotificationAddress.id)).where(
        NotificationAddress.status != "removed", bounced_condition())


def bounced_address_page(page: int, per_page: int = 50) -> Page:
    """One page of the bounced addresses, newest report first, each as (address,
    organization, latest report or None, latest SMTP refusal text). Two statements."""
    newer = aliased(MailBounce)
    latest = (sa.select(newer.id)
              .where(newer.organization_id == NotificationAddress.organization_id,
                     newer.email == NotificationAddress.email)
              .order_by(newer.id.desc()).limit(1)
              .correlate(NotificationAddress).scalar_subquery())
    refused = (sa.select(OutboxMail.last_error)
               .where(OutboxMail.organization_id == NotificationAddress.organization_id,
                      OutboxMail.to_address == NotificationAddress.email,
                      OutboxMail.status == "rejected")
               .order_by(OutboxMail.id.desc()).limit(1)
               .correlate(NotificationAddress).scalar_subquery())
    where = (NotificationAddress.status != "removed", bounced_condition())
    total = db.session.scalar(bounced_address_count()) or 0
    rows = db.session.execute(
        sa.select(NotificationAddress, Organization, MailBounce, refused.label("refused"))
        .join(Organization, Organization.id == NotificationAddress.organization_id)
        .outerjoin(MailBounce, MailBounce.id == latest)
        .where(*where).order_by(NotificationAddress.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=[tuple(r) for r in rows])


def reported_bounces_page(page: int, per_page: int = 50) -> Page:
    """Every recorded report, newest first, whatever mail it was about (a user's own
    address, a partner contact's copy, a notification address), each as (bounce, outbox
    mail kind, organization or None, whether the address is a live notification address of
    the organization). Two statements."""
    notification = sa.exists().where(
        NotificationAddress.organization_id == MailBounce.organization_id,
        NotificationAddress.email == MailBounce.email, NotificationAddress.status != "removed")
    total = db.session.scalar(sa.select(sa.func.count(MailBounce.id))) or 0
    rows = db.session.execute(
        sa.select(MailBounce, OutboxMail.kind, Organization, notification.label("notification"))
        .join(OutboxMail, OutboxMail.id == MailBounce.outbox_mail_id)
        .outerjoin(Organization, Organization.id == MailBounce.organization_id)
        .order_by(MailBounce.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=[tuple(r) for r in rows])
