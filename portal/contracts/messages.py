"""Translated messages for `ContractError` codes (the price list editor; the §31(5) refusal
carries its Japanese reasons)."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause, jdate


def error_message(exc) -> str:
    if exc.code == "plan_code_taken":
        return _("This plan code is already used by the service.")
    ref = clause(exc.clause) if exc.clause else ""
    texts = {
        "fee_change_needs_notice": lambda: _(
            "This plan has live contracts: its fee changes only by a dated fee change under a "
            "fee-change notice published at least 60 days before (%(clause)s). Use \"Change "
            "the fee\".", clause=ref),
        "fee_unchanged": lambda: _("Enter a fee different from the current one (%(clause)s).",
                                   clause=ref),
        "notice_required": lambda: _("Choose the published fee-change notice that announced "
                                     "this change (%(clause)s).", clause=ref),
        "effective_in_past": lambda: _("The effective date must be after today (%(clause)s).",
                                       clause=ref),
        "lead_time_too_short": lambda: _(
            "Under %(clause)s the notice must be published at least 60 days before the fee "
            "changes: choose %(date)s or later.", clause=ref, date=jdate(exc.earliest)),
        "fee_change_taken": lambda: _("A fee change of this plan on that day already exists "
                                      "(%(clause)s).", clause=ref),
        "unknown_start_rule": lambda: _("Choose one of the start-date rules (%(clause)s).",
                                        clause=ref),
        "start_trial": lambda: _("A free trial has no fee, so its start date is set when it "
                                 "becomes a paid contract (%(clause)s).", clause=ref),
        "start_not_live": lambda: _("The contract has ended; its start date can no longer be "
                                    "changed (%(clause)s).", clause=ref),
        "start_required": lambda: _("Enter the start date the document provides (%(clause)s).",
                                    clause=ref),
        "start_billed": lambda: _(
            "Months of this contract have already been invoiced from its present start date. "
            "Correct the invoices with a credit note first; the start date cannot move under "
            "an issued invoice (%(clause)s).", clause=ref),
        "document_type": lambda: _("Choose the kind of document (%(clause)s).", clause=ref),
        "document_number": lambda: _("Enter the number of the quote or contract (%(clause)s).",
                                     clause=ref),
        "document_date": lambda: _("Enter the date of the document; it cannot be after today "
                                   "(%(clause)s).", clause=ref),
        "start_before_usage": lambda: _(
            "The start date cannot be before the usage-start date %(date)s: the service could "
            "not be used before it (%(clause)s).", clause=ref, date=jdate(exc.earliest)),
        "start_unchanged": lambda: _("This is already the contract's start date (%(clause)s).",
                                     clause=ref),
    }
    if exc.code in texts:
        return texts[exc.code]()
    if exc.reasons:
        return " ".join(exc.reasons)
    return exc.code
