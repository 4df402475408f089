"""What an invoice stands at: paid, credited, outstanding, its status and late damages.

An invoice's outstanding amount is its total less the credit notes referring to it and the
payments recorded against it; more than that paid is held as the organization's credit (an
overpayment is never refunded by the portal, §8(4)). Status: 支払済 (paid) when nothing is
outstanding, 期限超過 (overdue) when something is outstanding after the due date, else 未払い
(unpaid). Late damages (§8(3)) run on the outstanding balance from the day after the due date,
each payment closing a stretch on its date (`portal.rules.late_fees`), up to `today` while
anything is still open. After a termination by the provider (§15(2)) the due date is the
earlier of the invoice's own and the acceleration day. Everything is computed from one query
per list, not per row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.billing.models import Acceleration, Demand, Invoice, Payment
from portal.extensions import db
from portal.rules.late_fees import late_damages


@dataclass
class Statement:
    """An invoice with its payments: paid, credited, outstanding, overpaid, status, damages,
    the day it was settled (or None), demands (dates) and the §15(1)① day."""

    invoice: Invoice
    payments: list[Payment] = field(default_factory=list)
    credited: int = 0
    demands: list[date] = field(default_factory=list)
    today: date | None = None
    accelerated_on: date | None = None

    @property
    def due(self) -> date | None:
        """The day payment is due: the invoice's due date, or the §15(2) acceleration day when
        the provider terminated the contracts earlier."""
        due = self.invoice.due_date
        if self.accelerated_on is not None and due is not None:
            return min(due, self.accelerated_on)
        return due

    @property
    def accelerated(self) -> bool:
        return self.due is not None and self.due != self.invoice.due_date

    @property
    def paid(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def owed(self) -> int:
        return max(self.invoice.total - self.credited, 0)

    @property
    def outstanding(self) -> int:
        return max(self.owed - self.paid, 0)

    @property
    def overpaid(self) -> int:
        return max(self.paid - self.owed, 0)

    @property
    def settled_on(self) -> date | None:
        balance = self.owed
        for p in sorted(self.payments, key=lambda p: (p.paid_on, p.id)):
            balance -= p.amount
            if balance <= 0:
                return p.paid_on
        return None if balance > 0 else self.invoice.issue_date

    @property
    def status(self) -> str:
        if self.invoice.kind == "credit_note":
            return "credit_note"
        if self.outstanding == 0:
            return "paid"
        if self.today is not None and self.today > self.due:
            return "overdue"
        return "unpaid"

    @property
    def damages(self) -> int:
        """§8(3) on each stretch of the balance after the due date; 0 for credit notes."""
        due = self.due
        if due is None or self.today is None:
            return 0
        balance, since, total = self.owed, due, 0
        for p in sorted(self.payments, key=lambda p: (p.paid_on, p.id)):
            if balance <= 0:
                break
            if p.paid_on > since:
                total += late_damages(balance, since, p.paid_on)
                since = p.paid_on
            balance -= p.amount
        if balance > 0 and self.today > since:
            total += late_damages(balance, since, self.today)
        return total

    @property
    def damage_days(self) -> int:
        due = self.due
        end = self.settled_on or self.today
        return max((end - due).days, 0) if due and end else 0


def statements(invoices: list[Invoice], today: date) -> list[Statement]:
    """A Statement per invoice, in the given order (four queries whatever the count)."""
    ids = [i.id for i in invoices]
    if not ids:
        return []
    payments, credits, demands = defaultdict(list), defaultdict(int), defaultdict(list)
    for p in db.session.scalars(sa.select(Payment).where(Payment.invoice_id.in_(ids))):
        payments[p.invoice_id].append(p)
    for ref, total in db.session.execute(
            sa.select(Invoice.refers_to_id, sa.func.sum(Invoice.total))
            .where(Invoice.refers_to_id.in_(ids)).group_by(Invoice.refers_to_id)):
        credits[ref] = int(total)
    for invoice_id, day in db.session.execute(
            sa.select(Demand.invoice_id, Demand.demanded_on).where(Demand.invoice_id.in_(ids))
            .order_by(Demand.demanded_on)):
        demands[invoice_id].append(day)
    accelerated = dict(db.session.execute(
        sa.select(Acceleration.organization_id, Acceleration.accelerated_on).where(
            Acceleration.organization_id.in_({i.organization_id for i in invoices}))).all())
    return [Statement(i, payments.get(i.id, []), credits.get(i.id, 0), demands.get(i.id, []),
                      today, accelerated.get(i.organization_id)) for i in invoices]


def statement(invoice: Invoice, today: date) -> Statement:
    return statements([invoice], today)[0]


def open_invoices_query():
    """Invoices (not credit notes) not yet fully paid or credited: total > payments + credits."""
    paid = (sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
            .where(Payment.invoice_id == Invoice.id).correlate(Invoice).scalar_subquery())
    credit = aliased(Invoice)
    credited = (sa.select(sa.func.coalesce(sa.func.sum(credit.total), 0))
                .where(credit.refers_to_id == Invoice.id).correlate(Invoice).scalar_subquery())
    return sa.select(Invoice).where(Invoice.kind == "invoice", Invoice.total > paid + credited)
