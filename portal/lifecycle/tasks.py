"""The lifecycle's steps of the daily job (`flask portal tick`, portal.daily), in this order:
agreed plan changes and other changes (§14(1): an added service, a billing period) take
effect, contracts past their last day end, renewals are recorded,
the registered data of organizations left without a contract is deleted, reminders are
mailed. Each step is idempotent on its own (a second run on the same day changes nothing)."""
from __future__ import annotations

from datetime import date

from flask import Flask

from portal.daily import register_task
from portal.lifecycle import services


def plan_changes(day: date) -> str:
    return f"{services.apply_plan_changes(day)} plan changes applied"


def other_changes(day: date) -> str:
    return f"{services.apply_changes(day)} other changes applied"


def contract_ends(day: date) -> str:
    return f"{services.end_contracts(day)} contracts ended"


def renewals(day: date) -> str:
    return f"{services.apply_renewals(day)} contracts renewed"


def data_deletion(day: date) -> str:
    return f"registered data of {services.delete_data_of_ended_organizations(day)} organizations deleted"


def reminders(day: date) -> str:
    return f"{services.send_reminders(day)} reminders mailed"


def register(app: Flask) -> None:
    """Hand the steps to the daily job in the order above."""
    register_task(app, "lifecycle_plan_changes", plan_changes)
    register_task(app, "lifecycle_other_changes", other_changes)
    register_task(app, "lifecycle_contract_ends", contract_ends)
    register_task(app, "lifecycle_renewals", renewals)
    register_task(app, "lifecycle_data_deletion", data_deletion)
    register_task(app, "lifecycle_reminders", reminders)
