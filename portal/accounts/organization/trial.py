"""Deleting the accounts of an organization that only tries the service free of charge
(§7(5)): 「お客様がサービスを無償試用されている場合は、弊社はお客様の承諾を得ることなく、
アカウント情報を削除できるものとします。」

Staff do it from `/staff/organizations/<id>/trial-accounts`. Each customer user keeps an
anonymised, deactivated row (audit events and other areas' foreign keys stay valid); the
personal data is removed. Services add and flush; the view commits once.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.audit import record_event
from portal.accounts.directory import organization_admins
from portal.accounts.errors import AccountError
from portal.accounts.models import (
    EmailChange,
    Invitation,
    Organization,
    PasswordReset,
    RecoveryCode,
    User,
)
from portal.accounts.signin.services import end_all_sessions
from portal.clock import now_utc
from portal.contracts import services as contract_services
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail

CLAUSE = "§7(5)"
ERASED_PASSWORD_HASH = "!erased"
"""Not an Argon2 hash: `verify_password` answers False for it, so nothing signs in."""
ERASED_LOGIN_PREFIX = "deleted-"


def live_contracts(organization_id: int) -> list:
    """The organization's live contracts (trial, active, notice given, suspended), by id, with
    their plan and service (asked of the contracts area)."""
    contracts = contract_services.organization_contracts(organization_id)
    return sorted((c for c in contracts if c.is_live), key=lambda c: c.id)


def trial_only(organization_id: int) -> bool:
    """True when the organization has at least one live contract and every live contract is
    a free trial (§7(5)); an organization with any paid live contract, or none, is not."""
    contracts = live_contracts(organization_id)
    return bool(contracts) and all(c.trial for c in contracts)


def is_erased(user: User) -> bool:
    return user.password_hash == ERASED_PASSWORD_HASH


def accounts_to_delete(organization_id: int) -> list[User]:
    """The customer users of the organization whose data is still there."""
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == organization_id,
                              User.is_staff.is_(False),
                              User.password_hash != ERASED_PASSWORD_HASH)
        .order_by(User.login_id)))


def erased_count(organization_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.organization_id == organization_id,
        User.password_hash == ERASED_PASSWORD_HASH)) or 0


def delete_trial_accounts(organization: Organization, reason: str, *, by: User,
                          client: ClientInfo) -> int:
    """Delete the account information of every customer user of a trial-only organization.

    In the caller's one transaction: lock the organization (a second submit waits and then
    finds nothing left), check §7(5), mail the active admins while their addresses still
    exist, then per account: end all sessions, an audit event `trial_account_deleted` (staff
    user, reason, clause), and erase login ID, email, name, password hash, two-factor secret,
    recovery codes, password-reset and email-change links; the row stays, deactivated.
    Pending invitations of the organization are cancelled and every invitation's address and
    name erased. Returns how many accounts were deleted.
    Errors: AccountError not_trial (§7(5)), reason_required, nothing_to_delete.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AccountError("reason_required", field="reason")
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == organization.id).with_for_update()
    )
    if not trial_only(organization.id):
        raise AccountError("not_trial", CLAUSE)
    users = accounts_to_delete(organization.id)
    if not users:
        raise AccountError("nothing_to_delete")
    now = now_utc()
    for admin in organization_admins(organization.id):
        if admin.email:
            queue_mail("trial_accounts_deleted", admin.email, "trial_accounts_deleted",
                       locale=admin.locale or "ja", organization_id=organization.id,
                       organization=organization, count=len(users), deleted_at=now)
    for user in users:
        ended = end_all_sessions(user, "account_deleted")
        record_event("trial_account_deleted", client, user=user, by_user_id=by.id,
                     by_login_id=by.login_id, reason=reason[:2000], clause=CLAUSE,
                     sessions_ended=ended)
        _erase(user)
    for invitation in db.session.scalars(
            sa.select(Invitation).where(Invitation.organization_id == organization.id)):
        if invitation.accepted_at is None and invitation.cancelled_at is None:
            invitation.cancelled_at = now
        invitation.email = ""
        invitation.name = ""
        invitation.login_id = None
    db.session.flush()
    return len(users)


def _erase(user: User) -> None:
    user.login_id = f"{ERASED_LOGIN_PREFIX}{user.id}"
    user.email = ""
    user.name = ""
    user.password_hash = ERASED_PASSWORD_HASH
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.locale = None
    user.active = False
    user.password_reset_required = True
    for model in (RecoveryCode, PasswordReset, EmailChange):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
