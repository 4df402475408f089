"""Who is who in an organization: its active administrators and its head count for the §9(1)
users quota. Other areas ask here instead of querying accounts' tables themselves."""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Invitation, User
from portal.clock import now_utc
from portal.extensions import db


def organization_admins(organization_id: int) -> list[User]:
    """The organization's active administrators (customer users with the admin role), by id."""
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == organization_id, User.role == "admin",
                              User.active.is_(True), User.is_staff.is_(False))
        .order_by(User.id)))


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
