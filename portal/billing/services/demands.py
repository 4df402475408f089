"""Payment demands (催告) and the §15(1)① list: staff demand payment of an overdue invoice
(a mail to the organization's admins and a record with its date, one per invoice and day);
from the 16th day after the demand (15 days having passed, `rules.notices.termination_allowed_from`)
an organization whose invoice is still unpaid is listed as eligible for termination."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.directory import organization_admins
from portal.accounts.models import Organization
from portal.billing.models import Demand, Invoice
from portal.billing.services.common import BillingError
from portal.billing.services.statements import Statement, open_invoices_query, statement, statements
from portal.contracts.partners import queue_partner_copies
from portal.extensions import db
from portal.mail import queue_mail
from portal.rules.notices import termination_allowed_from
from portal.web import external_url


def send_demand(invoice: Invoice, *, by, today: date) -> Demand:
    """Record a demand for `invoice` dated `today` and mail the admins (and the partner's copy,
    §31(1)).

    Errors: BillingError demand_not_unpaid (not overdue), demand_same_day (one per day).
    Clause: §15(1)①.
    """
    st = statement(invoice, today)
    if st.status != "overdue":
        raise BillingError("demand_not_unpaid", "§15(1)①")
    demand = Demand(organization_id=invoice.organization_id, invoice_id=invoice.id,
                    demanded_on=today, by_id=by.id)
    try:
        with db.session.begin_nested():
            db.session.add(demand)
            db.session.flush()
    except IntegrityError:
        raise BillingError("demand_same_day", "§15(1)①") from None
    mail = {"invoice": invoice, "statement": st, "deadline": termination_allowed_from(today),
            "url": external_url("billing.invoice", invoice_id=invoice.id)}
    for admin in organization_admins(invoice.organization_id):
        queue_mail("billing_demand", admin.email, "billing_demand", locale=admin.locale,
                   organization_id=invoice.organization_id, recipient=admin, **mail)
    organization = db.session.get(Organization, invoice.organization_id)
    queue_partner_copies("billing_demand", "billing_demand", organization_id=organization.id,
                         organization_name=organization.name, **mail)  # §31(1): fees, §8
    return demand


@dataclass(frozen=True)
class Eligible:
    organization: Organization
    statement: Statement
    demanded_on: date
    eligible_from: date


def eligible_for_termination(today: date) -> list[Eligible]:
    """Organizations with an invoice still unpaid 15 days after its latest demand (§15(1)①),
    oldest demand first."""
    invoices = list(db.session.scalars(open_invoices_query().where(
        Invoice.id.in_(sa.select(Demand.invoice_id))).order_by(Invoice.id)))
    orgs = {o.id: o for o in db.session.scalars(sa.select(Organization).where(
        Organization.id.in_({i.organization_id for i in invoices})))} if invoices else {}
    out = []
    for st in statements(invoices, today):
        if not st.demands or st.outstanding == 0:
            continue
        first_demand = st.demands[0]
        start = termination_allowed_from(first_demand)
        if today >= start:
            out.append(Eligible(orgs[st.invoice.organization_id], st, first_demand, start))
    return sorted(out, key=lambda e: e.demanded_on)
