"""Fault reports (不具合の報告, §13(4)): reporting, the customer's and the staff's lists, staff
replies and status changes, the customer's follow-ups, and who is mailed.

§13(4): when a fault occurs, the customer and the provider each tell the other without delay
and agree on what each does. Any user of the customer may report for the customer (users meet
the fault first; decisions.md); the reporter and the organization's admins see the report,
reply and follow up; staff work the queue (`awaiting_count` on the console). The report's time
and first text are a record (§27(1) makes damages depend on these measures): nothing edits
them (the model refuses), later words are entries. Services add and flush, never commit; a
repeated submit of the same form (`form_token`) returns what the first one saved.
"""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.directory import organization_admins, staff_members
from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.models import Contract
from portal.contracts.services import organization_contracts
from portal.extensions import db
from portal.mail import queue_mail
from portal.support.errors import SupportError
from portal.support.models import STATUSES, FaultReport, FaultReportEntry
from portal.web import external_url

CLAUSE = "§13(4)"
OPEN_STATUSES = ("received", "investigating", "answered")
AWAITING_PROVIDER = ("received", "investigating")


def reportable_contracts(organization_id: int) -> list[Contract]:
    """The contracts a report may concern (the organization's, live ones first)."""
    return organization_contracts(organization_id)


def _by_token(model, token: str):
    return db.session.scalar(sa.select(model).where(model.form_token == token)) if token else None


def submit_report(reporter: User, *, subject: str, description: str, contract_id: int | None,
                  occurred_at: datetime | None, form_token: str = "",
                  now: datetime | None = None) -> tuple[FaultReport, bool]:
    """Record a fault report at `now` (the §13(4) notification time) and mail the provider's
    staff and the organization's admins. Returns (report, created).

    Errors (SupportError): contract_unknown (field contract_id: not one of the organization's
    contracts), occurred_in_future (field occurred_at)."""
    existing = _by_token(FaultReport, form_token)
    if existing is not None:
        return existing, False
    now = now or now_utc()
    if contract_id and contract_id not in {c.id for c in reportable_contracts(reporter.organization_id)}:
        raise SupportError("contract_unknown", CLAUSE, field="contract_id")
    if occurred_at is not None and occurred_at > now:
        raise SupportError("occurred_in_future", CLAUSE, field="occurred_at")
    report = FaultReport(
        organization_id=reporter.organization_id, reported_by_id=reporter.id,
        contract_id=contract_id or None, subject=subject.strip()[:200],
        description=description.strip()[:8000], occurred_at=occurred_at, reported_at=now,
        status="received", form_token=form_token or secrets.token_hex(16),
    )
    db.session.add(report)
    db.session.flush()
    for member in staff_members():
        queue_mail("support_fault_staff", member.email, "support_fault_staff",
                   locale=member.locale or "ja", report=report, reporter=reporter,
                   link=external_url("staff.support_fault", report_id=report.id))
    link = external_url("support.fault", report_id=report.id)
    for admin in organization_admins(report.organization_id):
        queue_mail("support_fault_admin", admin.email, "support_fault_admin",
                   locale=admin.locale or "ja", organization_id=report.organization_id,
                   report=report, reporter=reporter, link=link)
    return report, True


def visible_to(user: User):
    """The WHERE clause of the reports a customer user may see: an admin the organization's,
    anyone else those they made."""
    clause = FaultReport.organization_id == user.organization_id
    if not user.is_admin:
        clause = sa.and_(clause, FaultReport.reported_by_id == user.id)
    return clause


def report_for(user: User, report_id: int) -> FaultReport | None:
    """The report `report_id` if `user` may see it (else None: the view answers 404)."""
    return db.session.scalar(_with_details(sa.select(FaultReport).where(
        FaultReport.id == report_id, visible_to(user))))


def _with_details(stmt):
    return stmt.options(
        selectinload(FaultReport.reported_by), selectinload(FaultReport.organization),
        selectinload(FaultReport.contract).selectinload(Contract.service),
        selectinload(FaultReport.entries).selectinload(FaultReportEntry.author),
    )


def _listed(stmt):
    # A list shows who reported, for which service: two more statements whatever the rows.
    return stmt.options(
        selectinload(FaultReport.reported_by), selectinload(FaultReport.organization),
        selectinload(FaultReport.contract).selectinload(Contract.service),
    ).order_by(FaultReport.reported_at.desc(), FaultReport.id.desc())


def reports_page(user: User, page: int, per_page: int = 20):
    """The customer's list (newest first): `db.paginate` of the reports `user` may see."""
    return db.paginate(_listed(sa.select(FaultReport).where(visible_to(user))),
                       page=page, per_page=per_page, error_out=False)


def staff_page(status: str | None, page: int, per_page: int = 50):
    """The staff's queue: one status, or (None) every report not closed."""
    stmt = sa.select(FaultReport)
    stmt = stmt.where(FaultReport.status == status) if status in STATUSES else stmt.where(
        FaultReport.status.in_(OPEN_STATUSES))
    return db.paginate(_listed(stmt), page=page, per_page=per_page, error_out=False)


def awaiting_count() -> sa.Select:
    """Reports waiting for the provider (received or investigating): the console's count."""
    return sa.select(sa.func.count(FaultReport.id)).where(FaultReport.status.in_(AWAITING_PROVIDER))


def reply(report: FaultReport, *, by: User, body: str, status: str, form_token: str = "",
          now: datetime | None = None) -> tuple[FaultReportEntry, bool]:
    """Staff: answer and/or move the status; the reporter and the organization's admins are
    mailed and see it on the report. Errors: status_invalid, report_closed (a closed report
    is final), reply_required (no text and no change)."""
    existing = _by_token(FaultReportEntry, form_token)
    if existing is not None:
        return existing, False
    if status not in STATUSES:
        raise SupportError("status_invalid", CLAUSE, field="status")
    if report.status == "closed":
        raise SupportError("report_closed", CLAUSE, field="status")
    changed = status != report.status
    if not changed and not body.strip():
        raise SupportError("reply_required", CLAUSE, field="body")
    now = now or now_utc()
    entry = _add_entry(report, "reply", by, body, status if changed else None, form_token, now)
    if changed:
        report.status = status
        report.closed_at = now if status == "closed" else None
    db.session.flush()
    link = external_url("support.fault", report_id=report.id)
    for person in _customer_recipients(report):
        queue_mail("support_fault_reply", person.email, "support_fault_reply",
                   locale=person.locale or "ja", organization_id=report.organization_id,
                   report=report, entry=entry, link=link)
    return entry, True


def add_followup(report: FaultReport, *, by: User, body: str, form_token: str = "",
                 now: datetime | None = None) -> tuple[FaultReportEntry, bool]:
    """The reporter or an admin adds to the report; staff are mailed. An answered report goes
    back to investigating. Errors: report_closed, body_required."""
    existing = _by_token(FaultReportEntry, form_token)
    if existing is not None:
        return existing, False
    if report.status == "closed":
        raise SupportError("report_closed", CLAUSE, field="body")
    if not body.strip():
        raise SupportError("body_required", CLAUSE, field="body")
    now = now or now_utc()
    reopen = report.status == "answered"
    entry = _add_entry(report, "followup", by, body, "investigating" if reopen else None,
                       form_token, now)
    if reopen:
        report.status = "investigating"
    db.session.flush()
    for member in staff_members():
        queue_mail("support_fault_followup", member.email, "support_fault_followup",
                   locale=member.locale or "ja", report=report, entry=entry,
                   link=external_url("staff.support_fault", report_id=report.id))
    return entry, True


def _add_entry(report, kind, by, body, status, form_token, now) -> FaultReportEntry:
    entry = FaultReportEntry(report=report, kind=kind, author_id=by.id, body=body.strip()[:8000],
                             status=status, created_at=now,
                             form_token=form_token or secrets.token_hex(16))
    report.last_entry_at = now
    db.session.add(entry)
    return entry


def _customer_recipients(report: FaultReport) -> list[User]:
    """The organization's active admins and the reporter (once each, if still active)."""
    people = {u.id: u for u in organization_admins(report.organization_id)}
    reporter = db.session.get(User, report.reported_by_id)
    if reporter is not None and reporter.active:
        people.setdefault(reporter.id, reporter)
    return list(people.values())
