"""The lifecycle's steps of the daily job (`flask portal tick`, portal.daily), in this order:
agreed plan changes take effect, contracts past their last day end, renewals are recorded,
the registered data of organizations left without a contract is deleted, reminders are
mailed. Each step is idempotent on its own (a second run on the same day changes nothing)."""
from __future__ import annotations

from datetime import date

from portal.daily import daily_task
from portal.lifecycle import services


@daily_task("lifecycle_plan_changes")
def plan_changes(day: date) -> str:
    return f"{services.apply_plan_changes(day)} plan changes applied"


@daily_task("lifecycle_contract_ends")
def contract_ends(day: date) -> str:
    return f"{services.end_contracts(day)} contracts ended"


@daily_task("lifecycle_renewals")
def renewals(day: date) -> str:
    return f"{services.apply_renewals(day)} contracts renewed"


@daily_task("lifecycle_data_deletion")
def data_deletion(day: date) -> str:
    return f"registered data of {services.delete_data_of_ended_organizations(day)} organizations deleted"


@daily_task("lifecycle_reminders")
def reminders(day: date) -> str:
    return f"{services.send_reminders(day)} reminders mailed"
