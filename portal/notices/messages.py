"""Translated messages for the notices area's domain errors: `NoticeError.describe`, for the
codes the services raise and those `portal.terms.publishing` raises with the same class."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause, jdate


def error_message(exc) -> str:
    code = exc.code
    if code == "lead_time_too_short":
        return _("Under %(clause)s this notice can take effect on %(date)s at the earliest.",
                 clause=clause(exc.clause), date=jdate(exc.earliest))
    if code == "effective_required":
        return _("Enter the effective date (required under %(clause)s).", clause=clause(exc.clause))
    messages = {
        "japanese_required": _("Enter the Japanese title and body; the text must not be empty "
                               "after unsafe content is removed."),
        "unknown_category": _("Choose a category."),
        "basis_required": _("Choose whether the discontinuation is announced under §19(1) "
                            "(prior notice after a long interruption or for technical or "
                            "unforeseen reasons) or §19(2) (90 days ahead for any reason)."),
        "transferee_required": _("Enter the company that takes over the business (§20)."),
        "scheduled_in_past": _("The scheduled time is in the past. Choose a later time."),
        "effective_in_past": _("The effective date is in the past. Choose today or a later day."),
        "audience_invalid": _("Choose the service whose customers receive this notice."),
        "organizations_required": _("Enter at least one organization ID."),
        "organizations_unknown": _("One or more of these organization IDs do not exist."),
        "not_incident": _("Only incident notices have updates."),
        "status_invalid": _("Choose a status."),
        "status_backwards": _("An incident cannot go back to an earlier status."),
        "too_many": _("You can register at most %(n)d notification addresses (%(clause)s). "
                      "Remove one first.", n=exc.count or 5, clause=clause("§10(2)")),
        "duplicate": _("This address is already registered."),
        "invalid_token": _("This confirmation link is invalid, already used or expired."),
        "removed": _("This address was removed."),
        "version_required": _("Enter a version label."),
        "version_taken": _("This version label is already used."),
        "body_required": _("Enter the full text of the new terms."),
    }
    return messages.get(code, code)
