"""Fault reports (不具合の報告, §13(4)) and their thread of replies, follow-ups and status changes.

`FaultReport.reported_at` is the §13(4) notification time by which the customer told the
provider of the fault; §27(1) lets the customer claim damages only when they took the measures
of §13(4), so the report, its time and its first description are a record that is never
edited: the ORM refuses an UPDATE of those columns (`_refuse_edits`), only the status and the
time of the last entry move. Everything said afterwards is a `FaultReportEntry` (a staff reply,
a customer's follow-up, or a status change), each with its own time.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now_utc
from portal.extensions import db

STATUSES = ("received", "investigating", "answered", "closed")
"""受付 → 調査中 → 回答済 → 完了. A follow-up on an answered report brings it back to investigating."""
ENTRY_KINDS = ("reply", "followup")
IMMUTABLE = ("organization_id", "reported_by_id", "reported_at", "subject", "description",
             "contract_id", "occurred_at")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class FaultReport(db.Model):
    __tablename__ = "fault_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    reported_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    occurred_at: Mapped[datetime | None]  # when the customer first saw it (optional)
    reported_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)  # §13(4)
    status: Mapped[str] = mapped_column(sa.String(15), default="received", index=True)
    last_entry_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    form_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    organization = relationship("Organization")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    contract = relationship("Contract")
    entries: Mapped[list[FaultReportEntry]] = relationship(
        back_populates="report", order_by="FaultReportEntry.id")

    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint("subject <> '' AND description <> ''", name="description_required"),
        sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_at"),
    )

    @property
    def reference(self) -> str:
        return f"FR-{self.id:06d}"

    def __repr__(self) -> str:
        return f"<FaultReport {self.id} {self.status}>"


class FaultReportEntry(db.Model):
    """One message in a report's thread: a staff `reply` (visible to the customer's admins and
    the reporter, optionally moving the status) or a customer's `followup`."""

    __tablename__ = "fault_report_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("fault_reports.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str | None] = mapped_column(sa.String(15))  # the status it moved to, if any
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    form_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    report: Mapped[FaultReport] = relationship(back_populates="entries")
    author = relationship("User")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ENTRY_KINDS), name="kind"),
        sa.CheckConstraint("status IS NULL OR " + _in("status", STATUSES), name="status"),
        sa.CheckConstraint("body <> '' OR status IS NOT NULL", name="says_something"),
        sa.CheckConstraint("kind = 'reply' OR status IS NULL OR status = 'investigating'",
                           name="followup_status"),
    )


@sa.event.listens_for(FaultReport, "before_update")
def _refuse_edits(mapper, connection, target: FaultReport) -> None:
    """The report as first made is the §13(4) record: its time and text never change."""
    state = sa.inspect(target)
    for name in IMMUTABLE:
        if state.attrs[name].history.has_changes():
            raise ValueError(f"fault report {target.id}: {name} is a record and cannot be edited")
