"""Translated messages for `ApplicationError` codes: the applicant's form and status page, and
the staff review (approve/reject)."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause, current_language


def address_reason(code: str) -> str:
    """One §31(5) reason (a `rules.residency.AddressProblem` code), without the clause."""
    return {
        "country_not_japan": _("the country is not Japan"),
        "prefecture_unknown": _("no prefecture of Japan is chosen"),
        "prefecture_mismatch": _("the postal code is not one of the prefecture chosen"),
        "postal_code_malformed": _("the postal code is not 7 digits"),
        "postal_code_unknown": _("the postal code does not exist in Japan Post's data"),
        "phone_invalid": _("the phone number is not a valid Japanese number"),
        "phone_not_japanese": _("the phone number is not a Japanese number"),
        "see_fields": _("see the errors next to the address fields"),
    }.get(code, code)


def error_message(exc) -> str:
    code = exc.code
    if code == "japan_only":
        sep = "、" if current_language() == "ja" else "; "
        reasons = sep.join(address_reason(r) for r in exc.reasons)
        return _("IMAGE WORKS PRus is provided only to customers in Japan (%(clause)s): "
                 "%(reasons)s.", clause=clause("§31(5)"), reasons=reasons)
    if code in ("contract", "invitation"):
        if exc.reasons:
            return _("The application cannot be approved:") + " " + " ".join(exc.reasons)
        return _("The application cannot be approved.")
    messages = {
        "no_service": _("Choose a plan for at least one service."),
        "unknown_plan": _("This plan is not available; choose another one."),
        "billing_period": _("A chosen plan cannot be paid with this billing period; see the "
                            "plans' billing periods (Art. 5(5))."),
        "terms_changed": _("The terms of use have changed; read the current version and accept "
                           "it again."),
        "form_expired": _("The form expired; check the entries and send it again."),
        "antisocial_required": _("The representation on anti-social forces is required to "
                                 "apply (Art. 28(1))."),
        "inquiry_recent": _("Your inquiry has already been sent; we will answer by email."),
        "not_overdue": _("An inquiry is possible once the usage-start notice is overdue "
                         "(Art. 5(2))."),
        "already_decided": _("This application has already been decided; it cannot be approved "
                             "or rejected again."),
        "start_in_past": _("The start date cannot be in the past."),
    }
    return messages.get(code, _("The application could not be accepted."))
