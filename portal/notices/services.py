"""Notices: publishing with lead times, fan-out to notification addresses, delivery records,
incident updates, read markers, and the organization's notification addresses.

Services add and flush, never commit; views and the daily job commit. Business refusals are
`NoticeError`s carrying a code, the clause and (for lead times) the earliest allowed date,
which the views turn into Japanese field errors. Lead times come from `portal.rules.notices`.

Publishing is one transaction: the notice, one `NoticeDelivery` per organization of the
audience (the §10(1) posting record) and one outbox mail per *confirmed* notification address,
all written with batched INSERT … RETURNING in chunks of `CHUNK` rows, so the number of SQL
statements does not grow with the number of organizations. The mail is rendered once per
notice, not once per recipient.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from portal.accounts.models import Organization, User
from portal.tokens import token_hash
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES as CONTRACT_LIVE_STATUSES
from portal.contracts.models import Contract, Service
from portal.extensions import db
from portal.mail import OutboxMail, queue_mail
from portal.notices.models import (
    AUDIENCES,
    INCIDENT_STATUSES,
    PUBLIC_CATEGORIES,
    SERVICES,
    Notice,
    NoticeDelivery,
    NoticeDeliveryMail,
    NoticeRead,
    NoticeTarget,
    NoticeUpdate,
    NotificationAddress,
    NotificationAddressEvent,
)
from portal.notices.richtext import plain_text, to_safe_html
from portal.rules.jst import JST, jst_date
from portal.rules.notices import CATEGORIES, check_effective_date, clause_for
from portal.rules.terms import RuleError

CHUNK = 1000
MAX_ADDRESSES = 5
CONFIRM_TOKEN_LIFETIME = timedelta(days=7)

EFFECTIVE_REQUIRED = ("fee_change", "terms_change", "discontinuation")
"""Categories whose notice announces a change on a date: the date is required."""
EFFECTIVE_ALLOWED = EFFECTIVE_REQUIRED + ("maintenance", "service_change")
"""Categories that may carry a date (the maintenance day, the day a service changes)."""

class NoticeError(Exception):
    """A refused notice or address. `field` names the form field the message belongs to."""

    def __init__(self, code: str, *, field: str | None = None, clause: str | None = None,
                 earliest: date | None = None, count: int | None = None):
        super().__init__(code)
        self.code = code
        self.field = field
        self.clause = clause
        self.earliest = earliest
        self.count = count


# ---------------------------------------------------------------------------------------------
# Publishing


@dataclass
class NoticeDraft:
    """What staff entered; `publish_at` None means now. Bodies are Markdown."""

    category: str
    title_ja: str
    source_ja: str
    title_en: str = ""
    source_en: str = ""
    audience: str = "all"
    service_code: str | None = None
    organization_ids: tuple[int, ...] = ()
    effective_date: date | None = None
    send_email: bool = True
    publish_at: datetime | None = None
    form_token: str = ""


def check_draft(draft: NoticeDraft, now: datetime) -> datetime:
    """Validate `draft` against the terms; return the moment it is to be published.

    Errors (NoticeError): japanese_required (title/body), unknown_category, scheduled_in_past,
    effective_required, effective_in_past, lead_time_too_short (with clause and earliest, from
    rules.notices: §8(1) 60 days, §19(2) 90 days, §17(1) after the notice),
    audience_invalid, organizations_required, organizations_unknown.
    """
    if draft.category not in CATEGORIES:
        raise NoticeError("unknown_category", field="category")
    if not draft.title_ja.strip():
        raise NoticeError("japanese_required", field="title_ja")
    if not draft.source_ja.strip() or not to_safe_html(draft.source_ja):
        raise NoticeError("japanese_required", field="source_ja")
    publish_at = draft.publish_at or now
    if publish_at < now - timedelta(minutes=5):
        raise NoticeError("scheduled_in_past", field="publish_at")
    publish_at = max(publish_at, now)
    if draft.category in EFFECTIVE_REQUIRED and draft.effective_date is None:
        raise NoticeError("effective_required", field="effective_date",
                          clause=clause_for(draft.category))
    if draft.effective_date is not None and draft.category in EFFECTIVE_ALLOWED:
        if draft.effective_date < jst_date(now):
            raise NoticeError("effective_in_past", field="effective_date")
        try:
            check_effective_date(draft.category, jst_date(publish_at), draft.effective_date)
        except RuleError as exc:
            raise NoticeError(exc.code, field="effective_date", clause=exc.clause,
                              earliest=exc.earliest) from None
    if draft.audience not in AUDIENCES:
        raise NoticeError("audience_invalid", field="audience")
    if draft.audience == "service" and draft.service_code not in SERVICES:
        raise NoticeError("audience_invalid", field="service_code")
    if draft.audience == "organizations":
        ids = set(draft.organization_ids)
        if not ids:
            raise NoticeError("organizations_required", field="organization_ids")
        found = db.session.scalar(
            sa.select(sa.func.count(Organization.id)).where(Organization.id.in_(ids))
        )
        if found != len(ids):
            raise NoticeError("organizations_unknown", field="organization_ids")
    return publish_at


def create_notice(draft: NoticeDraft, *, staff: User, now: datetime | None = None
                  ) -> tuple[Notice, bool]:
    """Save a notice and, when its time has come, publish it in the same transaction.

    Returns (notice, created). A second submit of the same form (same `form_token`) returns
    the first notice with created=False instead of a duplicate. Errors: see `check_draft`.
    """
    now = now or now_utc()
    if draft.form_token:
        existing = db.session.scalar(sa.select(Notice).where(Notice.form_token == draft.form_token))
        if existing is not None:
            return existing, False
    publish_at = check_draft(draft, now)
    effective = draft.effective_date if draft.category in EFFECTIVE_ALLOWED else None
    notice = Notice(
        category=draft.category,
        title_ja=draft.title_ja.strip(),
        title_en=draft.title_en.strip(),
        source_ja=draft.source_ja,
        source_en=draft.source_en or "",
        body_ja=to_safe_html(draft.source_ja),
        body_en=to_safe_html(draft.source_en) if (draft.source_en or "").strip() else "",
        audience=draft.audience,
        service_code=draft.service_code if draft.audience == "service" else None,
        effective_date=effective,
        send_email=draft.send_email,
        publish_at=publish_at,
        incident_status="investigating" if draft.category == "incident" else None,
        created_by_id=staff.id,
        created_at=now,
        form_token=draft.form_token or secrets.token_hex(16),
    )
    if draft.audience == "organizations":
        notice.targets = [NoticeTarget(organization_id=i) for i in sorted(set(draft.organization_ids))]
    db.session.add(notice)
    db.session.flush()
    if publish_at <= now:
        publish(notice, now)
    return notice, True


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
            clause=clause_for(notice.category),
            url=current_app.config["BASE_URL"].rstrip("/") + f"/system-information/{notice.id}",
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
        .where(NoticeDelivery.notice_id == notice.id, NotificationAddress.status == "confirmed")
        .order_by(NotificationAddress.organization_id, NotificationAddress.id)
    ).all()
    if not addresses:
        return
    subject, body = render_notice_mail(notice)
    mail_rows = [
        {"kind": "notice", "to_address": email, "subject": subject, "body": body,
         "organization_id": org, "status": "pending", "attempts": 0, "created_at": now,
         "next_attempt_at": now, "last_error": ""}
        for _, org, email in addresses
    ]
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


def publish_due(now: datetime) -> int:
    """Publish every notice whose scheduled time has come; returns how many were published."""
    due = db.session.scalars(
        sa.select(Notice).where(Notice.published_at.is_(None), Notice.publish_at <= now)
        .order_by(Notice.publish_at, Notice.id)
    ).all()
    published = 0
    for notice in due:
        publish(notice, now)
        published += notice.published_at is not None
    return published


def publish_scheduled_notices(day: date) -> str:
    """Daily job: publish notices scheduled up to the end of `day` in Japan (or now, if
    earlier). Idempotent: a published notice is never published again."""
    end_of_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=JST)
    count = publish_due(min(now_utc(), end_of_day))
    return f"{count} scheduled notice(s) published"


def add_update(notice: Notice, *, status: str, source_ja: str, source_en: str = "",
               staff: User, form_token: str = "", now: datetime | None = None
               ) -> tuple[NoticeUpdate, bool]:
    """Add a progress report to an incident notice (§13) and move its status forward.

    Errors: not_incident; japanese_required; status_backwards (investigating → identified →
    resolved, never back). A repeated submit (same form_token) returns the first update.
    """
    if form_token:
        existing = db.session.scalar(sa.select(NoticeUpdate).where(NoticeUpdate.form_token == form_token))
        if existing is not None:
            return existing, False
    if notice.category != "incident":
        raise NoticeError("not_incident", field="status")
    if status not in INCIDENT_STATUSES:
        raise NoticeError("status_invalid", field="status")
    if not source_ja.strip() or not to_safe_html(source_ja):
        raise NoticeError("japanese_required", field="source_ja")
    current = INCIDENT_STATUSES.index(notice.incident_status or "investigating")
    if INCIDENT_STATUSES.index(status) < current:
        raise NoticeError("status_backwards", field="status")
    update = NoticeUpdate(
        notice=notice, status=status, body_ja=to_safe_html(source_ja),
        body_en=to_safe_html(source_en) if source_en.strip() else "",
        created_by_id=staff.id, created_at=now or now_utc(),
        form_token=form_token or secrets.token_hex(16),
    )
    notice.incident_status = status
    db.session.add(update)
    db.session.flush()
    return update, True


# ---------------------------------------------------------------------------------------------
# Reading


def visible_to(organization_id: int, now: datetime) -> sa.ColumnElement[bool]:
    """Condition: the notice is posted and meant for the organization.

    Notices for everyone are visible from `publish_at` (also to organizations that joined
    later); notices for a service or chosen organizations are visible to the organizations
    recorded as delivered when they were posted.
    """
    delivered = sa.exists().where(NoticeDelivery.notice_id == Notice.id,
                                  NoticeDelivery.organization_id == organization_id)
    return sa.and_(Notice.publish_at <= now, sa.or_(Notice.audience == "all", delivered))


def _read_by(user_id: int) -> sa.ColumnElement[bool]:
    return sa.exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == user_id)


def notices_page(user: User, now: datetime, *, category: str | None = None, page: int = 1,
                 per_page: int = 20):
    """The user's notices, newest first, each with its read flag (one query per page)."""
    stmt = (sa.select(Notice, _read_by(user.id).label("read"))
            .where(visible_to(user.organization_id, now))
            .order_by(Notice.publish_at.desc(), Notice.id.desc()))
    if category in CATEGORIES:
        stmt = stmt.where(Notice.category == category)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def notice_for_user(notice_id: int, user: User, now: datetime) -> Notice | None:
    return db.session.scalar(
        sa.select(Notice).where(Notice.id == notice_id, visible_to(user.organization_id, now))
    )


def unread_count(user: User, now: datetime) -> int:
    """How many of the user's notices the user has not opened (one query)."""
    return db.session.scalar(
        sa.select(sa.func.count(Notice.id))
        .where(visible_to(user.organization_id, now), ~_read_by(user.id))
    ) or 0


def mark_read(notice: Notice, user: User, now: datetime) -> None:
    """Record that `user` opened `notice` (once; a concurrent second open is ignored)."""
    if db.session.scalar(sa.select(NoticeRead.id).where(NoticeRead.notice_id == notice.id,
                                                          NoticeRead.user_id == user.id)):
        return
    try:
        with db.session.begin_nested():
            db.session.add(NoticeRead(notice_id=notice.id, user_id=user.id, read_at=now))
    except sa.exc.IntegrityError:
        pass


def public_notices(now: datetime, limit: int = 5) -> list[Notice]:
    """Maintenance and incident notices for everyone, for the sign-in page: the ones that
    are still current (an effective day not passed, an unresolved incident, or posted within
    the last 14 days)."""
    today = jst_date(now)
    return list(db.session.scalars(
        sa.select(Notice).where(
            Notice.category.in_(PUBLIC_CATEGORIES), Notice.audience == "all",
            Notice.publish_at <= now,
            sa.or_(Notice.effective_date >= today,
                   sa.and_(Notice.category == "incident", Notice.incident_status != "resolved"),
                   Notice.publish_at >= now - timedelta(days=14)),
        ).order_by(Notice.publish_at.desc(), Notice.id.desc()).limit(limit)
    ))


def staff_notices_page(page: int, per_page: int = 50):
    delivered = (sa.select(sa.func.count(NoticeDelivery.id))
                 .where(NoticeDelivery.notice_id == Notice.id).correlate(Notice).scalar_subquery())
    stmt = (sa.select(Notice, delivered.label("organizations"))
            .order_by(Notice.publish_at.desc(), Notice.id.desc()))
    total = db.session.scalar(sa.select(sa.func.count(Notice.id))) or 0
    return db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all(), total


def delivery_rows(notice: Notice, *, unreached_only: bool = False, page: int = 1,
                  per_page: int = 100):
    """Per organization: posting time, mails sent / queued / refused and the first sent time.

    "Unreached" (for a notice with email) = no mail of the organization has been sent yet,
    including organizations without a confirmed notification address. One query per page.
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


# ---------------------------------------------------------------------------------------------
# Notification addresses (§10(2))


def live_addresses(organization_id: int) -> list[NotificationAddress]:
    return list(db.session.scalars(
        sa.select(NotificationAddress)
        .where(NotificationAddress.organization_id == organization_id,
               NotificationAddress.status != "removed")
        .order_by(NotificationAddress.id)
    ))


def address_history(organization_id: int, limit: int = 50) -> list[NotificationAddressEvent]:
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
    token = secrets.token_urlsafe(32)
    address.token_hash = token_hash(token)
    address.token_expires_at = now + CONFIRM_TOKEN_LIFETIME
    url = current_app.config["BASE_URL"].rstrip("/") + f"/notification-addresses/confirm/{token}"
    queue_mail("notification_address_confirm", address.email, "notification_address_confirm",
               organization_id=organization.id, organization_name=organization.name, url=url,
               expires_at=address.token_expires_at)


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
    bounced goes back to pending: it is used again only once the new link is opened."""
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


def confirm_address(token: str, *, now: datetime | None = None) -> NotificationAddress:
    """Confirm the address whose link carries `token` (single use, 7 days).

    Errors: invalid_token (unknown, used, expired or removed).
    """
    now = now or now_utc()
    address = db.session.scalar(
        sa.select(NotificationAddress).where(NotificationAddress.token_hash == token_hash(token),
                                             NotificationAddress.status == "pending")
    )
    if address is None or address.token_expires_at is None or address.token_expires_at < now:
        raise NoticeError("invalid_token")
    address.status = "confirmed"
    address.confirmed_at = now
    address.token_hash = None
    address.token_expires_at = None
    _event(address, "confirmed", None, now)
    db.session.flush()
    return address


def find_pending_by_token(token: str) -> NotificationAddress | None:
    return db.session.scalar(
        sa.select(NotificationAddress).where(NotificationAddress.token_hash == token_hash(token),
                                             NotificationAddress.status == "pending")
    )


def remove_address(address: NotificationAddress, *, user: User, now: datetime | None = None) -> None:
    now = now or now_utc()
    if address.status == "removed":
        return
    address.status = "removed"
    address.removed_at = now
    address.token_hash = None
    _event(address, "removed", user, now)
    db.session.flush()


def bounced_addresses(organization_id: int) -> list[NotificationAddress]:
    """Live addresses the SMTP server refused (outbox status "rejected") since they were added
    or last confirmed; flagged until removed or confirmed again. One query."""
    since = sa.func.coalesce(NotificationAddress.confirmed_at, NotificationAddress.created_at)
    rejected = sa.exists().where(
        OutboxMail.organization_id == NotificationAddress.organization_id,
        OutboxMail.to_address == NotificationAddress.email,
        OutboxMail.status == "rejected",
        OutboxMail.created_at >= since,
    )
    return list(db.session.scalars(
        sa.select(NotificationAddress).where(
            NotificationAddress.organization_id == organization_id,
            NotificationAddress.status != "removed", rejected,
        ).order_by(NotificationAddress.id)
    ))
