"""Translated messages for billing's refusals (`services.BillingError` codes)."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.i18n import clause, jdate


def error_message(exc) -> str:
    ref = clause(exc.clause) if exc.clause else ""
    d = exc.details
    messages = {
        "registration_number": lambda: _(
            "The registration number %(number)s is not a valid qualified invoice issuer "
            "number (T and 13 digits with a valid check digit).", number=d.get("number", "")),
        "unknown_invoice": lambda: _("There is no invoice with the number %(number)s.",
                                     number=d.get("number", "")),
        "amount_not_positive": lambda: _("Enter an amount of 1 yen or more."),
        "future_date": lambda: _("The payment date cannot be after today (%(date)s).",
                                 date=jdate(exc.earliest)),
        "duplicate_reference": lambda: _(
            "A payment with the reference %(reference)s is already recorded; nothing was "
            "recorded twice.", reference=d.get("reference", "")),
        "not_payable": lambda: _("A credit note cannot be paid."),
        "already_imported": lambda: _("This file was already imported on %(date)s; nothing "
                                      "new was recorded.", date=jdate(d["date"])),
        "csv_invalid": lambda: _("The file was not imported. Fix these lines and import it "
                                 "again: %(errors)s", errors="; ".join(
                                     _("line %(n)d: %(error)s", n=n, error=csv_problem(p, v))
                                     for n, p, v in d.get("errors", ()))),
        "csv_encoding": lambda: _("The file could not be read as Shift_JIS or UTF-8 text."),
        "csv_empty": lambda: _("The file contains no payments."),
        "demand_not_unpaid": lambda: _("This invoice is not overdue, so no demand can be "
                                       "sent (%(clause)s).", clause=ref),
        "demand_same_day": lambda: _("A demand for this invoice was already sent today "
                                     "(%(clause)s).", clause=ref),
        "credit_too_large": lambda: _("The credit cannot exceed the invoice's remaining "
                                      "amount of %(amount)s.", amount=d.get("amount", "")),
        "reason_required": lambda: _("Enter the reason."),
        "already_refunded": lambda: _("The refunds of this organization were already "
                                      "recorded (%(clause)s).", clause=ref),
        "nothing_to_refund": lambda: _("No billed month starts after that day, so there is "
                                       "nothing to refund (%(clause)s).", clause=ref),
    }
    text = messages.get(exc.code)
    return text() if text else exc.code


def csv_problem(problem: str, value: str) -> str:
    """The text of one bad line of a bank CSV (`services.payments`)."""
    texts = {
        "columns": lambda: _("%(n)s columns expected", n=value),
        "date": lambda: _("the date %(value)s is not a date", value=value),
        "amount": lambda: _("the amount %(value)s is not a positive number of yen", value=value),
        "invoice": lambda: _("no invoice %(value)s", value=value),
        "future": lambda: _("the date %(value)s is in the future", value=value),
        "reference": lambda: _("the reference %(value)s is missing or repeated", value=value),
    }
    return texts[problem]()
