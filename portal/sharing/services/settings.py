"""The organization's sharing settings, set by its admins: the longest validity of a guest
link (SPEC §3.7). Without a saved setting an organization gets DEFAULT_MAX_LINK_DAYS."""
from __future__ import annotations

from portal.accounts.models import User
from portal.clock import now_utc
from portal.extensions import db
from portal.sharing.models import SharingSettings
from portal.sharing.services.common import SharingError

DEFAULT_MAX_LINK_DAYS = 30


def max_link_days(organization_id: int) -> int:
    """The longest validity (days, counted from creation) of a new guest link."""
    settings = db.session.get(SharingSettings, organization_id)
    return settings.max_link_days if settings else DEFAULT_MAX_LINK_DAYS


def set_max_link_days(organization_id: int, days: int, by: User) -> None:
    """Save the organization's longest link validity (1–365 days), noting who set it.

    Errors (SharingError): invalid_max_days (field max_link_days). Links already created
    keep their expiry."""
    if not 1 <= days <= 365:
        raise SharingError("invalid_max_days", field="max_link_days")
    settings = db.session.get(SharingSettings, organization_id)
    if settings is None:
        settings = SharingSettings(organization_id=organization_id)
        db.session.add(settings)
    settings.max_link_days = days
    settings.updated_at = now_utc()
    settings.updated_by_id = by.id
    db.session.flush()
