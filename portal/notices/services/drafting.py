"""Drafting notices: checking what staff entered against the terms (lead times from
`portal.rules.notices`: §8(1) 60 days, §19(2) 90 days, §19(1), §16, §17(1) and §20 after
the notice day; a discontinuation records its paragraph of §19, a business transfer its
transferee), saving a
notice (published at once when its time has come, through `publishing.publish`) and adding the
progress reports of an incident (§13).

Services add and flush, never commit. A repeated submit of the same form (the same
`form_token`) returns what the first one saved instead of a duplicate.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.extensions import db
from portal.notices.models import (
    AUDIENCES,
    INCIDENT_STATUSES,
    SERVICES,
    Notice,
    NoticeTarget,
    NoticeUpdate,
)
from portal.notices.richtext import to_safe_html
from portal.notices.services.errors import NoticeError
from portal.notices.services.publishing import publish
from portal.rules.jst import jst_date
from portal.rules.notices import (
    CATEGORIES,
    DISCONTINUATION_BASES,
    check_effective_date,
    clause_for,
)
from portal.rules.terms import RuleError

EFFECTIVE_REQUIRED = ("fee_change", "terms_change", "discontinuation", "service_change",
                      "business_transfer")
"""Categories whose notice announces a change on a date: the date is required (§16 and §20
want the notice before the change, so a service change or a transfer needs its date too)."""
EFFECTIVE_ALLOWED = EFFECTIVE_REQUIRED + ("maintenance",)
"""Categories that may carry a date (also the maintenance day)."""


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
    discontinuation_basis: str | None = None  # a key of DISCONTINUATION_BASES (§19(1)/(2))
    transferee_name: str = ""  # business transfers (§20): who takes the business over
    send_email: bool = True
    publish_at: datetime | None = None
    form_token: str = ""


def check_draft(draft: NoticeDraft, now: datetime) -> datetime:
    """Validate `draft` against the terms; return the moment it is to be published.

    Errors (NoticeError): japanese_required (title/body), unknown_category, scheduled_in_past,
    basis_required (a discontinuation names §19(1) or §19(2)), transferee_required (§20),
    effective_required, effective_in_past, lead_time_too_short (with clause and earliest, from
    rules.notices: §8(1) 60 days, §19(2) 90 days, §19(1), §16, §17(1) and §20 the day after
    the notice at the earliest), audience_invalid, organizations_required,
    organizations_unknown.
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
    basis = _check_kind(draft)
    if draft.category in EFFECTIVE_REQUIRED and draft.effective_date is None:
        raise NoticeError("effective_required", field="effective_date",
                          clause=clause_for(draft.category, basis))
    if draft.effective_date is not None and draft.category in EFFECTIVE_ALLOWED:
        if draft.effective_date < jst_date(now):
            raise NoticeError("effective_in_past", field="effective_date")
        try:
            check_effective_date(draft.category, jst_date(publish_at), draft.effective_date, basis)
        except RuleError as exc:
            raise NoticeError(exc.code, field="effective_date", clause=exc.clause,
                              earliest=exc.earliest) from None
    _check_audience(draft)
    return publish_at


def _check_kind(draft: NoticeDraft) -> str | None:
    """The discontinuation's basis (required, §19(1) or §19(2)) and the transferee (§20)."""
    if draft.category == "discontinuation":
        if draft.discontinuation_basis not in DISCONTINUATION_BASES:
            raise NoticeError("basis_required", field="discontinuation_basis", clause="§19")
        return draft.discontinuation_basis
    if draft.category == "business_transfer" and not draft.transferee_name.strip():
        raise NoticeError("transferee_required", field="transferee_name", clause="§20")
    return None


def _check_audience(draft: NoticeDraft) -> None:
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
        discontinuation_basis=(draft.discontinuation_basis
                               if draft.category == "discontinuation" else None),
        transferee_name=(draft.transferee_name.strip()[:200]
                         if draft.category == "business_transfer" else ""),
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
