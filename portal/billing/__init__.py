"""Billing (SPEC §3.10; terms §8, §14(2)–(4), §15, §19(3), §27, §31(4)): qualified invoices
issued by the daily job, their PDF, payments and the bank CSV import, late damages, payment
demands and the §15(1)① list, credit notes and the §27(1) liability cap.

Billing sits above contracts, accounts, notices, terms and lifecycle (it reads contracts,
plan changes and cancellation notices to know what to bill) and below main and staff (the
customer home page shows its summary). `models` holds the tables, `services` (a package) the
rules applied, `pdf` the invoice document, `views` the customer admins' pages,
`staff_views` the console's pages.
"""
from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.billing import services, staff_views, views  # noqa: F401  (staff_views: console pages)
from portal.contracts.start import register_billed_check
from portal.console import register_queue
from portal.daily import register_task


def invoices_task(day: date) -> str:
    return f"{services.issue_invoices(day)} invoices issued"


def register(app: Flask) -> None:
    """The customer invoice pages, the staff pages, the daily step issuing invoices, and the
    check that keeps an invoiced contract's 起算日 (§5(4)) where its invoices put it."""
    services.common.registration_number_checked(app)
    app.register_blueprint(views.bp)
    register_billed_check(app, services.queries.contract_billed)
    register_task(app, "billing_invoices", invoices_task)
    register_queue(app, "overdue_invoices", _l("Overdue invoices without a payment demand"),
                   services.overdue_without_demand_count, "staff.billing_invoices",
                   clause="§15(1)", warn=True, status="overdue")
    register_queue(app, "demanded_invoices", _l("Demanded invoices still unpaid"),
                   services.demanded_unpaid_count, "staff.billing_invoices", clause="§15(1)",
                   status="overdue")
