"""The contract lifecycle's services, one module per topic; this package re-exports their
public names so callers keep `from portal.lifecycle import services` and
`services.request_plan_change(...)`.

- `common`: `LifecycleError` (a `portal.domain.DomainError`), the partner contact (§31(1)) and
  mailing a contract's administrators;
- `plan_changes`: plan change requests, staff decisions, applying them (§14(1)(2));
- `other_changes`: the other changes of §14(1) — adding a service, the billing period;
- `cancellation`: the cancellation page's options and live quote, notices (§14(3)(4), §17(4));
- `renewals`: renewals (§5(5)) and agent renewal applications (§31(2));
- `non_renewal`: the provider's non-renewal notice (§5(5));
- `trials`: trial conversion (§12(5));
- `contract_end`: the last day of use, ending contracts, deleting registered data (§14(5));
- `reminders`: the reminder mails of the daily job;
- `state`: what the customer's lifecycle page and the staff queue show.

Views call one function here per action; the daily tasks in `portal.lifecycle.tasks` call the
`apply_*`/`end_*`/`send_*`/`delete_*` functions for one day. Every date and yen amount comes
from `portal.rules`; these modules only decide which rule applies and record the outcome.
Services add and flush, never commit. Refusals are `LifecycleError` with a code, the clause
and, where there is one, the earliest acceptable date; `exc.message` is the translated text.
"""
from __future__ import annotations

from portal.lifecycle.services.cancellation import (
    CancellationOptions, CancellationPage, CancellationStep, cancellation_options,
    cancellation_page, cancellation_quote, cancellation_step, check_cancellable,
    confirm_cancellation, confirm_notice, give_notice, open_notice, pending_terms_change,
    withdraw_notice,
)
from portal.lifecycle.services.common import (
    LifecycleError, mail_admins, partner_contact, set_partner_contact,
)
from portal.lifecycle.services.contract_end import (
    delete_data_of_ended_organizations, delete_registered_data, end_contract, end_contracts,
    last_day,
)
from portal.lifecycle.services.non_renewal import (
    earliest_non_renewal_end, give_non_renewal_notice, renewing_contracts_page,
)
from portal.lifecycle.services.other_changes import (
    AddServicePage, PeriodOption, add_service_page, agree_change, apply_changes,
    billing_period_options, changeable_contracts, changes_count, default_effective_date,
    earliest_change_date, organization_changes, refuse_change, request_add_service,
    request_billing_period, staff_changes, withdraw_change,
)
from portal.lifecycle.services.plan_changes import (
    PlanChangePage, agree_plan_change, apply_plan_changes, check_quotas_fit, first_billed_month,
    open_plan_change, plan_change_page, plan_change_quote, plan_choices, refuse_plan_change,
    request_plan_change, withdraw_plan_change,
)
from portal.lifecycle.services.reminders import (
    AGENT_REMINDER_DAYS, END_REMINDER_DAYS, RENEWAL_REMINDER_DAYS, send_reminders,
)
from portal.lifecycle.services.renewals import (
    agent_period, apply_for_renewal, apply_renewals, renewal_application,
)
from portal.lifecycle.services.state import (
    ContractState, StaffQueue, contract_state, cancellations_count, conversions_count,
    plan_changes_count, renewal_applications_count, organizations, staff_queue,
)
from portal.lifecycle.services.trials import (
    approve_conversion, open_conversion, refuse_conversion, request_conversion,
)

__all__ = [
    "AddServicePage", "PeriodOption", "add_service_page", "agree_change", "apply_changes",
    "billing_period_options", "changeable_contracts", "changes_count", "default_effective_date",
    "earliest_change_date", "organization_changes",
    "refuse_change", "request_add_service", "request_billing_period", "staff_changes",
    "withdraw_change",
    "AGENT_REMINDER_DAYS", "END_REMINDER_DAYS", "RENEWAL_REMINDER_DAYS",
    "CancellationOptions", "CancellationPage", "CancellationStep", "ContractState",
    "LifecycleError", "PlanChangePage", "StaffQueue",
    "agent_period", "agree_plan_change", "apply_for_renewal", "apply_plan_changes",
    "apply_renewals", "approve_conversion", "cancellation_options", "cancellation_page",
    "cancellation_quote", "cancellation_step", "check_cancellable", "check_quotas_fit",
    "confirm_cancellation", "confirm_notice", "contract_state", "cancellations_count",
    "conversions_count", "plan_changes_count", "renewal_applications_count",
    "earliest_non_renewal_end", "give_non_renewal_notice", "renewing_contracts_page",
    "delete_data_of_ended_organizations", "delete_registered_data", "end_contract", "end_contracts", "first_billed_month",
    "give_notice", "last_day", "mail_admins", "open_conversion", "open_notice",
    "open_plan_change", "organizations", "partner_contact", "pending_terms_change",
    "plan_change_page", "plan_change_quote", "plan_choices", "refuse_conversion",
    "refuse_plan_change", "renewal_application", "request_conversion", "request_plan_change",
    "send_reminders", "set_partner_contact", "staff_queue", "withdraw_notice",
    "withdraw_plan_change",
]
