"""The provider's measures on one stored file and their record (terms §24(2)②): quarantine
(隔離), release and deletion of the bytes, each with a ground and a reason from staff.

The file side (what changes on the file, the one open quarantine) is the sharing area's
(`portal.sharing.services.quarantine`); this module adds the `ProviderAction` the customer's
admins see on their 「弊社による操作履歴」 page and mails them every measure. A double submit
records one action: the file changes once, and the actions table is unique per (quarantine,
kind). Staff act only on the file's attributes (§24(2)①); nothing here reads its content.
"""
from __future__ import annotations

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization, User
from portal.clock import now_utc
from portal.extensions import db
from portal.mail import queue_mail
from portal.oversight.models import ProviderAction
from portal.sharing import services as sharing
from portal.sharing.models import FileQuarantine, StoredFile
from portal.web import external_url

TEMPLATES = {"quarantine": "oversight_file_quarantined", "release": "oversight_file_released",
             "delete_file": "oversight_file_deleted"}


def _record(stored: StoredFile, quarantine: FileQuarantine, kind: str, reason: str,
            by: User) -> ProviderAction:
    action = ProviderAction(organization_id=stored.organization_id, kind=kind, clause="§24(2)",
                            reason=reason.strip(), notice_owed=True, by_id=by.id,
                            created_at=now_utc(), file_id=stored.id, quarantine_id=quarantine.id,
                            file_ground=quarantine.ground)
    db.session.add(action)
    db.session.flush()
    organization = db.session.get(Organization, stored.organization_id)
    url = external_url("oversight.provider_actions")
    for admin in organization_admins(stored.organization_id):
        queue_mail(f"oversight_{kind}", admin.email, TEMPLATES[kind], locale=admin.locale or "ja",
                   organization_id=stored.organization_id, organization=organization,
                   action=action, file=stored, quarantine=quarantine, recipient=admin,
                   history_url=url)
    return action


def quarantine(stored: StoredFile, ground: str, reason: str, *, by: User) -> ProviderAction:
    """Quarantine the file (nobody downloads it until released); errors as
    `sharing.quarantine_file` (SharingError)."""
    row = sharing.quarantine_file(stored, ground, reason, by=by, now=now_utc())
    return _record(stored, row, "quarantine", reason, by)


def release(stored: StoredFile, reason: str, *, by: User) -> ProviderAction:
    row = sharing.release_file(stored, reason, by=by, now=now_utc())
    return _record(stored, row, "release", reason, by)


def delete(stored: StoredFile, reason: str, *, by: User) -> ProviderAction:
    """The last resort: delete the bytes of a quarantined file; its record stays."""
    row = sharing.delete_file(stored, reason, by=by, now=now_utc())
    return _record(stored, row, "delete_file", reason, by)


def names_of(actions=(), views=()) -> tuple[dict[int, str], dict[int, str]]:
    """(delivery subjects, file names) for the actions and views listed to the customer's
    admins (the registered data is theirs; "#id" once §14(5) deleted it)."""
    return sharing.names_of([v.delivery_id for v in views],
                            [a.file_id for a in actions] + [v.file_id for v in views])
