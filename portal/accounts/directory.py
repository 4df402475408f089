"""Who is who: an organization's active administrators, the provider's active staff, an
organization's head count for the §9(1) users quota and its registered address for the §31(5)
check. Other areas, and the accounts sub-areas themselves, ask here instead of querying the
users and organizations tables for these."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Invitation, Organization, User
from portal.clock import now_utc
from portal.contracts.services import Residency
from portal.extensions import db


def organization_admins(organization_id: int) -> list[User]:
    """The organization's active administrators (customer users with the admin role), by id."""
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == organization_id, User.role == "admin",
                              User.active.is_(True), User.is_staff.is_(False))
        .order_by(User.id)))


def staff_members() -> list[User]:
    """The provider's active staff accounts, by id (they are mailed about reports and requests)."""
    return list(db.session.scalars(
        sa.select(User).where(User.is_staff.is_(True), User.active.is_(True)).order_by(User.id)))


def count_users(organization_id: int) -> int:
    """§9(1) users: active (not deactivated) users plus pending, unexpired invitations."""
    users = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.organization_id == organization_id, User.active.is_(True))) or 0
    invitations = db.session.scalar(
        sa.select(sa.func.count(Invitation.id)).where(
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None),
            Invitation.expires_at > now_utc())) or 0
    return users + invitations


def organization_residency(organization_id: int) -> Residency | None:
    """The organization's registered address as §31(5) looks at it (country, postal code,
    prefecture, phone); None when the organization has no registered address yet."""
    org = db.session.get(Organization, organization_id)
    if org is None or not (org.postal_code or org.prefecture or org.phone):
        return None
    return Residency(country=org.country or "JP", postal_code=org.postal_code,
                     prefecture=org.prefecture, phone=org.phone)
