"""`SupportError`, the refusals of fault reports (§13(4)), and the text of each code."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.domain import DomainError
from portal.i18n import clause


def error_message(exc: DomainError) -> str:
    return {
        "contract_unknown": lambda: _("Choose one of your organization's contracts, or none."),
        "occurred_in_future": lambda: _("The time the fault occurred cannot be in the future."),
        "body_required": lambda: _("Enter the text of the message."),
        "reply_required": lambda: _("Enter a reply or choose a new status."),
        "status_invalid": lambda: _("Choose a status."),
        "report_closed": lambda: _("This report is closed (%(clause)s). Please make a new report "
                                   "if the fault occurs again.", clause=clause("§13(4)")),
    }.get(exc.code, lambda: exc.code)()


class SupportError(DomainError):
    describe = staticmethod(error_message)
