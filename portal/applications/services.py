"""Applications: submitting one, finding it again, the §5(2) deadline and inquiry, and the
staff decision (approve: organization, contracts, first admin's invitation and usage-start
notice §5(1); reject with a reason §2(1)). Services add and flush; the view commits once.
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.users.invitations import create_invitation
from portal.accounts.models import Organization, User
from portal.applications.checks import application_problems
from portal.applications.errors import ApplicationError
from portal.applications.models import Application, ApplicationInquiry, ApplicationItem
from portal.clock import now_utc, today_jst
from portal.contracts import services as contract_services
from portal.contracts.models import Plan
from portal.contracts.partners import Partner, queue_partner_copies, set_partner_contact
from portal.contracts.quotas import QuotaExceeded
from portal.contracts.services import ContractError, Residency
from portal.extensions import db
from portal.i18n import yen
from portal.mail import queue_mail
from portal.notices.services.registration import register_applicant_address
from portal.web import external_url
from portal.rules import business_days
from portal.terms.services import record_acceptance

REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
REFERENCE_LENGTH = 6
INQUIRY_INTERVAL = timedelta(hours=24)


def new_reference(today: date) -> str:
    """APP-<year>-<6 random Crockford base32 characters>: ~30 bits, never enough alone (the
    status page also needs the contact email and is rate-limited)."""
    random_part = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"APP-{today.year}-{random_part}"


def normalize_reference(text: str) -> str:
    """Upper case, without spaces; Crockford's look-alikes (O→0, I/L→1) are read as digits."""
    value = "".join((text or "").split()).upper()
    head, sep, tail = value.rpartition("-")
    tail = tail.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{head}{sep}{tail}"


def plan_choices() -> tuple[dict[str, list[tuple[str, str]]], dict[int, Plan]]:
    """Plans on sale per service code, for the form's choices, and every plan by id."""
    choices: dict[str, list[tuple[str, str]]] = {}
    plans: dict[int, Plan] = {}
    for service in contract_services.price_list():
        for plan in contract_services.active_plans(service):
            label = _(
                "%(name)s (%(fee)s a month excl. tax, minimum %(months)d months, "
                "paid every %(periods)s months)",
                name=plan.name, fee=yen(plan.monthly_fee), months=plan.minimum_months,
                periods="/".join(str(p) for p in plan.allowed_billing_periods),
            )
            choices.setdefault(service.code, []).append((str(plan.id), label))
            plans[plan.id] = plan
    return choices, plans


@dataclass
class ApplicationInput:
    company_name: str
    company_name_kana: str
    representative_name: str
    country: str
    postal_code: str
    prefecture: str
    city: str
    address_line1: str
    address_line2: str
    phone: str
    contact_name: str
    contact_email: str
    plans: dict[str, int]  # service code -> plan id
    billing_period_months: int
    trial: bool
    channel: str
    partner_name: str
    locale: str = "ja"
    antisocial_declared: bool = False  # §28(1): the representation was ticked

    @property
    def residency(self) -> Residency:
        return Residency(country=self.country, postal_code=self.postal_code,
                         prefecture=self.prefecture, phone=self.phone)


def find_by_nonce(nonce: str) -> Application | None:
    return db.session.scalar(sa.select(Application).where(Application.form_nonce == nonce))


MIN_NONCE_LENGTH = 16


def submit_application(data: ApplicationInput, *, nonce: str, terms_version, client,
                       shown_terms_id: str | None = None) -> Application:
    """Record an application and the acceptance of `terms_version`, and queue the
    confirmation mail.

    `shown_terms_id` is the terms version the form showed (its hidden field); when given and
    no longer the version in force, the applicant must read and accept again (§4(1)).
    A nonce already used returns that application (a double submit creates one, also when two
    submits race: the unique nonce decides). Errors: ApplicationError codes no_service,
    terms_changed, form_expired, antisocial_required (§28(1): the representation is stored
    with its time and the terms version in force), unknown_plan, billing_period (§5(5)),
    japan_only (§31(5), with the reasons).
    """
    if not data.plans:
        raise ApplicationError("no_service", field="plan_image_works")
    if shown_terms_id is not None and (terms_version is None
                                       or shown_terms_id != str(terms_version.id)):
        raise ApplicationError("terms_changed", field="accept_terms", clause="§4(1)")
    if len(nonce or "") < MIN_NONCE_LENGTH:
        raise ApplicationError("form_expired")
    existing = find_by_nonce(nonce)
    if existing is not None:
        return existing
    if terms_version is None:
        raise ApplicationError("terms_changed", field="accept_terms", clause="§4(1)")
    if not data.antisocial_declared:
        raise ApplicationError("antisocial_required", field="antisocial", clause="§28(1)")
    problems = application_problems(data)
    if problems:
        raise problems[0]
    chosen = list(db.session.scalars(
        sa.select(Plan).where(Plan.id.in_(data.plans.values())).options(selectinload(Plan.service))
    ))
    today = today_jst()
    reference = new_reference(today)
    while db.session.scalar(sa.select(sa.func.count()).where(Application.reference == reference)):
        reference = new_reference(today)
    application = Application(
        reference=reference,
        form_nonce=nonce,
        company_name=data.company_name,
        company_name_kana=data.company_name_kana,
        representative_name=data.representative_name,
        country=data.country,
        postal_code=data.postal_code or "",
        prefecture=data.prefecture or "",
        city=data.city,
        address_line1=data.address_line1,
        address_line2=data.address_line2 or "",
        phone=data.phone,
        contact_name=data.contact_name,
        contact_email=data.contact_email,
        channel=data.channel,
        partner_name=data.partner_name if data.channel != "direct" else "",
        trial=data.trial,
        billing_period_months=data.billing_period_months,
        locale=data.locale,
        terms_version_id=terms_version.id,
        antisocial_declared_at=now_utc(),
        submitted_at=now_utc(),
        applied_on=today,
        items=[ApplicationItem(service_id=p.service_id, plan_id=p.id, plan=p, service=p.service)
               for p in chosen],
    )
    try:
        with db.session.begin_nested():  # a concurrent double submit loses on the unique nonce
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        existing = find_by_nonce(nonce)
        if existing is None:
            raise
        return existing
    record_acceptance(terms_version, application=application, kind="explicit", client=client)
    due = start_notice_due(application)
    queue_mail("application_received", application.contact_email, "application_received",
               locale=application.locale, application=application, due=due,
               status_url=external_url("applications.status"))
    return application


def find_for_applicant(reference: str, email: str) -> Application | None:
    """The application with this reference number AND contact email (case-insensitive), or
    None — a wrong pair is indistinguishable from an unknown reference."""
    application = db.session.scalar(
        sa.select(Application)
        .where(Application.reference == normalize_reference(reference))
        .options(selectinload(Application.items).selectinload(ApplicationItem.plan),
                 selectinload(Application.items).selectinload(ApplicationItem.service))
    )
    given = (email or "").strip().lower().encode()
    if application is None or not hmac.compare_digest(application.contact_email.lower().encode(), given):
        return None
    return application


def start_notice_due(application: Application) -> business_days.StartNoticeDue:
    """The 5th business day after the application (§5(2))."""
    return business_days.start_notice_due(application.applied_on)


def is_overdue(application: Application, today: date) -> bool:
    """No usage-start notice sent and the §5(2) deadline has passed."""
    return (
        application.status == "submitted"
        and application.start_notice_sent_at is None
        and start_notice_due(application).is_overdue(today)
    )


def last_inquiry(application: Application) -> ApplicationInquiry | None:
    return application.inquiries[-1] if application.inquiries else None


def record_inquiry(application: Application, *, client) -> ApplicationInquiry:
    """Record the applicant's §5(2) inquiry and mail every staff member.

    Errors: ApplicationError("not_overdue") before the deadline or after a notice was sent;
    ApplicationError("inquiry_recent") within 24 hours of the previous inquiry.
    """
    if not is_overdue(application, today_jst()):
        raise ApplicationError("not_overdue", clause="§5(2)")
    previous = last_inquiry(application)
    now = now_utc()
    if previous is not None and now - previous.created_at < INQUIRY_INTERVAL:
        raise ApplicationError("inquiry_recent", clause="§5(2)")
    inquiry = ApplicationInquiry(application=application, created_at=now,
                                 ip_address=(getattr(client, "ip_address", "") or "")[:45])
    db.session.add(inquiry)
    db.session.flush()
    due = start_notice_due(application)
    for address in staff_addresses():
        queue_mail("application_inquiry", address, "application_inquiry_staff", locale="ja",
                   application=application, due=due,
                   url=external_url("staff.application_detail", application_id=application.id))
    return inquiry


def staff_addresses() -> list[str]:
    return list(db.session.scalars(
        sa.select(User.email).where(User.is_staff.is_(True), User.active.is_(True)).order_by(User.id)
    ))


# --- staff ------------------------------------------------------------------------------

def queue_page(status: str | None, page: int, per_page: int = 50):
    """Applications for the staff queue, oldest first, items loaded up front (bounded queries)."""
    stmt = (
        sa.select(Application)
        .options(selectinload(Application.items).selectinload(ApplicationItem.service),
                 selectinload(Application.items).selectinload(ApplicationItem.plan),
                 selectinload(Application.inquiries))
        .order_by(Application.submitted_at, Application.id)
    )
    if status:
        stmt = stmt.where(Application.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def get_application(application_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(Application.id == application_id)
        .options(selectinload(Application.items).selectinload(ApplicationItem.plan)
                 .selectinload(Plan.service),
                 selectinload(Application.inquiries))
    )


def default_start_date(today: date) -> date:
    """The next business day (§5(2) business days)."""
    return business_days.next_business_day(today)


def _claim(application: Application, status: str, **values) -> None:
    """Move a submitted application to `status` in one conditional UPDATE, so two staff
    deciding at once (or a double click) cannot both succeed."""
    result = db.session.execute(
        sa.update(Application)
        .where(Application.id == application.id, Application.status == "submitted")
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ApplicationError("already_decided")
    db.session.refresh(application)


def registered_address(application: Application) -> dict[str, str]:
    """The organization's registered address and representative, as applied for (§1(2)):
    approval copies them onto the organization, which owns them from then on (§7(2))."""
    address = " ".join(p for p in (application.city, application.address_line1,
                                   application.address_line2) if p)
    return {"country": application.country or "JP", "postal_code": application.postal_code,
            "prefecture": application.prefecture, "address": address[:300],
            "phone": application.phone, "representative_name": application.representative_name}


def approve(application: Application, *, start_date: date, staff: User, client,
            partner_email: str = "") -> Organization:
    """Approve: create the organization, its contracts (trials end after 30 days), the first
    customer admin's invitation (single use, 7 days) and queue the usage-start notice (§5(1)),
    whose link confirms the contact email as the first notification address (§10(2)). For
    a partner application, `partner_email` (entered by staff, who know the partner) becomes
    the partner contact of its contracts and gets a copy of the notice without that link
    (§31(1), `portal.contracts.partners`).

    Errors: ApplicationError already_decided (approved or rejected before), start_in_past,
    contract (a ContractError's code, e.g. japan_only with its §31(5) reasons).
    """
    if application.status != "submitted":
        raise ApplicationError("already_decided")
    if start_date < today_jst():
        raise ApplicationError("start_in_past", field="start_date")
    organization = Organization(name=application.company_name,
                                name_kana=application.company_name_kana,
                                **registered_address(application))
    db.session.add(organization)
    db.session.flush()
    now = now_utc()
    _claim(application, "approved", organization_id=organization.id, start_date=start_date,
           decided_at=now, decided_by_id=staff.id, start_notice_sent_at=now)
    facts = Residency(country=application.country, postal_code=application.postal_code,
                      prefecture=application.prefecture, phone=application.phone)
    contracts = []
    for item in application.items:
        try:
            contracts.append(contract_services.add_contract(
                organization.id, item.plan, usage_start=start_date,
                billing_period_months=application.billing_period_months,
                channel=application.channel, partner_name=application.partner_name,
                trial=application.trial, residency_facts=facts,
            ))
        except ContractError as exc:
            raise ApplicationError("contract", clause=exc.clause,
                                   reasons=exc.reasons or [exc.code]) from None
    try:
        create_invitation(organization, email=application.contact_email, role="admin",
                          name=application.contact_name, invited_by=None,
                          locale=application.locale)
    except (AccountError, QuotaExceeded) as exc:
        raise ApplicationError("invitation", clause=getattr(exc, "clause", ""),
                               reasons=[str(exc)]) from None
    url = register_applicant_address(organization, application.contact_email, now=now)
    notice = {"start_date": start_date, "application": application, "contracts": contracts}
    queue_mail("usage_start_notice", application.contact_email, "application_usage_start",
               locale=application.locale, organization_id=organization.id, address_url=url,
               secret_fields=("address_url",), **notice)
    if partner_email.strip() and application.channel != "direct":
        for contract in contracts:
            set_partner_contact(contract, partner_email)
        queue_partner_copies("usage_start_notice", "application_usage_start",
                             organization_id=organization.id, organization_name=organization.name,
                             partners=[Partner(partner_email.strip(), application.partner_name)],
                             withheld=("address_url",), **notice)
    record_event("application_approved", client, user=staff, application=application.reference,
                 organization_id=organization.id)
    return organization


def reject(application: Application, *, reason: str, staff: User, client) -> None:
    """Reject with a reason (§2(1)) and mail the reason to the contact person.

    Errors: ApplicationError already_decided.
    """
    if application.status != "submitted":
        raise ApplicationError("already_decided")
    _claim(application, "rejected", rejection_reason=reason, decided_at=now_utc(),
           decided_by_id=staff.id)
    queue_mail("application_rejected", application.contact_email, "application_rejected",
               locale=application.locale, application=application)
    record_event("application_rejected", client, user=staff, application=application.reference)


def waiting_count() -> sa.Select:
    """Applications waiting for a decision: the console's count."""
    return sa.select(sa.func.count(Application.id)).where(Application.status == "submitted")


def overdue_count(today: date) -> sa.Select:
    """Applications whose usage-start notice is overdue today (§5(2)): still waiting, no
    notice sent, and sent on or before the latest overdue application day."""
    latest = business_days.latest_overdue_application_day(today)
    return sa.select(sa.func.count(Application.id)).where(
        Application.status == "submitted", Application.start_notice_sent_at.is_(None),
        Application.applied_on <= latest)
