"""Read models for the staff console: counts and lists across organizations."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES, Contract
from portal.extensions import db
from portal.mail import OutboxMail, queue_mail
from portal.pagination import KeysetPage, Page, Seek, keyset_page


def dashboard_counts() -> dict[str, int]:
    """Figures for the console's home page, one query each."""
    return {
        "organizations": db.session.scalar(sa.select(sa.func.count(Organization.id))) or 0,
        "users": db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.is_staff.is_(False))
        )
        or 0,
        "mail_pending": db.session.scalar(
            sa.select(sa.func.count(OutboxMail.id)).where(OutboxMail.status == "pending")
        )
        or 0,
        "mail_problem": db.session.scalar(
            sa.select(sa.func.count(OutboxMail.id)).where(
                OutboxMail.status.in_(("failed", "rejected"))
            )
        )
        or 0,
    }


def organizations_page(page: int, per_page: int = 50) -> Page:
    """Organizations with their user counts: a `Page` of (organization, user count, trial
    only) rows (one query for the rows whatever the page size, one for the total). "Trial
    only" — every live contract is a free trial — is when §7(5) lets staff delete accounts
    (the same test as `accounts.organization.trial.trial_only`)."""
    def live(trial: bool):
        return sa.exists().where(Contract.organization_id == Organization.id,
                                 Contract.status.in_(LIVE_STATUSES), Contract.trial.is_(trial))

    trial_only = sa.and_(live(True), sa.not_(live(False))).label("trial_only")
    user_count = (
        sa.select(sa.func.count(User.id))
        .where(User.organization_id == Organization.id)
        .correlate(Organization)
        .scalar_subquery()
    )
    # The page's ids first (from the primary key), then the counts for those rows only:
    # PostgreSQL computes select-list subqueries below LIMIT/OFFSET, so the last of 200 pages
    # counted the users and contracts of all 10,000 organizations (2 s under load).
    page_ids = (sa.select(Organization.id).order_by(Organization.id)
                .limit(per_page).offset((page - 1) * per_page))
    stmt = (sa.select(Organization, user_count.label("user_count"), trial_only)
            .where(Organization.id.in_(page_ids)).order_by(Organization.id))
    total = db.session.scalar(sa.select(sa.func.count(Organization.id))) or 0
    rows = db.session.execute(stmt).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)


def queue_test_mail(to_address: str, *, by) -> None:
    """Queue a test mail so operators can check the SMTP set-up end to end."""
    queue_mail("test", to_address, "test_mail", requested_by=by.name or by.login_id,
               created_at=now_utc())


def outbox_page(status: str | None, page: int = 1, per_page: int = 50, *,
                seek: Seek | None = None) -> KeysetPage:
    """The outbox, newest first by id (optionally one status): a keyset page and the total."""
    stmt = sa.select(OutboxMail)
    count = sa.select(sa.func.count(OutboxMail.id))
    if status:
        stmt, count = stmt.where(OutboxMail.status == status), count.where(OutboxMail.status == status)
    return keyset_page(stmt, None, OutboxMail.id, seek=seek or Seek(page=page),
                       per_page=per_page, total=db.session.scalar(count) or 0)
