"""The provider's powers over an organization and their record (§9(2), §11(2), §15(1),
§24(6), §28(2)).

Suspending (利用停止) and resuming change `Organization.status` with one conditional UPDATE
(`… WHERE status = 'active'`), so a second submit — or two staff at once — finds nothing to
change and records nothing: exactly one `ProviderAction` per real change. Nothing is deleted;
the suspension itself is enforced elsewhere by reading the status (the request gate of this
area, the guest pages of sharing, the daily tasks of lifecycle). Admins are mailed where the
clause owes notice (not §11(2), §28(2)); resumption is always mailed.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.contracts.partners import queue_partner_copies
from portal.domain import DomainError
from portal.extensions import db
from portal.mail import queue_mail
from portal.oversight import messages
from portal.oversight.models import (SILENT_CLAUSES, SUSPENSION_CLAUSES, AiTrainingConsentChange,
                                     ProviderAction, RecommendedBrowser)
from portal.pagination import Page
from portal.web import external_url


class OversightError(DomainError):
    describe = staticmethod(messages.error_message)


def _set_status(organization: Organization, old: str, new: str) -> bool:
    """Move the organization from `old` to `new` status; False when it was not in `old`."""
    result = db.session.execute(
        sa.update(Organization).where(Organization.id == organization.id,
                                      Organization.status == old)
        .values(status=new).execution_options(synchronize_session=False))
    db.session.refresh(organization, ["status"])
    return result.rowcount == 1


def _record(organization: Organization, kind: str, clause: str, reason: str, by: User) -> ProviderAction:
    action = ProviderAction(organization_id=organization.id, kind=kind, clause=clause,
                            reason=reason, notice_owed=clause not in SILENT_CLAUSES,
                            by_id=by.id, created_at=now_utc())
    db.session.add(action)
    db.session.flush()
    return action


def _mail_admins(organization: Organization, action: ProviderAction, template: str) -> int:
    url = external_url("oversight.provider_actions")
    admins = organization_admins(organization.id)
    for admin in admins:
        queue_mail(f"oversight_{action.kind}", admin.email, template, locale=admin.locale or "ja",
                   organization_id=organization.id, organization=organization, action=action,
                   recipient=admin, history_url=url)
    # §31(1) "other notices": the partner of a partner customer gets a copy.
    queue_partner_copies(f"oversight_{action.kind}", template, organization_id=organization.id,
                         organization_name=organization.name, organization=organization,
                         action=action, history_url=url)
    return len(admins)


def suspend(organization: Organization, clause: str, reason: str, *, by: User) -> ProviderAction:
    """Suspend the organization's use of the service under `clause` with the staff's `reason`.

    Errors: OversightError unknown_clause / reason_required (field), already_suspended or
    not_active (the status, nothing changes)."""
    reason = (reason or "").strip()
    if clause not in SUSPENSION_CLAUSES:
        raise OversightError("unknown_clause", field="clause")
    if not reason:
        raise OversightError("reason_required", clause, field="reason")
    if not _set_status(organization, "active", "suspended"):
        code = "already_suspended" if organization.status == "suspended" else "not_active"
        raise OversightError(code, clause)
    action = _record(organization, "suspend", clause, reason, by)
    if action.notice_owed:
        _mail_admins(organization, action, "oversight_suspended")
    return action


def resume(organization: Organization, reason: str, *, by: User) -> ProviderAction:
    """End the organization's suspension; everything works again as before (nothing was
    deleted). The record cites the clause of the suspension it ends."""
    reason = (reason or "").strip()
    if not reason:
        raise OversightError("reason_required", field="reason")
    suspension = current_suspension(organization.id)
    if not _set_status(organization, "suspended", "active"):
        raise OversightError("not_suspended")
    clause = suspension.clause if suspension else "§15(1)"
    action = _record(organization, "resume", clause, reason, by)
    _mail_admins(organization, action, "oversight_resumed")
    return action


def latest_action(organization_id: int) -> ProviderAction | None:
    """The latest action on the organization as a whole (suspension, resumption, termination;
    not a measure on one file)."""
    return db.session.scalar(
        sa.select(ProviderAction).where(ProviderAction.organization_id == organization_id,
                                        ProviderAction.kind.in_(("suspend", "resume", "terminate")))
        .order_by(ProviderAction.id.desc()).limit(1))


def current_suspension(organization_id: int) -> ProviderAction | None:
    """The suspension in force (the latest action, when it is a suspension), or None."""
    latest = latest_action(organization_id)
    return latest if latest is not None and latest.kind == "suspend" else None


def organization_status(organization_id: int) -> str:
    return db.session.scalar(
        sa.select(Organization.status).where(Organization.id == organization_id)) or "terminated"


def actions_page(organization_id: int, page: int, per_page: int = 20) -> Page:
    """The organization's provider actions, newest first (who did them is loaded with them)."""
    where = ProviderAction.organization_id == organization_id
    total = db.session.scalar(sa.select(sa.func.count(ProviderAction.id)).where(where)) or 0
    rows = db.session.scalars(
        sa.select(ProviderAction).where(where).options(joinedload(ProviderAction.by))
        .order_by(ProviderAction.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)


# --- §24(6) AI-training consent -----------------------------------------------------------

def ai_training_consent(organization_id: int) -> bool:
    """Whether the organization consents to the use of its registered data for training
    generative AI (§24(6)); False until an admin turns it on."""
    latest = db.session.scalar(
        sa.select(AiTrainingConsentChange.consented)
        .where(AiTrainingConsentChange.organization_id == organization_id)
        .order_by(AiTrainingConsentChange.id.desc()).limit(1))
    return bool(latest)


def set_ai_training_consent(organization_id: int, consented: bool, *, by: User) -> AiTrainingConsentChange:
    """Record the admin's choice; choosing the current value again changes nothing (a double
    submit logs one change)."""
    # Lock the organization's row so two submits at once are serialized (PostgreSQL).
    db.session.execute(sa.select(Organization.id).where(Organization.id == organization_id)
                       .with_for_update())
    if ai_training_consent(organization_id) == consented:
        raise OversightError("consent_unchanged", "§24(6)", field="consented", consented=consented)
    change = AiTrainingConsentChange(organization_id=organization_id, consented=consented,
                                     by_id=by.id, created_at=now_utc())
    db.session.add(change)
    db.session.flush()
    return change


def consent_log(organization_id: int, page: int, per_page: int = 20) -> Page:
    where = AiTrainingConsentChange.organization_id == organization_id
    total = db.session.scalar(sa.select(sa.func.count(AiTrainingConsentChange.id)).where(where)) or 0
    rows = db.session.scalars(
        sa.select(AiTrainingConsentChange).where(where)
        .options(joinedload(AiTrainingConsentChange.by))
        .order_by(AiTrainingConsentChange.id.desc()).limit(per_page)
        .offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)


def _latest_consent():
    """Each organization's latest consent change (organization_id, id)."""
    return (sa.select(AiTrainingConsentChange.organization_id,
                      sa.func.max(AiTrainingConsentChange.id).label("id"))
            .group_by(AiTrainingConsentChange.organization_id).subquery())


def consenting_organizations(page: int, per_page: int = 50) -> Page:
    """The organizations that consent now, with the time of their consent (by name)."""
    latest = _latest_consent()
    stmt = (sa.select(Organization, AiTrainingConsentChange.created_at)
            .join(latest, latest.c.organization_id == Organization.id)
            .join(AiTrainingConsentChange, AiTrainingConsentChange.id == latest.c.id)
            .where(AiTrainingConsentChange.consented.is_(True)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(Organization.id).limit(per_page)
                              .offset((page - 1) * per_page)).all()
    return Page(page=page, per_page=per_page, total=total, items=rows)


# --- §6(1) recommended browsers (staff edit the list) ----------------------------------------

def save_browser(browser: RecommendedBrowser | None, *, family: str, name: str,
                 min_version: int | None, systems: str, sort_order: int) -> RecommendedBrowser:
    """Add a line (`browser` None) or change one; a family listed twice is refused."""
    taken = db.session.scalar(sa.select(RecommendedBrowser.id).where(
        RecommendedBrowser.family == family,
        RecommendedBrowser.id != (browser.id if browser else -1)))
    if taken:
        raise OversightError("browser_listed", "§6(1)", field="family")
    browser = browser or RecommendedBrowser()
    browser.family, browser.name, browser.min_version = family, name.strip(), min_version
    browser.systems, browser.sort_order = systems.strip(), sort_order
    db.session.add(browser)
    db.session.flush()
    return browser


def delete_browser(browser: RecommendedBrowser) -> None:
    db.session.delete(browser)
    db.session.flush()
