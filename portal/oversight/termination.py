"""Termination by the provider (解除, §15(1)): staff name the ground (①–⑨) and the reason; the
organization becomes 'terminated' at once (one conditional UPDATE, so a double submit records
one action), every live contract ends today with the reason 'termination', and the written
notice of §15(1) goes by mail to the admins and the organization's confirmed notification
addresses (the contacts it registered), recorded as a `ProviderAction` and in the outbox.

The registered data is deleted afterwards by the lifecycle's daily step (§14(5)): the
organization has no live contract left. The final invoice of §15(2) belongs to billing, which
this branch does not have yet (see docs/decisions.md).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization, User
from portal.billing import services as billing
from portal.clock import now_utc
from portal.contracts.models import LIVE_STATUSES, Contract
from portal.contracts.partners import partners_of, queue_partner_copies
from portal.extensions import db
from portal.lifecycle.services import end_contract
from portal.mail import queue_mail
from portal.notices.models import NotificationAddress
from portal.notices.services.addresses import usable_condition
from portal.oversight.models import TERMINATION_GROUNDS, ProviderAction
from portal.oversight.services import OversightError
from portal.web import external_url


def _recipients(organization_id: int) -> list[tuple[str, User | None, str | None]]:
    """(address, admin or None, locale) of the admins and the confirmed notification
    addresses that have not bounced (§10(2)), each address once."""
    seen, result = set(), []
    for admin in organization_admins(organization_id):
        if admin.email.lower() not in seen:
            seen.add(admin.email.lower())
            result.append((admin.email, admin, admin.locale))
    for address in db.session.scalars(sa.select(NotificationAddress.email).where(
            NotificationAddress.organization_id == organization_id,
            usable_condition()).order_by(NotificationAddress.id)):
        if address.lower() not in seen:
            seen.add(address.lower())
            result.append((address, None, None))
    return result


def terminate(organization: Organization, ground: str, reason: str, *, by: User,
              today: date) -> ProviderAction:
    """Terminate the organization's contracts under §15(1) `ground` with `reason`.

    Errors: OversightError unknown_ground / reason_required (fields), already_terminated."""
    reason = (reason or "").strip()
    if ground not in TERMINATION_GROUNDS:
        raise OversightError("unknown_ground", "§15(1)", field="ground")
    if not reason:
        raise OversightError("reason_required", "§15(1)", field="notice")
    changed = db.session.execute(
        sa.update(Organization).where(Organization.id == organization.id,
                                      Organization.status.in_(("active", "suspended")))
        .values(status="terminated").execution_options(synchronize_session=False)).rowcount
    db.session.refresh(organization, ["status"])
    if changed != 1:
        raise OversightError("already_terminated", "§15(1)")
    action = ProviderAction(organization_id=organization.id, kind="terminate", clause="§15(1)",
                            ground=ground, reason=reason, notice_owed=True, by_id=by.id,
                            created_at=now_utc())
    db.session.add(action)
    db.session.flush()
    partners = partners_of(organization.id)  # before the contracts end (§31(1) copies)
    for contract in db.session.scalars(sa.select(Contract).where(
            Contract.organization_id == organization.id,
            Contract.status.in_(LIVE_STATUSES)).order_by(Contract.id)).all():
        end_contract(contract, today, "termination")
    final = billing.accelerate(organization.id, today, by=by)  # §15(2): every debt due at once
    url = external_url("oversight.provider_actions")
    for address, admin, locale in _recipients(organization.id):
        queue_mail("oversight_terminate", address, "oversight_terminated", locale=locale or "ja",
                   organization_id=organization.id, organization=organization, action=action,
                   recipient=admin, history_url=url, final=final)
    queue_partner_copies("oversight_terminate", "oversight_terminated",
                         organization_id=organization.id, organization_name=organization.name,
                         partners=partners, organization=organization, action=action,
                         history_url=url, final=final)
    return action
