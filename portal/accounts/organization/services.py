"""The organization's details (§7(2)): contact fields change at once; the corporate name
and the representative change only through a request that staff approve, because the
position under the contract may not pass to another party without the provider's written
consent. Every change is kept in `OrganizationHistory`. Services add and flush; the view
commits once. (The §7(5) deletion of a trial organization's accounts is in `trial`.)
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.audit import record_event
from portal.accounts.directory import staff_members
from portal.accounts.errors import AccountError
from portal.accounts.models import (
    CONTACT_FIELDS,
    IDENTITY_FIELDS,
    Organization,
    OrganizationChangeRequest,
    OrganizationHistory,
    User,
)
from portal.clock import now_utc
from portal.contracts.services import has_prus_contract
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.rules import residency

CLAUSE = "§7(2)"


def _record(org: Organization, field: str, old: str, new: str, *, by: User | None,
            request: OrganizationChangeRequest | None = None) -> None:
    db.session.add(OrganizationHistory(
        organization_id=org.id, changed_at=now_utc(), changed_by_id=by.id if by else None,
        field=field, old_value=(old or "")[:300], new_value=(new or "")[:300],
        request_id=request.id if request else None,
    ))


def check_japan_contact(org: Organization, values: dict[str, str]) -> None:
    """§31(5) after approval: while the organization has a live IMAGE WORKS PRus contract,
    its registered address and phone stay in Japan. Checks the address as it would be after
    the change (`values` over the current fields) with `rules.residency`.
    Errors: AccountError("japan_only_contact", "§31(5)", field=<the first problem's field>,
    reasons=[Japanese reasons]). Nothing is checked without a PRus contract."""
    if not has_prus_contract(org.id):
        return
    after = {f: (values.get(f, getattr(org, f)) or "").strip() for f in CONTACT_FIELDS}
    problems = residency.japan_address_problems(after["postal_code"], after["prefecture"],
                                                after["phone"], country=org.country or "JP")
    if problems:
        field = problems[0].field if problems[0].field in CONTACT_FIELDS else "postal_code"
        raise AccountError("japan_only_contact", "§31(5)", field=field,
                           reasons=[p.message for p in problems])


def update_contact(org: Organization, values: dict[str, str], *, by: User, client: ClientInfo) -> list[str]:
    """Change the contact fields (`CONTACT_FIELDS` of `values`) at once, each change kept in
    the history; returns the names of the fields that changed (audited when any did).
    Errors: as `check_japan_contact` (§31(5), while a PRus contract is live)."""
    check_japan_contact(org, values)
    changed = []
    for field in CONTACT_FIELDS:
        new = (values.get(field) or "").strip()
        old = getattr(org, field)
        if new != old:
            setattr(org, field, new)
            _record(org, field, old, new, by=by)
            changed.append(field)
    if changed:
        record_event("organization_contact_changed", client, user=by, fields=changed)
    return changed


def pending_request(org: Organization) -> OrganizationChangeRequest | None:
    """The organization's request waiting for the staff's decision, if any."""
    return db.session.scalar(sa.select(OrganizationChangeRequest).where(
        OrganizationChangeRequest.organization_id == org.id, OrganizationChangeRequest.status == "pending"))


def request_identity_change(org: Organization, *, name: str, name_kana: str, representative_name: str,
                            reason: str, by: User, client: ClientInfo) -> OrganizationChangeRequest:
    """Ask staff to change the corporate name and/or the representative (§7(2)).

    Errors (AccountError): identity_unchanged (nothing differs), identity_pending (a request
    is already waiting; also a partial unique index)."""
    values = {"name": name.strip(), "name_kana": name_kana.strip(), "representative_name": representative_name.strip()}
    if all(values[f] == getattr(org, f) for f in IDENTITY_FIELDS):
        raise AccountError("identity_unchanged", CLAUSE, field="name")
    if pending_request(org) is not None:
        raise AccountError("identity_pending", CLAUSE, field="name")
    req = OrganizationChangeRequest(organization_id=org.id, requested_by_id=by.id, submitted_at=now_utc(),
                                    reason=reason.strip()[:2000], **values)
    db.session.add(req)
    db.session.flush()
    for staff in staff_members():
        queue_mail("organization_change_staff", staff.email, "organization_change_staff",
                   locale=staff.locale or "ja", organization=org, request=req)
    record_event("organization_change_requested", client, user=by, request_id=req.id)
    return req


def decide(req: OrganizationChangeRequest, *, approve: bool, note: str, by: User, client: ClientInfo) -> None:
    """Staff approve (the new values take effect, history kept) or reject with a note; the
    requester is mailed. Errors: AccountError request_decided (§7(2))."""
    if req.status != "pending":
        raise AccountError("request_decided", CLAUSE)
    req.status = "approved" if approve else "rejected"
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    req.decision_note = note.strip()[:2000]
    org = req.organization
    if approve:
        for field in IDENTITY_FIELDS:
            new, old = getattr(req, field), getattr(org, field)
            if new != old:
                setattr(org, field, new)
                _record(org, field, old, new, by=by, request=req)
    requester = req.requested_by
    queue_mail("organization_change_decided", requester.email, "organization_change_decided",
               locale=requester.locale or "ja", organization_id=org.id, organization=org, request=req)
    record_event("organization_change_decided", client, user=None, login_id=by.login_id,
                 request_id=req.id, approved=approve)


def history(org: Organization) -> list[OrganizationHistory]:
    return list(db.session.scalars(sa.select(OrganizationHistory).where(
        OrganizationHistory.organization_id == org.id).order_by(OrganizationHistory.changed_at.desc(),
                                                                OrganizationHistory.id.desc())))


def requests(org: Organization) -> list[OrganizationChangeRequest]:
    return list(db.session.scalars(sa.select(OrganizationChangeRequest).where(
        OrganizationChangeRequest.organization_id == org.id).order_by(OrganizationChangeRequest.id.desc())))


def staff_queue() -> list[OrganizationChangeRequest]:
    return list(db.session.scalars(sa.select(OrganizationChangeRequest).order_by(
        (OrganizationChangeRequest.status == "pending").desc(), OrganizationChangeRequest.submitted_at.desc()).limit(200)))


def pending_requests_count() -> sa.Select:
    """§7(2) change requests waiting for the provider's decision: the console's count."""
    return sa.select(sa.func.count(OrganizationChangeRequest.id)).where(
        OrganizationChangeRequest.status == "pending")
