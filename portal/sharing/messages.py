"""Translated messages for the files area's domain errors (codes from `services`): the
`describe` of `SharingError`, so `exc.message` is the text for the current language. A
`QuotaExceeded` (§9(1)) brings its own message."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.contracts.quotas import QuotaExceeded, format_quota
from portal.i18n import clause


def error_message(exc) -> str:
    if isinstance(exc, QuotaExceeded):
        return exc.message
    code = exc.code
    d = exc.details
    if code == "file_too_large":
        return _("The file %(name)s is larger than the limit of %(limit)s per file.",
                 name=d["name"], limit=format_quota("storage_bytes", d["limit"]))
    if code == "too_many_files":
        return _("Upload at most %(n)d files in one delivery.", n=d["limit"])
    if code == "password_wait":
        return _("Too many wrong passwords. Please wait %(n)d seconds and try "
                 "again.", n=d["wait"])
    if code == "password_too_short":
        return _("Use a password of at least %(n)d characters.", n=d["minimum"])
    if code == "days_out_of_range":
        return _("Choose between 1 and %(n)d days (your organization's maximum, counted from "
                 "the link's creation).", n=d["maximum"])
    messages = {
        "no_files": _("Choose at least one file."),
        "link_token": _("This page is out of date; open the link's page and create a new link."),
        "link_inactive": _("This guest link no longer works; create a new one."),
        "duplicate_submit": _("This form was already submitted."),
        "invalid_max_downloads": _("Enter a download limit of 1 or more, or leave it empty."),
        "invalid_max_days": _("Enter a number of days between 1 and 365."),
        "upload_interrupted": _("The upload was interrupted. Nothing was saved; please try again."),
        "not_multipart": _("The files could not be read. Please use the form on this page."),
        "wrong_password": _("The password is not correct."),
        "quarantine_ground": _("Choose the ground of %(clause)s②.", clause=clause("§24(2)")),
        "quarantine_reason": _("Enter the reason."),
        "already_quarantined": _("This file is already quarantined; nothing was changed."),
        "not_quarantined": _("This file is not quarantined; nothing was changed. A file is "
                             "deleted only out of a quarantine."),
        "file_deleted": _("The provider has deleted this file; nothing was changed."),
    }
    return messages.get(code, _("The request could not be processed."))
