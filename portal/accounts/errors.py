"""The refusals of the accounts area: `AccountError` and the text of each of its codes.

Every accounts service raises `AccountError(code, clause, field=…)`; it is a
`portal.domain.DomainError`, so `portal.web.transaction` shows its `message` next to the form
field it names (or flashes it). `ERRORS` maps each code to its translatable text.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.domain import DomainError

ERRORS = {
    "invalid_role": _l("Choose a role."),
    "email_taken": _l("A user of your organization already has this email address."),
    "login_id_taken": _l("This login ID is already in use. Choose another one."),
    "login_id_required": _l("Choose a login ID."),
    "invitation_not_pending": _l("This invitation is no longer pending."),
    "invitation_just_sent": _l("This invitation was just sent."),
    "invitation_expired": _l("This invitation link has expired."),
    "invitation_used": _l("This invitation link has already been used."),
    "invitation_cancelled": _l("This invitation link was cancelled or replaced by a newer one."),
    "terms_not_accepted": _l("Please accept the terms of use to create your account."),
    "residence_required": _l(
        "IMAGE WORKS PRus is provided only to customers in Japan (Art. 31(5)). Without the "
        "declaration of residence in Japan the account cannot be created."
    ),
    "password_too_short": _l("Use at least 12 characters."),
    "password_too_long": _l("Use at most 256 characters."),
    "password_common": _l("This password is too common. Choose a less predictable one."),
    "password_weak": _l(
        "This password is too easy to guess. Use a longer phrase of unrelated words, or mix "
        "in numbers and symbols, and avoid your name and login ID."
    ),
    "password_mismatch": _l("The two passwords do not match."),
    "wrong_password": _l("The current password is not correct."),
    "last_admin": _l(
        "Your organization must keep at least one active administrator. Make another user an "
        "administrator first."
    ),
    "self_deactivate": _l("You cannot deactivate your own account."),
    "not_in_organization": _l("This account does not belong to your organization."),
    "already_reported": _l("This account is already named in an open misuse report."),
    "too_many_public_reports": _l(
        "Several reports for this organization arrived within the last hour; our staff are "
        "already looking into them. Please try again later, or contact us by phone."
    ),
    "no_accounts": _l("Choose at least one account."),
    "totp_invalid": _l("The code is not correct or has already been used. Enter the current code."),
    "totp_not_enabled": _l("Two-factor sign-in is not set up."),
    "two_factor_required": _l("Your organization requires two-factor sign-in; it cannot be turned off."),
    "staff_two_factor_required": _l("Staff accounts must use two-factor sign-in; it cannot be turned off."),
    "reset_invalid": _l("This password reset link is not valid."),
    "reset_expired": _l("This password reset link has expired. Please request a new one."),
    "reset_used": _l("This password reset link has already been used."),
    "email_change_invalid": _l("This confirmation link is not valid or has expired."),
    "not_locked": _l("This account is not locked."),
    "invalid_status": _l("Choose a valid status."),
    "report_resolved": _l("This report is already resolved."),
    "identity_unchanged": _l("Nothing was changed. Enter the new corporate name or representative."),
    "identity_pending": _l("A change request is already waiting for the provider's decision."),
    "request_decided": _l("This request has already been decided."),
    "not_trial": _l(
        "This organization has a paid contract or no live contract. Only the accounts of an "
        "organization that uses the service as a free trial may be deleted without its "
        "consent (Art. 7(5))."
    ),
    "reason_required": _l("Enter the reason for the deletion."),
    "japan_only_contact": _l(
        "IMAGE WORKS PRus is provided only to customers in Japan (Art. 31(5)). While your "
        "organization has a PRus contract, its address and phone must be in Japan:"
    ),
    "nothing_to_delete": _l("The accounts of this organization have already been deleted."),
}


def error_message(exc: DomainError) -> str:
    """The translated text of an accounts refusal (its code when the code has no text),
    followed by the Japanese reasons of a §31(5) refusal."""
    text = str(ERRORS.get(exc.code, exc.code))
    reasons = exc.details.get("reasons") if exc.details else None
    return " ".join([text, *reasons]) if reasons else text


class AccountError(DomainError):
    """A refusal the page shows: `code` maps to a translated message (`ERRORS`), `clause`
    (e.g. "§31(5)") is the terms clause behind it when there is one, `field` the form field
    it belongs to."""

    describe = staticmethod(error_message)
