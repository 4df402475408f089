"""Credit notes (返還インボイス / 訂正): an issued invoice never changes; staff correct it with a
credit note that refers to it, with the amount excluding tax, the reason and its own tax
(rounded once per rate). The credited amount reduces what the invoice asks for; what was
already paid beyond the reduced amount is held as credit (§8(4): paid fees are not refunded
by the portal except where the terms say so, e.g. §19(3))."""
from __future__ import annotations

from datetime import date

from flask import current_app

from portal.billing.models import Invoice, InvoiceLine
from portal.billing.services.common import BillingError, issuer, next_seq
from portal.billing.services.issuing import _total
from portal.billing.services.statements import statement
from portal.extensions import db
from portal.i18n import yen


def issue_credit_note(invoice: Invoice, amount: int, reason: str, *, today: date) -> Invoice:
    """A credit note for `amount` yen (tax excluded) of `invoice`, with `reason`.

    Errors: BillingError not_payable (a credit note itself), amount_not_positive,
    credit_too_large (more than the invoice's subtotal not yet credited), reason_required.
    """
    if invoice.kind != "invoice":
        raise BillingError("not_payable", field="amount")
    if amount <= 0:
        raise BillingError("amount_not_positive", field="amount")
    credited = sum(i.subtotal for i in db.session.query(Invoice).filter(
        Invoice.refers_to_id == invoice.id))
    left = invoice.subtotal - credited
    if amount > left:
        raise BillingError("credit_too_large", field="amount", amount=yen(left))
    if not reason.strip():
        raise BillingError("reason_required", field="reason")
    statement(invoice, today)  # the invoice must be readable as a statement
    who = issuer()
    note = Invoice(seq=next_seq(), organization_id=invoice.organization_id, kind="credit_note",
                   refers_to=invoice, issue_date=today, issue_month=today.replace(day=1),
                   due_date=None, customer_name=invoice.customer_name, issuer_name=who.name,
                   registration_number=who.registration_number, payee="",
                   assigned_to=invoice.assigned_to, reason=reason.strip(),
                   subtotal=0, tax=0, total=0)
    note.lines.append(InvoiceLine(kind="credit", service_name=reason.strip()[:100],
                                  amount=amount, tax_rate=current_app.config["BILLING_TAX_RATE"],
                                  months=0))
    _total(note)
    db.session.add(note)
    db.session.flush()
    return note
