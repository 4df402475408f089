"""What users read: the notices visible to an organization (SYSTEM INFORMATION list, detail
and feed), read markers and unread counts for the header, the public maintenance and incident
notices of the sign-in page, and the staff list of every notice.

Each page is one query (plus its count); none grows with the number of notices or
organizations. Only `open_notice` and `mark_read` write (add and flush, never commit).
"""
from __future__ import annotations

import functools
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.extensions import db
from portal.notices.models import PUBLIC_CATEGORIES, Notice, NoticeDelivery, NoticeRead
from portal.notices.services.scheduled import publish_due
from portal.rules.jst import jst_date
from portal.rules.notices import CATEGORIES


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
    """The user's notices, newest first, each with its read flag (one query per page).

    Returns (rows of (notice, read) for the page, total). An unknown `category` lists all.
    """
    stmt = (sa.select(Notice, _read_by(user.id).label("read"))
            .where(visible_to(user.organization_id, now))
            .order_by(Notice.publish_at.desc(), Notice.id.desc()))
    if category in CATEGORIES:
        stmt = stmt.where(Notice.category == category)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def notice_for_user(notice_id: int, user: User, now: datetime) -> Notice | None:
    """The notice if it is posted and meant for the user's organization, else None."""
    return db.session.scalar(
        sa.select(Notice).where(Notice.id == notice_id, visible_to(user.organization_id, now))
    )


def open_notice(notice_id: int, user: User, now: datetime) -> Notice | None:
    """`user` opens a notice: notices whose scheduled time has come are published first
    ("published on first view after that time"), then the notice is marked read.

    Result: the notice, or None when it is not visible to the user's organization (the page
    answers 404 exactly as for an unknown ID).
    """
    publish_due(now)
    notice = notice_for_user(notice_id, user, now)
    if notice is not None:
        mark_read(notice, user, now)
    return notice


@functools.cache
def _unread_stmt() -> sa.Select:
    # Built once per process: the header runs it on every signed-in page.
    return (sa.select(sa.func.count(Notice.id))
            .where(visible_to(sa.bindparam("org_id"), sa.bindparam("now")),
                   ~_read_by(sa.bindparam("user_id"))))


def unread_count(user: User, now: datetime) -> int:
    """How many of the user's notices the user has not opened (one query)."""
    return db.session.scalar(_unread_stmt(), {"org_id": user.organization_id, "now": now,
                                              "user_id": user.id}) or 0


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
    return list(db.session.scalars(_public_stmt(), {
        "now": now, "today": jst_date(now), "recent": now - timedelta(days=14), "limit": limit}))


@functools.cache
def _public_stmt() -> sa.Select:
    # Built once per process: the sign-in page runs it on every view.
    return sa.select(Notice).where(
        Notice.category.in_(PUBLIC_CATEGORIES), Notice.audience == "all",
        Notice.publish_at <= sa.bindparam("now"),
        sa.or_(Notice.effective_date >= sa.bindparam("today"),
               sa.and_(Notice.category == "incident", Notice.incident_status != "resolved"),
               Notice.publish_at >= sa.bindparam("recent")),
    ).order_by(Notice.publish_at.desc(), Notice.id.desc()).limit(sa.bindparam("limit")).options(
        selectinload(Notice.updates))  # the page shows each incident's updates: one statement


def staff_notices_page(page: int, per_page: int = 50):
    """Every notice for the staff list, newest first, with how many organizations it was
    posted to. Returns (rows of (notice, organizations) for the page, total)."""
    delivered = (sa.select(sa.func.count(NoticeDelivery.id))
                 .where(NoticeDelivery.notice_id == Notice.id).correlate(Notice).scalar_subquery())
    stmt = (sa.select(Notice, delivered.label("organizations"))
            .order_by(Notice.publish_at.desc(), Notice.id.desc()))
    total = db.session.scalar(sa.select(sa.func.count(Notice.id))) or 0
    return db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all(), total
