"""Demo invoices: the daily job's invoices of the last three issue months for the demo
organization, the oldest paid in full, the previous one left unpaid past its due date
(overdue, with late damages), the current one issued and not yet due."""
from __future__ import annotations

from datetime import date, timedelta

from portal.billing.services import issue_invoices, record_payment
from portal.billing.services.queries import invoice_page


def load_demo_invoices(organization_id: int, staff, today: date) -> None:
    """Issue for the 1st of the month two months ago, last month and this month; pay the oldest."""
    first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    oldest = (previous - timedelta(days=1)).replace(day=1)
    for day in (oldest, previous, first):
        issue_invoices(day)
    _, rows = invoice_page(organization_id, "all", 1, today)
    paid = rows[-1].invoice  # newest first: the last row is the oldest invoice
    record_payment(paid, paid_on=min(paid.due_date - timedelta(days=5), today),
                   amount=paid.total, method="transfer", reference=f"DEMO-{paid.number}",
                   payer="カ）デモシヨウジ", by=staff, today=today)
