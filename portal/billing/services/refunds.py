"""Refunds when the provider discontinues every service (§19(3)).

The billing months that have not started by the discontinuation (first day after the last
service day, as `rules.notices.discontinuation_refund` counts them) are credited on the
invoices that billed them — one credit note per invoice, the months' billed fees — and the
part the customer had already paid becomes a `Refund` to pay out. Done once per organization.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from portal.billing.models import BilledMonth, Invoice, InvoiceLine, Refund
from portal.billing.services.common import BillingError
from portal.billing.services.credits import issue_credit_note
from portal.billing.services.statements import statement
from portal.extensions import db


def discontinuation_refunds(organization_id: int, last_service_day: date, *,
                            today: date) -> list[Refund]:
    """Credit the organization's billed months starting after `last_service_day` and record
    the paid part as refunds. Errors: BillingError already_refunded (§19(3)), nothing_to_refund.
    """
    if db.session.scalar(sa.select(Refund.id).where(Refund.organization_id == organization_id)):
        raise BillingError("already_refunded", "§19(3)", field="last_service_day")
    rows = db.session.execute(
        sa.select(Invoice, BilledMonth.month_start, BilledMonth.fee)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .join(BilledMonth, BilledMonth.line_id == InvoiceLine.id)
        .where(Invoice.organization_id == organization_id, Invoice.kind == "invoice",
               BilledMonth.month_start > last_service_day)
        .order_by(Invoice.seq, BilledMonth.month_start)).all()
    by_invoice: dict[Invoice, list[tuple[date, int]]] = defaultdict(list)
    for invoice, start, fee in rows:
        by_invoice[invoice].append((start, fee))
    if not by_invoice:
        raise BillingError("nothing_to_refund", "§19(3)", field="last_service_day")
    refunds = []
    for invoice, months in by_invoice.items():
        amount = sum(fee for _, fee in months)
        reason = (f"利用規約第19条(3)による返金: {months[0][0]:%Y年%m月%d日}以降の"
                  f"{len(months)}か月度分（全サービスの廃止、最終提供日 {last_service_day:%Y年%m月%d日}）")
        note = issue_credit_note(invoice, amount, reason, today=today)
        refund = Refund(organization_id=organization_id, credit_note=note,
                        last_service_day=last_service_day,
                        amount=statement(invoice, today).overpaid)
        db.session.add(refund)
        refunds.append(refund)
    db.session.flush()
    return refunds


def refunds_of(organization_id: int) -> list[Refund]:
    return list(db.session.scalars(sa.select(Refund).where(
        Refund.organization_id == organization_id).order_by(Refund.id)))
