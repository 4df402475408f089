"""Translated messages for the oversight area's refusals (`services.OversightError` codes)."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause


def error_message(exc) -> str:
    code = exc.code
    if code == "already_suspended":
        return _("This organization is already suspended; nothing was changed.")
    if code == "not_suspended":
        return _("This organization is not suspended; nothing was changed.")
    if code == "not_active":
        return _("Only an active organization can be suspended; nothing was changed.")
    if code == "unknown_clause":
        return _("Choose the clause the suspension is based on.")
    if code == "reason_required":
        return _("Enter the reason (%(clause)s).", clause=clause(exc.clause) if exc.clause else "")
    if code == "consent_unchanged":
        return (_("Your organization already consents; nothing was changed.")
                if exc.details.get("consented") else
                _("Your organization already does not consent; nothing was changed."))
    if code == "unknown_ground":
        return _("Choose the ground of %(clause)s.", clause=clause("§15(1)"))
    if code == "already_terminated":
        return _("The contract with this organization is already terminated; nothing was changed.")
    if code == "case_required":
        return _("Enter the support case.")
    if code == "support_hours":
        return _("Choose how long the access lasts.")
    if code == "support_end_missing":
        return _("Enter the date and time the access ends.")
    if code == "support_end_past":
        return _("The end must be in the future; nothing was granted.")
    if code == "support_end_too_far":
        return _("Grant access for at most %(n)d hours.", n=exc.details.get("hours", 168))
    if code == "duplicate_submit":
        return _("This form was already submitted.")
    if code == "grant_not_live":
        return _("This access has already ended; nothing was changed.")
    if code == "browser_listed":
        return _("This browser is already in the list; change its line instead.")
    return code
