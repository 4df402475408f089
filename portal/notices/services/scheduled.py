"""Scheduled notices: publishing those whose time has come — on the first view after that
time (the SYSTEM INFORMATION pages call `publish_due`) and from the daily job
(`publish_scheduled_notices`, registered by `portal.notices.register`). Idempotent: the claim
in `publishing.publish` makes a published notice never publish again.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.clock import now_utc
from portal.extensions import db
from portal.notices.models import Notice
from portal.notices.services.publishing import publish
from portal.rules.jst import JST


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
