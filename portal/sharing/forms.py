"""Forms of the files area: shape only (lengths, ranges); the maximum link lifetime, quotas
and file sizes are checked by the services."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.fields import email_field


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class DeliveryForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[
        DataRequired(message=_l("Enter a subject for the delivery.")),
        Length(max=200, message=_l("Enter at most %(max)d characters."))])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=10000)])
    files = MultipleFileField(_l("Files"))  # required: checked with the upload (sharing.views)
    form_token = HiddenField(default=_new_token)


class LinkForm(FlaskForm):
    label = StringField(_l("Note for yourself (e.g. the recipient)"), validators=[Optional(), Length(max=100)])
    days = IntegerField(_l("Valid for (days)"), validators=[InputRequired(), NumberRange(min=1, max=365)])
    password = PasswordField(_l("Password (optional)"), validators=[Optional(), Length(
        min=8, max=128, message=_l("Use a password of 8 to 128 characters."))])
    max_downloads = IntegerField(_l("Download limit (optional)"),
                                 validators=[Optional(), NumberRange(min=1, max=10000)])
    notify = BooleanField(_l("Email me on each download"))
    form_token = HiddenField(default=_new_token)


class RevokeForm(FlaskForm):
    pass


class SettingsForm(FlaskForm):
    max_link_days = IntegerField(_l("Longest validity of a guest link (days)"),
                                 validators=[InputRequired(message=_l("Enter a number of days.")),
                                             NumberRange(min=1, max=365)])


class GuestPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter the password you were given.")), Length(max=128)])


class ResidenceForm(FlaskForm):
    answer = SelectField(_l("Where do you live?"), choices=[
        SelectChoice("", _l("Please choose")),
        SelectChoice("japan", _l("I live in Japan")),
        SelectChoice("abroad", _l("I live outside Japan")),
    ], validators=[DataRequired(message=_l("Choose where you live."))])


STATUS_LABELS = {
    "active": _l("Active"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "used_up": _l("Used up"),
    "suspended": _l("Suspended"),
    "deleted": _l("Deleted"),
}
ACCESS_LABELS = {
    "view": _l("Opened"),
    "download": _l("Downloaded"),
    "resume": _l("Resumed download"),
    "zip": _l("Downloaded all (zip)"),
    "password_failed": _l("Wrong password"),
}


class LinkMailForm(FlaskForm):
    """Mail a new guest link to the guest (the token comes from the page that showed it)."""
    email = email_field(_l("Guest's email address"))
    note = TextAreaField(_l("Message to the guest (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])
    token = HiddenField()


QUARANTINE_GROUND_LABELS = {
    "malware": _l("Malware or another harmful file detected"),
    "damaged": _l("A damaged file or a storage fault"),
    "load": _l("Excessive load on the systems caused by the file"),
    "operation": _l("Another cause that makes it unavoidable for the stable operation of the systems"),
}
"""The grounds of §24(2)② (`models.QUARANTINE_GROUNDS`) as the owners and staff read them;
also a template global (`quarantine_grounds`)."""
