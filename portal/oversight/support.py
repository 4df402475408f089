"""Support access (terms §24(1)③⑤): a customer admin consents that the provider's staff may
view the organization's registered data — deliveries' subjects and messages, files and their
content — for one support case, for a limited time (1, 24 or 72 hours, or until a time of the
admin's choosing within SUPPORT_MAX_HOURS), revocable at once.

Without a live grant staff see no content anywhere (file-blind, §24(2)). Under one, every
staff page that shows content logs a `SupportView` (who, when, what) in the same transaction
that shows it, committed before a file's first byte goes out; the admins see the log on the
grant's page and on their 「弊社による操作履歴」 page. Granting and revoking are mailed to
every admin of the organization; an expiry needs no action (the status is read from the time).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.extensions import db
from portal.mail import queue_mail
from portal.oversight.models import SUPPORT_HOURS, SUPPORT_MAX_HOURS, SupportGrant, SupportView
from portal.oversight.services import OversightError
from portal.pagination import Page
from portal.web import external_url

CLAUSE = "§24(1)"


def _mail(grant: SupportGrant, kind: str) -> None:
    organization = db.session.get(Organization, grant.organization_id)
    url = external_url("oversight.support_grant", grant_id=grant.id)
    for admin in organization_admins(grant.organization_id):
        queue_mail(f"support_{kind}", admin.email, f"oversight_support_{kind}",
                   locale=admin.locale or "ja", organization_id=grant.organization_id,
                   organization=organization, grant=grant, recipient=admin, grant_url=url)


def grant_support(organization_id: int, *, case_reference: str, description: str,
                  hours: int | None, ends_at: datetime | None, by: User, now: datetime,
                  form_token: str | None = None) -> SupportGrant:
    """Let staff view the organization's registered data until `ends_at` (or `hours` from
    now). Errors (OversightError, §24(1)): case_required (field case_reference),
    support_hours (hours), support_end_missing / support_end_past / support_end_too_far
    (ends_at), duplicate_submit."""
    case_reference = (case_reference or "").strip()
    if not case_reference:
        raise OversightError("case_required", CLAUSE, field="case_reference")
    if ends_at is None and hours is None:
        raise OversightError("support_end_missing", CLAUSE, field="ends_at")
    if ends_at is None:
        if hours not in SUPPORT_HOURS:
            raise OversightError("support_hours", CLAUSE, field="hours")
        ends_at = now + timedelta(hours=hours)
    if ends_at <= now:
        raise OversightError("support_end_past", CLAUSE, field="ends_at")
    if ends_at > now + timedelta(hours=SUPPORT_MAX_HOURS):
        raise OversightError("support_end_too_far", CLAUSE, field="ends_at", hours=SUPPORT_MAX_HOURS)
    if form_token and db.session.scalar(sa.select(SupportGrant.id).where(
            SupportGrant.form_token == form_token)):
        raise OversightError("duplicate_submit", CLAUSE)
    grant = SupportGrant(organization_id=organization_id, case_reference=case_reference[:100],
                         description=(description or "").strip(), granted_by_id=by.id,
                         granted_at=now, expires_at=ends_at, form_token=form_token or None)
    db.session.add(grant)
    db.session.flush()
    _mail(grant, "granted")
    return grant


def revoke_grant(grant: SupportGrant, *, by: User, now: datetime) -> None:
    """End a live grant at once (one conditional UPDATE: a double submit revokes once).
    Error: grant_not_live (already revoked or expired; nothing changes)."""
    changed = db.session.execute(
        sa.update(SupportGrant).where(SupportGrant.id == grant.id, SupportGrant.revoked_at.is_(None),
                                      SupportGrant.expires_at > now)
        .values(revoked_at=now, revoked_by_id=by.id).execution_options(synchronize_session=False))
    db.session.refresh(grant)
    if changed.rowcount != 1:
        raise OversightError("grant_not_live", CLAUSE)
    _mail(grant, "revoked")


def live_grant(grant_id: int, now: datetime) -> SupportGrant | None:
    """The grant when it is live now (not revoked, not expired), else None."""
    grant = db.session.get(SupportGrant, grant_id)
    return grant if grant is not None and grant.status(now) == "live" else None


def live_grants(organization_id: int, now: datetime) -> list[SupportGrant]:
    return list(db.session.scalars(sa.select(SupportGrant).where(
        SupportGrant.organization_id == organization_id, SupportGrant.revoked_at.is_(None),
        SupportGrant.expires_at > now).order_by(SupportGrant.expires_at)))


def all_live_grants(now: datetime, limit: int = 200) -> list[SupportGrant]:
    """Live grants of every organization, ending soonest first (few at any time)."""
    return list(db.session.scalars(sa.select(SupportGrant).where(
        SupportGrant.revoked_at.is_(None), SupportGrant.expires_at > now)
        .options(joinedload(SupportGrant.organization))
        .order_by(SupportGrant.expires_at).limit(limit)))


def live_grants_count() -> sa.Select:
    """The console queue: grants staff may work under now (a SELECT of one count)."""
    now = now_utc()
    return sa.select(sa.func.count(SupportGrant.id)).where(
        SupportGrant.revoked_at.is_(None), SupportGrant.expires_at > now)


def grants_page(organization_id: int, page: int, per_page: int = 20) -> Page:
    where = SupportGrant.organization_id == organization_id
    total = db.session.scalar(sa.select(sa.func.count(SupportGrant.id)).where(where)) or 0
    rows = db.session.scalars(
        sa.select(SupportGrant).where(where)
        .options(joinedload(SupportGrant.granted_by), joinedload(SupportGrant.revoked_by))
        .order_by(SupportGrant.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)


def log_view(grant: SupportGrant, staff: User, kind: str, *, ip_address: str = "",
             delivery_id: int | None = None, file_id: int | None = None) -> SupportView:
    """Record one view by `staff` under `grant` (the caller's transaction commits it)."""
    view = SupportView(grant_id=grant.id, organization_id=grant.organization_id, staff_id=staff.id,
                       viewed_at=now_utc(), kind=kind, delivery_id=delivery_id, file_id=file_id,
                       ip_address=ip_address[:45])
    db.session.add(view)
    db.session.flush()
    return view


def views_page(organization_id: int, page: int, *, grant_id: int | None = None,
               per_page: int = 20) -> Page:
    """The organization's (or one grant's) logged views, newest first, with the staff member."""
    where = [SupportView.organization_id == organization_id]
    if grant_id is not None:
        where.append(SupportView.grant_id == grant_id)
    total = db.session.scalar(sa.select(sa.func.count(SupportView.id)).where(*where)) or 0
    rows = db.session.scalars(
        sa.select(SupportView).where(*where).options(joinedload(SupportView.staff))
        .order_by(SupportView.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)
