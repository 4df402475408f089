"""§15(2): when the provider terminates, every amount the organization owes is due at once.

`accelerate(organization_id, day, by=…)` records the acceleration (once per organization; a
second call returns the first) and returns the organization's final demand: every invoice
still open with what is outstanding, and the total, all due on `day`. Nothing already invoiced
is invoiced again: the earlier invoices stay as issued and only their due date moves, as the
statements read it (docs/decisions.md, "§15(2) final invoice"). Billing months that have begun
were billed on their first day by the daily job, so no new charge arises here; the months after
the termination are not billed because the contracts end that day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.billing.models import Acceleration, Invoice
from portal.billing.services.statements import Statement, open_invoices_query, statements
from portal.extensions import db


@dataclass(frozen=True)
class FinalDemand:
    """What an organization owes at once after termination (§15(2))."""

    accelerated_on: date
    statements: list[Statement]

    @property
    def total(self) -> int:
        return sum(st.outstanding for st in self.statements)


def accelerate(organization_id: int, day: date, *, by) -> FinalDemand:
    """Make every debt of the organization due on `day` (§15(2)) and return the final demand.
    Idempotent: the first acceleration day stays."""
    row = db.session.scalar(sa.select(Acceleration).where(
        Acceleration.organization_id == organization_id))
    if row is None:
        row = Acceleration(organization_id=organization_id, accelerated_on=day, by_id=by.id)
        db.session.add(row)
        db.session.flush()
    return final_demand(organization_id, row.accelerated_on, today=day)


def final_demand(organization_id: int, accelerated_on: date, *, today: date) -> FinalDemand:
    """The open invoices of the organization (oldest first) with their statements."""
    invoices = db.session.scalars(open_invoices_query().where(
        Invoice.organization_id == organization_id).order_by(Invoice.seq)).all()
    return FinalDemand(accelerated_on, [st for st in statements(list(invoices), today)
                                        if st.outstanding])


def final_demand_for(organization_id: int, today: date) -> FinalDemand | None:
    """The organization's final demand if the provider terminated its contracts, else None."""
    accelerated_on = db.session.scalar(sa.select(Acceleration.accelerated_on).where(
        Acceleration.organization_id == organization_id))
    if accelerated_on is None:
        return None
    return final_demand(organization_id, accelerated_on, today=today)
