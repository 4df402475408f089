"""The organization's users, as its admins manage them (SPEC §3.6): creating an account (the
one way a user row is made: invitations, the CLI, the demo data), the searchable list, the
role, deactivation and reactivation (§9(1) users quota), and the admin's actions on one user.

Every organization keeps at least one active, unlocked administrator: role changes and
deactivation lock the organization's row first, so two admins demoting each other at the same
moment cannot both succeed. Services add and flush; the view commits once.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.audit import record_event
from portal.accounts.directory import organization_admins
from portal.accounts.errors import AccountError
from portal.accounts.misuse.services import unlock_account
from portal.accounts.models import ROLES, Organization, User
from portal.accounts.signin.resets import force_reset
from portal.accounts.signin.services import end_all_sessions
from portal.contracts.quotas import check_quota
from portal.domain import ClientInfo
from portal.extensions import db
from portal.passwords import hash_password

ADMIN_ACTIONS = ("role", "deactivate", "reactivate", "force_reset", "unlock")


def create_user(
    *,
    login_id: str,
    email: str,
    password: str,
    name: str = "",
    organization: Organization | None = None,
    role: str = "user",
    is_staff: bool = False,
) -> User:
    """Create a user (a staff account when `is_staff`) with an Argon2id hash of `password`
    (not checked against the policy here: the callers do). Errors: AccountError
    login_id_taken (field "login_id")."""
    if db.session.scalar(sa.select(sa.func.count()).where(User.login_id == login_id)):
        raise AccountError("login_id_taken", field="login_id")
    user = User(
        login_id=login_id,
        email=email,
        name=name,
        password_hash=hash_password(password),
        organization=organization,
        role=role,
        is_staff=is_staff,
    )
    db.session.add(user)
    db.session.flush()
    return user


def organization_users(organization_id: int, *, page: int = 1, per_page: int = 50):
    """Users of one organization, ordered by login ID, paginated."""
    return db.paginate(
        sa.select(User).where(User.organization_id == organization_id).order_by(User.login_id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def search_organization_users(organization_id: int, *, q: str = "", page: int = 1, per_page: int = 50):
    """Users of one organization whose name, login ID or email contains `q`, paginated."""
    stmt = sa.select(User).where(User.organization_id == organization_id)
    q = q.strip()[:100]
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).like(pattern, escape="\\"),
                sa.func.lower(User.login_id).like(pattern, escape="\\"),
                sa.func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    return db.paginate(stmt.order_by(User.login_id), page=page, per_page=per_page, error_out=False)


def _lock_organization(organization_id: int) -> None:
    # Serialises admin changes within one organization (PostgreSQL row lock), so two admins
    # demoting each other at the same moment cannot leave the organization without one.
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == organization_id).with_for_update()
    )


def _is_last_admin(user: User) -> bool:
    """Whether `user` is an admin and no other active, unlocked admin is left."""
    if user.role != "admin":
        return False
    return not any(admin.id != user.id and not admin.locked
                   for admin in organization_admins(user.organization_id))


def change_role(user: User, role: str, *, by: User, client: ClientInfo) -> None:
    """Make `user` an admin or a user; the organization keeps at least one active admin.
    Errors (AccountError): invalid_role, last_admin."""
    if role not in ROLES:
        raise AccountError("invalid_role")
    if role == user.role:
        return
    _lock_organization(user.organization_id)
    if _is_last_admin(user):
        raise AccountError("last_admin")
    old, user.role = user.role, role
    record_event("role_changed", client, user=user, by_user_id=by.id, old=old, new=role)


def deactivate_user(user: User, *, by: User, client: ClientInfo) -> None:
    """Deactivate `user`: sign-in stops and every session ends. Errors (AccountError):
    self_deactivate, last_admin."""
    if user.id == by.id:
        raise AccountError("self_deactivate")
    _lock_organization(user.organization_id)
    if _is_last_admin(user):
        raise AccountError("last_admin")
    user.active = False
    end_all_sessions(user, "deactivated")
    record_event("user_deactivated", client, user=user, by_user_id=by.id)


def reactivate_user(user: User, *, by: User, client: ClientInfo) -> None:
    """Reactivate a deactivated user; counts against the users quota (QuotaExceeded, §9(1))."""
    if user.active:
        return
    check_quota(user.organization_id, "users", adding=1)
    user.active = True
    record_event("user_reactivated", client, user=user, by_user_id=by.id)


def apply_admin_action(user: User, action: str, *, role: str, by: User, client: ClientInfo) -> None:
    """One of `ADMIN_ACTIONS` by an admin on a user of their organization: change the role (to
    `role`), deactivate, reactivate, force a password reset, or unlock after a misuse report.
    Errors: those of the service the action names."""
    if action == "role":
        change_role(user, role, by=by, client=client)
    elif action == "deactivate":
        deactivate_user(user, by=by, client=client)
    elif action == "reactivate":
        reactivate_user(user, by=by, client=client)
    elif action == "force_reset":
        force_reset(user, by=by, client=client)
    elif action == "unlock":
        unlock_account(user, by=by, client=client)
    else:
        raise ValueError(f"unknown admin action {action!r}")
