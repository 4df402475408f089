"""Billing's services, one module per topic; this package re-exports the public names.

- `common`: `BillingError`, the configured issuer, invoice numbers, due dates;
- `issuing`: the daily job's step issuing invoices (§5(5), §14(2)(3)(4), §12(5));
- `statements`: what an invoice stands at — paid, outstanding, status, late damages (§8(3));
- `payments`: payments recorded by staff and the bank CSV import;
- `demands`: payment demands and the §15(1)① eligibility list;
- `credits`: credit notes;
- `refunds`: §19(3) refunds when every service is discontinued;
- `final`: §15(2) — on termination every debt is due at once (the final demand);
- `queries`: the list pages, the home-page summary and the §27(1) cap.

Services add and flush, never commit; refusals are `BillingError` with a code and a field.
"""
from __future__ import annotations

from portal.billing.services import common  # noqa: F401  (registration_number_checked)
from portal.billing.services.common import BillingError, Issuer, issuer
from portal.billing.services.credits import issue_credit_note
from portal.billing.services.final import FinalDemand, accelerate, final_demand, final_demand_for
from portal.billing.services.demands import Eligible, eligible_for_termination, send_demand
from portal.billing.services.issuing import issue_invoices
from portal.billing.services.payments import (
    COLUMNS,
    ImportResult,
    import_payments,
    invoice_by_number,
    record_payment,
)
from portal.billing.services.queries import (
    STATUS_FILTERS,
    Summary,
    demanded_unpaid_count,
    invoice_page,
    liability_caps,
    overdue_without_demand_count,
    summary,
)
from portal.billing.services.refunds import discontinuation_refunds, refunds_of
from portal.billing.services.statements import Statement, open_invoices_query, statement, statements

__all__ = [
    "demanded_unpaid_count",
    "overdue_without_demand_count",
    "FinalDemand",
    "accelerate",
    "final_demand",
    "final_demand_for",
    "COLUMNS",
    "STATUS_FILTERS",
    "BillingError",
    "Eligible",
    "ImportResult",
    "Issuer",
    "Statement",
    "Summary",
    "discontinuation_refunds",
    "eligible_for_termination",
    "import_payments",
    "invoice_by_number",
    "invoice_page",
    "issue_credit_note",
    "issue_invoices",
    "issuer",
    "liability_caps",
    "open_invoices_query",
    "record_payment",
    "refunds_of",
    "send_demand",
    "statement",
    "statements",
    "summary",
]
