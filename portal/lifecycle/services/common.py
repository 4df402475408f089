"""What every lifecycle service shares: the area's refusal (`LifecycleError`), turning a rule's
refusal into one, flushing against the "one open request" unique indexes, and mailing a
contract's administrators plus the partner's copy (§31(1); the partner contact and the copy
helper live in `portal.contracts.partners`, re-exported here for the lifecycle services). The topic modules beside this one import from here; nothing here imports
them.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization
from portal.clock import now_utc
from portal.contracts.models import Contract
from portal.contracts.partners import partner_contact, queue_partner_copies, set_partner_contact  # noqa: F401  (re-exported by services)
from portal.domain import DomainError
from portal.extensions import db
from portal.lifecycle import messages
from portal.mail import queue_mail
from portal.rules import RuleError
from portal.web import external_url

ONE_DAY = timedelta(days=1)


def suspended_organization_ids() -> sa.Select:
    """The organizations the provider has suspended (利用停止, the oversight area): the daily
    job mails them no reminders and deletes none of their data until they are resumed."""
    return sa.select(Organization.id).where(Organization.status == "suspended")


class LifecycleError(DomainError):
    """A lifecycle action the terms or the state of the contract refuse.

    code: stable reason (see portal.lifecycle.messages); clause: the clause cited;
    earliest: the earliest acceptable date, if any; field: the form field it belongs to;
    details: values for the message (e.g. the quota). `message` is the translated text.
    """

    describe = staticmethod(messages.error_message)


def from_rule(exc: RuleError, field: str) -> LifecycleError:
    """The rule's refusal (code, clause, earliest date) as a LifecycleError on `field`."""
    return LifecycleError(exc.code, exc.clause, earliest=exc.earliest, field=field)


def flush_unique(error: LifecycleError) -> None:
    """Flush; a unique index violation (a second open request, a double submit) → `error`."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise error from None


def require_status(obj, allowed: tuple[str, ...], code: str, clause: str) -> None:
    """Refuse with `code` unless the request or notice `obj` is in one of the `allowed` states."""
    if obj.status not in allowed:
        raise LifecycleError(code, clause, status=obj.status)


# --- the partner contact (§31(1)) and the people to mail --------------------------------------

def refuse_request(req, reason: str, *, by, clause: str) -> None:
    """Staff refuse an open request (plan change, trial conversion) with the reason given to
    the customer. Errors: already_decided (no longer open), reason_required."""
    require_status(req, ("requested",), "already_decided", clause)
    if not reason.strip():
        raise LifecycleError("reason_required", clause, field="reason")
    req.status = "refused"
    req.refusal_reason = reason.strip()
    req.decided_by_id = by.id
    req.decided_at = now_utc()
    db.session.flush()


def mail_admins(contract: Contract, kind: str, template: str, **ctx) -> int:
    """Queue `template` to every customer admin, and a copy to the partner contact (§31(1),
    `portal.contracts.partners`; templates leave out with `partner_copy` what only the
    customer may hold).

    Every mail links to the contract's lifecycle page (`contract_url`). Returns the number of
    mails queued.
    """
    ctx.setdefault("contract_url", external_url("lifecycle.contract", contract_id=contract.id))
    sent = 0
    for admin in organization_admins(contract.organization_id):
        queue_mail(kind, admin.email, template, locale=admin.locale or "ja",
                   organization_id=contract.organization_id, contract=contract,
                   recipient=admin, partner_copy=False, **ctx)
        sent += 1
    organization = db.session.get(Organization, contract.organization_id)
    sent += queue_partner_copies(kind, template, organization_id=contract.organization_id,
                                 organization_name=organization.name, contract=contract, **ctx)
    return sent
