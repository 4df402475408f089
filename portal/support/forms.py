"""Forms of fault reports (§13(4)): the report, a follow-up, the staff's reply. Shape only."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

STATUS_LABELS = {
    "received": _l("Received"),
    "investigating": _l("Investigating"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
}


def _token() -> str:
    return secrets.token_hex(16)


class FaultReportForm(FlaskForm):
    contract_id = SelectField(_l("Service concerned"), coerce=int, validate_choice=False,
                              validators=[Optional()])
    subject = StringField(
        _l("Subject"),
        validators=[DataRequired(message=_l("Enter a subject.")),
                    Length(max=200, message=_l("At most %(max)d characters."))],
    )
    description = TextAreaField(
        _l("What happens"),
        validators=[DataRequired(message=_l("Describe the fault.")),
                    Length(max=8000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 8},
    )
    occurred_at = DateTimeLocalField(_l("When it started (Japan time, optional)"),
                                     validators=[Optional()], format="%Y-%m-%dT%H:%M")
    form_token = HiddenField(default=_token)


class FollowupForm(FlaskForm):
    body = TextAreaField(
        _l("Add information"),
        validators=[DataRequired(message=_l("Enter the text of the message.")),
                    Length(max=8000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 5},
    )
    form_token = HiddenField(default=_token)


class ReplyForm(FlaskForm):
    status = SelectField(_l("Status"),
                         choices=[SelectChoice(k, v) for k, v in STATUS_LABELS.items()])
    body = TextAreaField(
        _l("Reply (visible to the customer's administrators and the reporter)"),
        validators=[Length(max=8000, message=_l("At most %(max)d characters."))],
        render_kw={"rows": 6},
    )
    form_token = HiddenField(default=_token)
