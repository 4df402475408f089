"""Partner copies (§31(1)): the one way every area sends the partner contact of a partner
customer (販売代理店 / 取次店, a contract with channel "reseller" or "agent") its copy of a mail.

§31(1) lets the provider handle through the partner the procedures up to the start of use,
fees (§8), notices (§10), changes of the application (§14) and part or all of the other
notices; docs/decisions.md ("Partner copies") lists which mails are copied. The customer
always gets the mail itself — the copy never replaces it.

`queue_partner_copies` renders the same template with `partner_copy=True` (templates leave
out the personal greeting and anything only the customer may hold), puts the bilingual
"copy for the partner" header (Japanese 敬語 and English) above the body, and replaces every
name in `withheld` by None. It refuses secret-bearing mail outright: a sealed link
(invitation, reset, address confirmation) or a password is never copied to a partner.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.contracts.models import LIVE_STATUSES, Contract, PartnerContact, Service
from portal.extensions import db
from portal.mail import queue_mail

PARTNER_CHANNELS = ("reseller", "agent")


@dataclass(frozen=True)
class Partner:
    email: str
    name: str  # the partner's name as recorded on the contract


def partner_contact(contract: Contract) -> str:
    """The partner contact address of a reseller/agent contract, or ""."""
    if contract.channel not in PARTNER_CHANNELS:
        return ""
    return db.session.scalar(sa.select(PartnerContact.email).where(
        PartnerContact.contract_id == contract.id)) or ""


def set_partner_contact(contract: Contract, email: str) -> None:
    """Record (or with "" remove) the partner contact address of a partner contract."""
    row = db.session.scalar(sa.select(PartnerContact).where(
        PartnerContact.contract_id == contract.id))
    email = (email or "").strip()
    if not email:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(PartnerContact(contract_id=contract.id, email=email))
    else:
        row.email = email
    db.session.flush()


def partner_contacts_stmt(service_code: str | None = None) -> sa.Select:
    """SELECT (organization id, partner email, partner name) of the live partner contracts
    with a contact, each address once per organization; `service_code` keeps that service's
    contracts only. Callers add the organizations they want (one statement for many)."""
    stmt = (sa.select(Contract.organization_id, PartnerContact.email,
                      sa.func.min(Contract.partner_name))
            .join(PartnerContact, PartnerContact.contract_id == Contract.id)
            .where(Contract.channel.in_(PARTNER_CHANNELS), Contract.status.in_(LIVE_STATUSES))
            .group_by(Contract.organization_id, PartnerContact.email)
            .order_by(Contract.organization_id, PartnerContact.email))
    if service_code:
        stmt = stmt.join(Service, Service.id == Contract.service_id).where(
            Service.code == service_code)
    return stmt


def partners_of(organization_id: int, *, contract: Contract | None = None) -> list[Partner]:
    """Who gets the copy: the contract's partner contact for a mail about one contract,
    else the contacts of the organization's live partner contracts."""
    if contract is not None:
        email = partner_contact(contract)
        return [Partner(email, contract.partner_name)] if email else []
    rows = db.session.execute(partner_contacts_stmt().where(
        Contract.organization_id == organization_id)).all()
    return [Partner(email, name) for _org, email, name in rows]


def copy_header(partner_name: str, organization_name: str) -> str:
    """The lines above a copy's body, in Japanese and in English whatever the language."""
    lines = []
    for locale in ("ja", "en"):
        with force_locale(locale):
            lines.append(_("[Copy for the partner] This is a copy, for %(partner)s, of a mail we "
                           "sent to our customer %(org)s (%(clause)s). Please do not forward it "
                           "outside your company.", partner=partner_name or "—",
                           org=organization_name, clause="第31条(1)" if locale == "ja"
                           else "Art. 31(1)"))
    return "\n".join(lines) + "\n\n"


def queue_partner_copies(kind: str, template: str, *, organization_id: int,
                         organization_name: str, contract: Contract | None = None,
                         withheld: tuple[str, ...] = (), partners: list[Partner] | None = None,
                         **context) -> int:
    """Queue one copy of `template` for each partner (`partners_of` unless given). The copy
    is rendered in Japanese with `partner_copy=True`, `recipient=None` and every name in
    `withheld` set to None; returns the number queued.

    Errors: ValueError when `secret_fields` is passed — secret mail is never copied."""
    if "secret_fields" in context:
        raise ValueError("secret-bearing mail is never copied to a partner (§31(1))")
    partners = partners_of(organization_id, contract=contract) if partners is None else partners
    values = {**context, **{name: None for name in withheld}}
    for partner in partners:
        mail = queue_mail(kind, partner.email, template, locale="ja",
                          organization_id=organization_id, contract=contract, recipient=None,
                          partner_copy=True, partner_name=partner.name, **values)
        with force_locale("ja"):
            mail.subject = (_("[Copy] %(subject)s", subject=mail.subject))[:300]
        mail.body = copy_header(partner.name, organization_name) + mail.body
    return len(partners)
