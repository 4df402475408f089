"""Credential misuse reports and one-step containment (§7(4)).

A user reports their own account, an admin any accounts of their organization; someone
locked out uses the public form (login ID, organization name, contact email), which staff
verify before containing. Containment, in the caller's one transaction: the accounts are
locked, all their sessions end, a password reset is required, the guest links they created
are suspended (`suspend_guest_links_of`), every customer admin and every staff member is
mailed and an audit event is written. `submitted_at` is the §7(4) notification time. Staff
work a report through received → investigating → resolved with notes the customer's admins
see; resolving closes the report's accounts (they may be reported again), unlocking is a
separate, recorded action of staff or an admin.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts import hooks
from portal.accounts.audit import record_event
from portal.accounts.directory import organization_admins, staff_members
from portal.accounts.errors import AccountError
from portal.accounts.misuse import digest
from portal.accounts.models import (
    MISUSE_STATUSES,
    MisuseReport,
    MisuseReportAccount,
    MisuseReportNote,
    Organization,
    User,
)
from portal.accounts.signin.resets import issue_reset
from portal.accounts.signin.services import end_all_sessions
from portal.clock import now_utc
from portal.contracts.partners import queue_partner_copies
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.web import external_url

CLAUSE = "§7(4)"


def suspend_guest_links_of(user_ids: list[int]) -> int:
    """Suspend every active guest link created by these users (SPEC §3.7) and return how
    many were suspended: the `users_contained` hooks (sharing registers one). Called inside
    the misuse-report transaction (add and flush only, never commit). `contain_accounts`
    looks it up by name here, so a test can replace it."""
    return hooks.users_contained(user_ids)


def contain_accounts(users: list[User], *, reason: str) -> dict[str, int]:
    """Lock the accounts, end all their sessions, require a password reset and suspend their
    guest links. Returns counts for the audit event."""
    ended = 0
    for user in users:
        user.locked = True
        user.password_reset_required = True
        ended += end_all_sessions(user, reason)
    links = suspend_guest_links_of([u.id for u in users])
    db.session.flush()
    return {"sessions_ended": ended, "guest_links_suspended": links}


def open_report_of(user: User) -> MisuseReport | None:
    return db.session.scalar(
        sa.select(MisuseReport)
        .join(MisuseReportAccount, MisuseReportAccount.report_id == MisuseReport.id)
        .where(MisuseReportAccount.user_id == user.id, MisuseReportAccount.is_open.is_(True))
    )


def reportable_users(reporter: User) -> list[User]:
    """Whom `reporter` may name: an admin any account of the organization, a user only their own."""
    if not reporter.is_admin:
        return [reporter]
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == reporter.organization_id).order_by(User.login_id)
    ))


def submit_report(reporter: User, user_ids: list[int], description: str, client: ClientInfo) -> MisuseReport:
    """Report misuse of the named accounts and contain them at once (§7(4)).

    Errors (AccountError): no_accounts; not_in_organization (an ID of another organization
    or, for a non-admin, anyone but themselves); already_reported (an account already in an
    open report; the partial unique index enforces it too).
    """
    ids = sorted(set(user_ids))
    if not ids:
        raise AccountError("no_accounts", CLAUSE)
    allowed = {u.id for u in reportable_users(reporter)}
    if any(i not in allowed for i in ids):
        raise AccountError("not_in_organization", CLAUSE)
    users = list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)))
    for user in users:
        if open_report_of(user) is not None:
            raise AccountError("already_reported", CLAUSE)
    report = MisuseReport(
        organization_id=reporter.organization_id,
        source="own" if ids == [reporter.id] else "admin",
        reported_by_id=reporter.id,
        submitted_at=now_utc(),
        description=description.strip()[:4000],
        contained=True,
    )
    db.session.add(report)
    db.session.flush()
    for user in users:
        db.session.add(MisuseReportAccount(report_id=report.id, user_id=user.id))
    db.session.flush()
    counts = contain_accounts(users, reason="misuse_report")
    _notify(report, users)
    record_event(
        "misuse_reported", client, user=reporter, report_id=report.id,
        user_ids=[u.id for u in users], **counts,
    )
    return report


def submit_public_report(*, login_id: str, organization_name: str, contact_email: str,
                         description: str, client: ClientInfo) -> MisuseReport:
    """A report from someone locked out: kept as typed until staff verify it; staff get it
    in the digest (`digest.send_digest`: at once unless one went out within the hour).
    Nothing is contained before verification (anyone can use this form).

    Errors: AccountError too_many_public_reports (field organization_name; `digest`)."""
    digest.check_organization_limit(organization_name)
    report = MisuseReport(
        organization_id=None, source="public", submitted_at=now_utc(),
        claimed_login_id=login_id.strip()[:64], claimed_organization=organization_name.strip()[:200],
        contact_email=contact_email.strip()[:254], description=description.strip()[:4000],
    )
    db.session.add(report)
    db.session.flush()
    digest.send_digest()
    record_event("misuse_reported_public", client, login_id=login_id.strip()[:64], report_id=report.id)
    return report


def verify_public_report(report: MisuseReport, login_id: str, *, by: User, client: ClientInfo) -> User:
    """Staff: attach the account the public report is about and contain it."""
    if report.source != "public" or report.status == "resolved":
        raise AccountError("report_resolved")
    user = db.session.scalar(sa.select(User).where(User.login_id == login_id.strip(), User.is_staff.is_(False)))
    if user is None:
        raise AccountError("not_in_organization")
    if open_report_of(user) is not None:
        raise AccountError("already_reported", CLAUSE)
    report.organization_id = user.organization_id
    report.contained = True
    db.session.add(MisuseReportAccount(report_id=report.id, user_id=user.id))
    db.session.flush()
    counts = contain_accounts([user], reason="misuse_report")
    _notify(report, [user], staff=False)
    record_event("misuse_report_verified", client, user=user, report_id=report.id, by_user_id=by.id, **counts)
    return user


def _staff_link(report: MisuseReport) -> str:
    return external_url("staff.misuse_report", report_id=report.id)


def _notify(report: MisuseReport, users: list[User], *, staff: bool = True) -> None:
    """Mail every admin of the report's organization (and the partner's copy without the
    login IDs, §31(1)) and (unless `staff` is false) every staff member that these accounts
    were contained."""
    organization = db.session.get(Organization, report.organization_id)
    link = external_url("accounts.misuse_reports")
    for admin in organization_admins(report.organization_id):
        queue_mail("misuse_report_admin", admin.email, "misuse_report_admin", locale=admin.locale or "ja",
                   organization_id=report.organization_id, report=report, accounts=users,
                   organization=organization, link=link)
    # §31(1) "other notices": the partner learns that accounts were locked, not which ones.
    queue_partner_copies("misuse_report_admin", "misuse_report_admin",
                         organization_id=organization.id, organization_name=organization.name,
                         report=report, accounts=users, account_count=len(users),
                         organization=organization, link=link, withheld=("accounts",))
    if staff:
        for member in staff_members():
            queue_mail("misuse_report_staff", member.email, "misuse_report_staff", locale=member.locale or "ja",
                       report=report, accounts=users, organization=organization, link=_staff_link(report))


def set_status(report: MisuseReport, status: str, note: str, *, by: User, client: ClientInfo) -> None:
    """Staff: move the report on and/or add a note (visible to the customer's admins)."""
    if status not in MISUSE_STATUSES:
        raise AccountError("invalid_status")
    if report.status == "resolved":
        raise AccountError("report_resolved")
    changed = status != report.status
    if not changed and not note.strip():
        return
    db.session.add(MisuseReportNote(report_id=report.id, author_id=by.id, created_at=now_utc(),
                                    status=status if changed else None, body=note.strip()[:4000]))
    if changed:
        report.status = status
        if status == "resolved":
            report.resolved_at = now_utc()
            db.session.execute(sa.update(MisuseReportAccount).where(
                MisuseReportAccount.report_id == report.id).values(is_open=False))
    record_event("misuse_report_updated", client, user=None, login_id=by.login_id,
                 report_id=report.id, status=status)


def unlock_account(user: User, *, by: User, client: ClientInfo) -> None:
    """Staff or an admin of the organization unlocks an account. The password stays unusable:
    a reset link is mailed to the account's address. Errors: AccountError not_locked."""
    if not user.locked:
        raise AccountError("not_locked")
    user.locked = False
    user.password_reset_required = True
    issue_reset(user, reason="unlocked")
    record_event("account_unlocked", client, user=user, by_user_id=by.id, by_staff=by.is_staff)


def _with_details(stmt):
    # Accounts, their users and notes in three statements, whatever the number of reports.
    return stmt.options(
        selectinload(MisuseReport.accounts).selectinload(MisuseReportAccount.user),
        selectinload(MisuseReport.notes),
        selectinload(MisuseReport.organization),
    )


def reports_for(user: User) -> list[MisuseReport]:
    """The reports a customer user sees: an admin those of the organization, a user those
    naming their own account."""
    return organization_reports(user.organization_id) if user.is_admin else user_reports(user)


def organization_reports(organization_id: int) -> list[MisuseReport]:
    return list(db.session.scalars(_with_details(
        sa.select(MisuseReport).where(MisuseReport.organization_id == organization_id)
        .order_by(MisuseReport.submitted_at.desc())
    )))


def user_reports(user: User) -> list[MisuseReport]:
    return list(db.session.scalars(_with_details(
        sa.select(MisuseReport).join(MisuseReportAccount).where(MisuseReportAccount.user_id == user.id)
        .order_by(MisuseReport.submitted_at.desc())
    )))


def staff_queue(status: str | None) -> list[MisuseReport]:
    """The staff's queue (at most 200, newest first), of one status when `status` is one."""
    stmt = _with_details(sa.select(MisuseReport).order_by(MisuseReport.submitted_at.desc()))
    if status in MISUSE_STATUSES:
        stmt = stmt.where(MisuseReport.status == status)
    return list(db.session.scalars(stmt.limit(200)))


def open_reports_count() -> sa.Select:
    """Reports staff have not resolved yet (received or investigating): the console's count."""
    return sa.select(sa.func.count(MisuseReport.id)).where(MisuseReport.status != "resolved")
