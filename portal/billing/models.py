"""Tables of billing (SPEC §3.10; terms §8, §14(2)–(4), §15, §19(3), §31(4)).

An `Invoice` is a qualified invoice (適格請求書) as issued: its issuer, registration number,
customer name, dates and totals are copied in when it is issued and never change; a
correction is a credit note (`kind = "credit_note"`, another row referring to it). Its
`InvoiceLine`s name the service, plan and period. `BilledMonth` is the database's guarantee
that a contract's billing month (月度) is billed once: unique (contract, first day), whatever
the job does; the §14(4) lump sum is one line per contract (a partial unique index).
`Payment`s are recorded by staff or imported from a bank's CSV (unique per method and
reference, so importing a file twice records nothing new); `PaymentImport` remembers each
file. A `Demand` is a payment demand (催告, §15(1)①), one per invoice and day. An
`Acceleration` records that the provider terminated the organization's contracts (§15(2)):
from that day every debt is due at once, so statements read the earlier of an invoice's own due
date and the acceleration day (the invoice itself never changes).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.db import partial_unique_index
from portal.extensions import db

KINDS = ("invoice", "credit_note")
LINE_KINDS = ("fee", "early_termination", "credit")
PAYMENT_METHODS = ("transfer", "card", "other")


class Invoice(db.Model):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), default="invoice")
    refers_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    issue_date: Mapped[date] = mapped_column(sa.Date)
    issue_month: Mapped[date] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    customer_name: Mapped[str] = mapped_column(sa.String(200))
    issuer_name: Mapped[str] = mapped_column(sa.String(200))
    registration_number: Mapped[str] = mapped_column(sa.String(14))
    payee: Mapped[str] = mapped_column(sa.Text, default="")
    assigned_to: Mapped[str] = mapped_column(sa.String(200), default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    subtotal: Mapped[int] = mapped_column()
    tax: Mapped[int] = mapped_column()
    total: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.id", cascade="all, delete-orphan")
    refers_to: Mapped[Invoice | None] = relationship(remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind"),
        sa.CheckConstraint("total = subtotal + tax AND subtotal >= 0 AND tax >= 0", name="total"),
        sa.CheckConstraint("(kind = 'credit_note') = (refers_to_id IS NOT NULL)", name="refers_to"),
        sa.CheckConstraint("kind = 'credit_note' OR due_date IS NOT NULL", name="due_date"),
    )

    @property
    def number(self) -> str:
        return f"{'CN' if self.kind == 'credit_note' else 'INV'}-{self.seq:06d}"

    def __repr__(self) -> str:
        return f"<Invoice {self.number} org={self.organization_id} total={self.total}>"


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="fee")
    service_name: Mapped[str] = mapped_column(sa.String(100), default="")
    plan_name: Mapped[str] = mapped_column(sa.String(100), default="")
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    months: Mapped[int] = mapped_column(default=1)
    amount: Mapped[int] = mapped_column()
    tax_rate: Mapped[int] = mapped_column(default=10)
    clauses: Mapped[str] = mapped_column(sa.String(100), default="")

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('fee', 'early_termination', 'credit')", name="kind"),
        sa.CheckConstraint("amount >= 0 AND tax_rate >= 0 AND months >= 0", name="amount"),
        partial_unique_index("uq_invoice_lines_lump_sum", "contract_id", where="kind = 'early_termination'"),
    )

    @property
    def clause_list(self) -> tuple[str, ...]:
        return tuple(c for c in self.clauses.split(",") if c)


class BilledMonth(db.Model):
    """One billing month of one contract, billed by `line_id`: the unique pair is the
    guarantee that no 月度 is billed twice."""

    __tablename__ = "billed_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id"))
    month_start: Mapped[date] = mapped_column(sa.Date)
    month_end: Mapped[date] = mapped_column(sa.Date)
    fee: Mapped[int] = mapped_column()
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("invoice_lines.id"), index=True)

    __table_args__ = (sa.UniqueConstraint("contract_id", "month_start"),)


class PaymentImport(db.Model):
    """A bank CSV that was imported; the same file (by SHA-256) imports nothing again."""

    __tablename__ = "payment_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    rows: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class Payment(db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    paid_on: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int] = mapped_column()
    method: Mapped[str] = mapped_column(sa.String(10), default="transfer")
    reference: Mapped[str] = mapped_column(sa.String(100))
    payer: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_imports.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint("method IN ('transfer', 'card', 'other')", name="method"),
        sa.CheckConstraint("reference <> ''", name="reference"),
        sa.UniqueConstraint("method", "reference"),
    )


class Demand(db.Model):
    """A payment demand (催告) for an unpaid invoice, mailed to the organization's admins;
    §15(1)① counts 15 days from `demanded_on`."""

    __tablename__ = "payment_demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    demanded_on: Mapped[date] = mapped_column(sa.Date)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    invoice: Mapped[Invoice] = relationship()

    __table_args__ = (sa.UniqueConstraint("invoice_id", "demanded_on"),)


class Refund(db.Model):
    """Money owed back to an organization when the provider discontinues every service
    (§19(3)): the paid part of the billing months not yet started, credited by `credit_note`.
    Paid out by the method the provider names; `paid_out_on` is recorded when done."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    credit_note_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), unique=True)
    last_service_day: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    credit_note: Mapped[Invoice] = relationship()

    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount"),)


class Acceleration(db.Model):
    """§15(2): on termination by the provider the organization loses the benefit of time —
    every amount it owes is due at once from `accelerated_on`. One per organization."""

    __tablename__ = "billing_accelerations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), unique=True)
    accelerated_on: Mapped[date] = mapped_column(sa.Date)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
