"""Who must declare residence in Japan and recording the declaration (§31(5)).

IMAGE WORKS PRus 「日本国内のお客様にのみ提供されます。当該地域以外にお住まいの方は、原則として
ユーザー登録および本サービスのご利用はできません」. Users invited while the organization had PRus
declared residence on the invitation page; users who existed before it got PRus declare at
their next sign-in. A user who does not reside in Japan cannot declare: such a user signs
out and the organization's admin deactivates the account.
"""
from __future__ import annotations

from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.models import User
from portal.clock import now_utc
from portal.contracts.services import has_prus_contract
from portal.domain import ClientInfo
from portal.extensions import db

CLAUSE = "§31(5)"


def must_declare(user) -> bool:
    """Whether the signed-in customer `user` must declare residence in Japan before using the
    portal: the organization has a live PRus contract and the user has not declared. One
    query, only for users who have not declared."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    if user.residence_declared_at is not None:
        return False
    return has_prus_contract(user.organization_id)


def declare(user: User, resides_in_japan: bool, *, client: ClientInfo) -> None:
    """Record the user's declaration of residence in Japan (audited).
    Errors: AccountError("residence_required", "§31(5)", field="residence") when not ticked."""
    if not resides_in_japan:
        raise AccountError("residence_required", CLAUSE, field="residence")
    user.residence_declared_at = now_utc()
    record_event("residence_declared", client, user=user, clause=CLAUSE)
    db.session.flush()
