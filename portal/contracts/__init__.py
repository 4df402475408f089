"""Contracts and the price list (価格表): services, plans with their quotas, and each
organization's contracts (SPEC §3.2; terms §5(4)(5), §9(1), §31(2)(5)).

`models` holds the tables, `services` the one way contracts are added (the Japan-only check of
IMAGE WORKS PRus, §31(5), runs there for every path) and the dates a contract page shows,
`quotas` the §9(1) quota check other areas call (areas register their usage counters), `views` the customer admins' contracts page
and `staff_views` the price list editor under /staff.
"""
from __future__ import annotations

from flask import Flask

from portal.contracts import fees, staff_views, views  # noqa: F401  (staff_views adds the staff pages to portal.console.bp)
from portal.daily import register_task


def fee_changes_task(day) -> str:
    return f"{fees.apply_fee_changes(day)} price-list fee changes applied"


def register(app: Flask) -> None:
    """The customer contracts page; the price list is among the staff pages (`staff_views`);
    the daily step moving the price list's fees on their effective day (§8(1))."""
    app.register_blueprint(views.bp)
    register_task(app, "contracts_fee_changes", fee_changes_task)
