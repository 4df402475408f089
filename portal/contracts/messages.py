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
    }
    if exc.code in texts:
        return texts[exc.code]()
    if exc.reasons:
        return " ".join(exc.reasons)
    return exc.code
