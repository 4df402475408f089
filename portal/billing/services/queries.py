"""What the billing pages list: an organization's invoices by status, the staff invoice list
and overdue queue, the admins' home-page summary and the §27(1) liability cap."""
from __future__ import annotations

import functools

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.billing.models import BilledMonth, Demand, Invoice, InvoiceLine
from portal.billing.services.statements import open_invoices_query, statements
from portal.clock import today_jst
from portal.contracts.models import Contract
from portal.extensions import db
from portal.rules import liability

STATUS_FILTERS = ("all", "unpaid", "overdue", "paid")


def _filtered(query, status: str, today: date):
    open_ids = open_invoices_query().with_only_columns(Invoice.id)
    if status == "paid":
        return query.where(Invoice.kind == "invoice", Invoice.id.not_in(open_ids))
    if status == "unpaid":
        return query.where(Invoice.id.in_(open_ids), Invoice.due_date >= today)
    if status == "overdue":
        return query.where(Invoice.id.in_(open_ids), Invoice.due_date < today)
    return query


def invoice_page(organization_id: int | None, status: str, page: int, today: date,
                 per_page: int = 20):
    """(Page of invoices, their statements), newest first; all organizations when None."""
    query = sa.select(Invoice).order_by(Invoice.seq.desc())
    if organization_id is not None:
        query = query.where(Invoice.organization_id == organization_id)
    result = db.paginate(_filtered(query, status, today), page=page, per_page=per_page,
                         error_out=False)
    return result, statements(result.items, today)


@dataclass(frozen=True)
class Summary:
    """The home page's billing card: open invoices, what is due and what is overdue."""

    unpaid: int
    overdue: int
    due_amount: int
    overdue_amount: int
    damages: int
    next_due: date | None


@functools.cache
def _open_invoices_of_org() -> sa.Select:
    # Built once per process: the home page's billing card runs it on every view.
    return (open_invoices_query().where(Invoice.organization_id == sa.bindparam("org_id"))
            .order_by(Invoice.due_date))


def summary(organization_id: int, today: date) -> Summary:
    invoices = list(db.session.scalars(_open_invoices_of_org(), {"org_id": organization_id}))
    sts = statements(invoices, today)
    due = [s for s in sts if s.status == "unpaid"]
    late = [s for s in sts if s.status == "overdue"]
    return Summary(unpaid=len(due), overdue=len(late),
                   due_amount=sum(s.outstanding for s in due),
                   overdue_amount=sum(s.outstanding for s in late),
                   damages=sum(s.damages for s in late),
                   next_due=due[0].invoice.due_date if due else None)


def liability_caps(organization_id: int, event_day: date) -> list[tuple[Contract, liability.LiabilityCap]]:
    """§27(1) per contract of the organization, from the billed months of issued invoices."""
    contracts = list(db.session.scalars(sa.select(Contract).where(
        Contract.organization_id == organization_id, Contract.trial.is_(False))
        .order_by(Contract.id)))
    out = []
    for c in contracts:
        fees = db.session.execute(
            sa.select(BilledMonth.month_start, BilledMonth.fee)
            .join(InvoiceLine, InvoiceLine.id == BilledMonth.line_id)
            .where(BilledMonth.contract_id == c.id, BilledMonth.month_start < event_day)).all()
        out.append((c, liability.cap(c.start_date, event_day, [(d, f) for d, f in fees])))
    return out


def contract_billed(contract_id: int) -> bool:
    """Whether any billing month of the contract has been invoiced (then its 起算日 can no
    longer move, §5(4): the invoice's periods count from it)."""
    return db.session.scalar(sa.select(sa.exists().where(
        BilledMonth.contract_id == contract_id))) or False


def overdue_without_demand_count() -> sa.Select:
    """Open invoices past their due date (Japan's today) with no payment demand yet: the
    console's count (the staff decide whether to demand, §15(1)①)."""
    return open_invoices_query().with_only_columns(sa.func.count(Invoice.id)).where(
        Invoice.due_date < today_jst(), Invoice.id.not_in(sa.select(Demand.invoice_id)))


def demanded_unpaid_count() -> sa.Select:
    """Invoices demanded and still open: the console's count (§15(1)① runs from the demand)."""
    return open_invoices_query().with_only_columns(sa.func.count(Invoice.id)).where(
        Invoice.id.in_(sa.select(Demand.invoice_id)))
