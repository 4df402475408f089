"""Translated messages for `ContractError` codes (the price list editor; the §31(5) refusal
carries its Japanese reasons)."""
from __future__ import annotations

from flask_babel import gettext as _


def error_message(exc) -> str:
    if exc.code == "plan_code_taken":
        return _("This plan code is already used by the service.")
    if exc.reasons:
        return " ".join(exc.reasons)
    return exc.code
