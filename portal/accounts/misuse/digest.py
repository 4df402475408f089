"""The public misuse form's limits and the staff digest (§7(4); issue 14 §5).

Anyone can use the public form, so it must not be a way to flood staff mailboxes: reports
naming one organization are limited to PER_ORGANIZATION per hour (the name compared
NFKC-normalized, case- and space-insensitive), on top of the view's per-address limit; and
staff get one digest mail listing every public report not yet mailed, at most once per
DIGEST_INTERVAL. A report arriving sooner waits for the next digest, which the next report
after the interval, `flask portal mail` (run from cron) or the daily job sends.
"""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import sqlalchemy as sa

from portal.accounts.directory import staff_members
from portal.accounts.errors import AccountError
from portal.accounts.models import MisuseReport
from portal.clock import now_utc
from portal.extensions import db
from portal.mail import queue_mail
from portal.web import external_url

PER_ORGANIZATION = 3
WINDOW = timedelta(hours=1)
DIGEST_INTERVAL = timedelta(hours=1)


def organization_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def check_organization_limit(organization_name: str) -> None:
    """AccountError too_many_public_reports (field organization_name) when the named
    organization already has PER_ORGANIZATION public reports within the hour."""
    key = organization_key(organization_name)
    names = db.session.scalars(sa.select(MisuseReport.claimed_organization).where(
        MisuseReport.source == "public", MisuseReport.submitted_at > now_utc() - WINDOW)).all()
    if sum(1 for n in names if organization_key(n) == key) >= PER_ORGANIZATION:
        raise AccountError("too_many_public_reports", "§7(4)", field="organization_name")


def daily_digest(day: date) -> str:
    """The daily task: send a digest still waiting; returns its summary line."""
    counts = send_digest()
    return f"{counts['reports']} public misuse reports in {counts['mails']} digest mails"


def send_digest() -> dict[str, int]:
    """Mail every staff member one digest of the public reports not yet mailed, unless a
    digest went out less than DIGEST_INTERVAL ago. Returns the counts."""
    now = now_utc()
    last = db.session.scalar(sa.select(sa.func.max(MisuseReport.staff_notified_at)))
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is not None and now - last < DIGEST_INTERVAL:
        return {"reports": 0, "mails": 0}
    reports = db.session.scalars(sa.select(MisuseReport).where(
        MisuseReport.source == "public", MisuseReport.staff_notified_at.is_(None))
        .order_by(MisuseReport.id)).all()
    if not reports:
        return {"reports": 0, "mails": 0}
    staff = staff_members()
    for member in staff:
        queue_mail("misuse_report_digest", member.email, "misuse_report_digest",
                   locale=member.locale or "ja", reports=reports,
                   links={r.id: external_url("staff.misuse_report", report_id=r.id) for r in reports})
    for report in reports:
        report.staff_notified_at = now
    db.session.flush()
    return {"reports": len(reports), "mails": len(staff)}
