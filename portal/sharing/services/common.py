"""What every service of the files area shares: the area's refusal `SharingError`, the clean
names and types of uploaded files, who manages a delivery or link, and the sending
organization's name and status.

`SharingError` is a `portal.domain.DomainError`: `exc.message` is its text from
`portal.sharing.messages`, so views and `portal.web.transaction` never map codes themselves.
"""
from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.domain import DomainError
from portal.extensions import db
from portal.sharing import messages


class SharingError(DomainError):
    """A refused sharing action; `code` names the reason, `clause` the terms behind it,
    `field` the form field it belongs to (when there is one)."""

    describe = staticmethod(messages.error_message)


# --- file names -----------------------------------------------------------------------

_RESERVED = set('<>:"|?*')


def sanitize_filename(raw: str | None) -> str:
    """The visible name of an uploaded file: NFC-normalized, without directories, control
    characters or characters Windows refuses, at most 200 characters (extension kept).
    Japanese is kept as is. Never used to build a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in _RESERVED else ch
        for ch in name
        if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}
    )
    name = name.strip().strip(".").strip()
    if not name:
        return "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: 200 - len(ext) - 1] + "." + ext
        else:
            name = name[:200]
    return name


def clean_content_type(value: str | None) -> str:
    """The declared media type of an upload without parameters, or application/octet-stream
    when it is not a well-formed `type/subtype`."""
    value = (value or "").split(";", 1)[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", value or "-"):
        return "application/octet-stream"
    return value[:150]


# --- who and whose ----------------------------------------------------------------------

def can_manage(user: User, obj) -> bool:
    """The creator and the organization's admins manage a delivery or link."""
    return user.is_admin or obj.created_by_id == user.id


def organization_status(organization_id: int) -> str:
    """The organization's status ("terminated" when it no longer exists)."""
    return db.session.scalar(
        sa.select(Organization.status).where(Organization.id == organization_id)
    ) or "terminated"


def organization_name(organization_id: int) -> str:
    """The organization's name as guests see it as the sender ("" when it no longer exists)."""
    return db.session.scalar(
        sa.select(Organization.name).where(Organization.id == organization_id)
    ) or ""
