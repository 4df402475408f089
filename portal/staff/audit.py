"""The staff audit as staff read it (/staff/audit): every recorded staff action
(`portal.staff_audit.StaffAction`), newest first, filtered by staff member and/or
organization, with a label for each kind of action."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.accounts.models import Organization, User
from portal.extensions import db
from portal.staff_audit import StaffAction

# What each audited endpoint does, as the audit page names it (an endpoint missing here is
# shown by its name).
ACTION_LABELS = {
    "staff.misuse_report": _l("Misuse report: status or verification"),
    "staff.unlock_user": _l("Account unlocked"),
    "staff.organization_request": _l("Organization change request decided"),
    "staff.trial_accounts": _l("Trial accounts deleted (§7(5))"),
    "staff.application_approve": _l("Application approved"),
    "staff.application_reject": _l("Application rejected"),
    "staff.billing_invoice": _l("Invoice: payment demand or credit note"),
    "staff.billing_payment_new": _l("Payment recorded"),
    "staff.billing_import": _l("Bank transfers imported"),
    "staff.billing_discontinuation": _l("Discontinuation refunds (§19(3))"),
    "staff.lifecycle_plan_change": _l("Plan change agreed or refused"),
    "staff.lifecycle_cancellation_confirm": _l("Cancellation notice confirmed"),
    "staff.lifecycle_conversion": _l("Trial conversion decided"),
    "staff.lifecycle_partner_contact": _l("Partner contact changed"),
    "staff.lifecycle_non_renewal": _l("Notice of non-renewal given"),
    "staff.notice_new": _l("Notice created"),
    "staff.notice_update": _l("Incident update posted"),
    "staff.organization_suspend": _l("Organization suspended"),
    "staff.organization_resume": _l("Organization resumed"),
    "staff.organization_terminate": _l("Contract terminated (§15(1))"),
    "staff.recommended_browsers": _l("Recommended browser added"),
    "staff.recommended_browser": _l("Recommended browser changed"),
    "staff.recommended_browser_delete": _l("Recommended browser removed"),
    "staff.plan_new": _l("Plan added to the price list"),
    "staff.plan_edit": _l("Plan changed"),
    "staff.plan_fee_change": _l("Fee change scheduled"),
    "staff.terms_new": _l("Terms version published"),
    "staff.outbox_test": _l("Test mail queued"),
}


def action_label(endpoint: str):
    return ACTION_LABELS.get(endpoint, endpoint)


def staff_members() -> list[User]:
    """Every staff account (the filter's choices), by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.is_staff.is_(True)).order_by(User.login_id)))


def actions_page(*, staff_id: int | None, organization_id: int | None, page: int,
                 per_page: int = 50):
    """A page of staff actions, newest first, each with its staff member and organization
    loaded in the same statement (one query for the rows, one for the total)."""
    stmt = (sa.select(StaffAction)
            .options(joinedload(StaffAction.staff_user), joinedload(StaffAction.organization))
            .order_by(StaffAction.occurred_at.desc(), StaffAction.id.desc()))
    if staff_id is not None:
        stmt = stmt.where(StaffAction.staff_user_id == staff_id)
    if organization_id is not None:
        stmt = stmt.where(StaffAction.organization_id == organization_id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def organization(organization_id: int | None) -> Organization | None:
    return db.session.get(Organization, organization_id) if organization_id else None
