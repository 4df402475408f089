"""Forms of the notices area: shape only (required fields, lengths, formats); the lead times,
audiences and address limits are checked by the services."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.fields import email_field, staff_reason_field

CATEGORY_LABELS = {
    "maintenance": _l("Maintenance"),
    "incident": _l("Incident"),
    "fee_change": _l("Fee change"),
    "terms_change": _l("Terms change"),
    "service_change": _l("Service change"),
    "discontinuation": _l("Discontinuation"),
    "business_transfer": _l("Business transfer"),
    "general": _l("General"),
}
BASIS_LABELS = {
    "long_interruption": _l("§19(1): prior notice (an interruption not improving for long, "
                            "technical or unforeseen reasons)"),
    "any_reason": _l("§19(2): 90 days ahead, for any reason"),
}
SERVICE_LABELS = {
    "image_works": "IMAGE WORKS",
    "secure_deliver": "SECURE DELIVER",
    "image_works_prus": "IMAGE WORKS PRus",
}
INCIDENT_STATUS_LABELS = {
    "investigating": _l("Investigating"),
    "identified": _l("Cause identified"),
    "resolved": _l("Resolved"),
}


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _new_token() -> str:
    return secrets.token_hex(16)


class NoticeForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS.items()),
                           validators=[DataRequired(message=_l("Choose a category."))])
    title_ja = StringField(
        _l("Title (Japanese)"),
        validators=[DataRequired(message=_l("Enter the Japanese title.")),
                    Length(max=200, message=_l("A title has at most %(max)d characters."))],
    )
    source_ja = TextAreaField(
        _l("Body (Japanese)"),
        validators=[DataRequired(message=_l("Enter the Japanese body.")),
                    Length(max=20000, message=_l("A body has at most %(max)d characters."))],
        render_kw={"rows": 10},
    )
    title_en = StringField(
        _l("Title (English, optional)"),
        validators=[Optional(), Length(max=200, message=_l("A title has at most %(max)d characters."))],
    )
    source_en = TextAreaField(
        _l("Body (English, optional)"),
        validators=[Optional(), Length(max=20000, message=_l("A body has at most %(max)d characters."))],
        render_kw={"rows": 6},
    )
    audience = SelectField(
        _l("Audience"),
        choices=_choices([("all", _l("Everyone")), ("service", _l("Customers of one service")),
                          ("organizations", _l("Chosen organizations"))]),
    )
    service_code = SelectField(_l("Service"), choices=_choices([("", "—")] + list(SERVICE_LABELS.items())),
                               validators=[Optional()])
    organization_ids = StringField(
        _l("Organization IDs"),
        validators=[Optional(), Regexp(r"^[\d\s,、]*$",
                                       message=_l("Enter organization IDs separated by commas."))],
    )
    effective_date = DateField(_l("Effective date"), validators=[Optional()],
                               format="%Y-%m-%d")
    discontinuation_basis = SelectField(
        _l("Clause of the discontinuation"),
        choices=_choices([("", "—")] + list(BASIS_LABELS.items())), validators=[Optional()])
    transferee_name = StringField(
        _l("Transferee (business transfers)"),
        validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters."))])
    timing = SelectField(_l("Publication"),
                         choices=_choices([("now", _l("Publish now")),
                                           ("scheduled", _l("At a scheduled time"))]))
    publish_at = DateTimeLocalField(_l("Scheduled time (Japan time)"), validators=[Optional()],
                                    format="%Y-%m-%dT%H:%M")
    send_email = BooleanField(_l("Send by email to the notification addresses"), default=True)
    form_token = HiddenField(default=_new_token)

    def org_id_list(self) -> tuple[int, ...]:
        raw = (self.organization_ids.data or "").replace("、", ",")
        return tuple(int(p) for p in raw.replace(" ", ",").split(",") if p.strip().isdigit())


class IncidentUpdateForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    status = SelectField(_l("Status"), choices=_choices(INCIDENT_STATUS_LABELS.items()))
    source_ja = TextAreaField(
        _l("Update (Japanese)"),
        validators=[DataRequired(message=_l("Enter the Japanese text of the update.")),
                    Length(max=20000, message=_l("A body has at most %(max)d characters."))],
        render_kw={"rows": 5},
    )
    source_en = TextAreaField(_l("Update (English, optional)"), validators=[Optional()],
                              render_kw={"rows": 3})
    form_token = HiddenField(default=_new_token)


class AddressForm(FlaskForm):
    email = email_field(_l("Email address"))


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the confirmation is a POST so that mail scanners that open links
    do not confirm an address on their own."""
