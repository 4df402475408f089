"""Form fields shared by every area, so the same input gets the same checks and the same
Japanese messages everywhere (shape only: no database look-ups)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


def email_field(label, *, required: bool = True, required_message=None,
                autocomplete: str = "email", **kwargs) -> EmailField:
    """An email address: at most 254 characters and valid in form (email-validator, without
    DNS: the machine has no resolver to ask and a typo'd domain is caught by confirmation
    mail)."""
    first = (
        DataRequired(message=required_message or _l("Enter an email address."))
        if required
        else Optional()
    )
    return EmailField(
        label,
        validators=[
            first,
            Length(max=254, message=_l("An email address has at most %(max)d characters.")),
            Email(
                message=_l("Enter an email address such as taro@example.co.jp."),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": autocomplete},
        **kwargs,
    )


def staff_reason_field(label=None, **kwargs) -> TextAreaField:
    """The reason of a staff action, kept in the staff audit (`portal.staff_audit`): required,
    at most 1,000 characters. Forms of staff actions that have no reason of their own add it
    as `reason` (or inherit `StaffActionForm`)."""
    return TextAreaField(
        label or _l("Reason (staff audit)"),
        validators=[DataRequired(message=_l("Enter the reason for this action.")),
                    Length(max=1000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 2},
        **kwargs,
    )


class StaffActionForm(FlaskForm):
    """The base of a staff action's form without a reason of its own: only the standard
    reason (and CSRF)."""

    reason = staff_reason_field()
