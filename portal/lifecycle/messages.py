"""Translated messages for the lifecycle area's refusals (`services.LifecycleError` codes).

Every message names the clause that refused the input, and the earliest acceptable date when
the rule gives one, e.g. 「第14条(1)により、変更希望日は2026年12月5日(土)以降を指定してください。」.
"""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause, jdate


def error_message(exc) -> str:
    code = exc.code
    ref = clause(exc.clause) if exc.clause else ""
    if code == "desired_date_too_early":
        return _("Under %(clause)s the desired date must be at least 10 days after today: "
                 "choose %(date)s or later.", clause=ref, date=jdate(exc.earliest))
    if code == "last_day_too_early":
        return _("Under %(clause)s the earliest last day of use is %(date)s: choose that day "
                 "or later.", clause=ref, date=jdate(exc.earliest))
    if code in ("effective_before_request", "effective_in_past"):
        return _("Under %(clause)s the effective date cannot be before %(date)s.",
                 clause=ref, date=jdate(exc.earliest))
    if code == "agent_period_ends":
        return _("Without a renewal application this contract ends on %(date)s at the end of "
                 "its period of use, with nothing more to pay; a cancellation notice is not "
                 "needed (%(clause)s).", date=jdate(exc.earliest), clause=ref)
    if code == "after_period_end":
        return _("No renewal application was filed, so the contract ends on %(date)s "
                 "(%(clause)s): choose that day or an earlier one.",
                 date=jdate(exc.earliest), clause=ref)
    if code == "not_a_term_end":
        return _("Under %(clause)s the contract can end only on the last day of a term: the "
                 "earliest possible one is %(date)s.", clause=ref, date=jdate(exc.earliest))
    if code == "provider_notice_too_late":
        return _("Under %(clause)s the provider's notice must reach the customer at least 30 "
                 "days before the end of a term: the earliest possible last day is %(date)s.",
                 clause=ref, date=jdate(exc.earliest))
    if code == "agent_no_auto_renewal":
        return _("A contract through an agent renews only on the customer's renewal "
                 "application; no non-renewal notice is needed (%(clause)s).", clause=ref)
    if code == "trial_has_no_renewal":
        return _("A free trial ends on its trial end date and does not renew (%(clause)s).",
                 clause=ref)
    if code == "before_start":
        return _("The date is before the contract start date (%(clause)s).", clause=ref)
    if code == "quota_exceeded":
        d = exc.details
        return _("The current usage of %(quota)s (%(usage)s) exceeds the limit of the plan "
                 "%(plan)s (%(limit)s), so this plan cannot be chosen (%(clause)s). Reduce "
                 "the usage first.", quota=d["quota"], usage=d["usage"], plan=d["plan"],
                 limit=d["limit"], clause=ref)
    if code == "period_boundary":
        return _("A billing period changes only at the start of a billing month where the old "
                 "and the new periods both begin, counted from the start date (%(clause)s): "
                 "the next such day is %(date)s.", clause=ref, date=jdate(exc.earliest))
    if code in ("not_withdrawable", "already_decided"):
        return _("This request has already been decided, withdrawn or applied; nothing was "
                 "changed (%(clause)s).", clause=ref)
    messages = {
        "plan_invalid": _("Choose another plan of the same service (%(clause)s).", clause=ref),
        "billing_period": _("This plan cannot be paid in the contract's billing period "
                            "(%(clause)s).", clause=ref),
        "plan_change_open": _("A plan change request for this contract is already open. "
                              "Wait for the decision or withdraw it first (%(clause)s).",
                              clause=ref),
        "trial_no_plan_change": _("A free trial cannot change its plan; convert it to a paid "
                                  "contract first (%(clause)s).", clause=ref),
        "trial_no_notice": _("A free trial ends on its trial end date without notice or fee "
                             "(%(clause)s).", clause=ref),
        "contract_not_active": _("This contract is not in force or already has a cancellation "
                                 "notice (%(clause)s).", clause=ref),
        "notice_open": _("A cancellation notice for this contract is already open "
                         "(%(clause)s).", clause=ref),
        "last_day_required": _("Enter the last day of use (%(clause)s).", clause=ref),
        "option_unavailable": _("This option is no longer available (%(clause)s). Show the "
                                "quote again.", clause=ref),
        "reason_required": _("Enter the reason given to the customer."),
        "not_agent": _("Only contracts through an agent need a renewal application "
                       "(%(clause)s).", clause=ref),
        "renewal_already_applied": _("The renewal application for this period has already "
                                     "been filed (%(clause)s).", clause=ref),
        "not_trial": _("This contract is not a free trial (%(clause)s).", clause=ref),
        "trial_over": _("The free trial has already ended (%(clause)s).", clause=ref),
        "conversion_open": _("A conversion request for this trial is already open "
                             "(%(clause)s).", clause=ref),
        "service_plan_invalid": _("Choose a plan of a service you do not have yet "
                                  "(%(clause)s).", clause=ref),
        "period_invalid": _("Choose a billing period the plan allows (%(clause)s).", clause=ref),
        "no_paid_contract": _("Changes of the application apply to a paid contract in force; "
                              "a free trial is converted first (%(clause)s).", clause=ref),
        "change_open": _("A request for this change is already open. Wait for our decision "
                         "or withdraw it first (%(clause)s).", clause=ref),
        "quote_changed": _("The quote has changed since it was shown (%(clause)s). Check the "
                           "new quote and confirm again.", clause=ref),
    }
    return messages.get(code, code)
