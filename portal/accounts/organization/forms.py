"""Forms of the organization's details (§7(2)): contact fields, the identity change request,
the staff's decision on it, and the staff's §7(5) trial-account deletion. Shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.fields import staff_reason_field


class OrganizationContactForm(FlaskForm):
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)],
                              render_kw={"autocomplete": "postal-code"})
    prefecture = StringField(_l("Prefecture"), validators=[Optional(), Length(max=10)],
                             render_kw={"autocomplete": "address-level1"})
    address = StringField(_l("Head office address"), validators=[Optional(), Length(max=300)],
                          render_kw={"autocomplete": "street-address"})
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=20)],
                        render_kw={"autocomplete": "tel"})


class OrganizationIdentityForm(FlaskForm):
    name = StringField(_l("Corporate name"), validators=[DataRequired(message=_l("Enter the corporate name.")),
                                                         Length(max=200)])
    name_kana = StringField(_l("Corporate name (kana)"), validators=[Optional(), Length(max=200)])
    representative_name = StringField(_l("Representative"), validators=[Optional(), Length(max=100)])
    reason = TextAreaField(_l("Reason for the change"), validators=[Length(max=2000)])


class DecisionForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    note = TextAreaField(_l("Note to the customer"), validators=[Length(max=2000)])


class TrialDeletionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the deletion"),
        validators=[
            DataRequired(message=_l("Enter the reason for the deletion.")),
            Length(max=2000, message=_l("At most %(max)d characters.")),
        ],
    )
    confirm = BooleanField(
        _l("I understand that the account information is deleted and cannot be restored."),
        validators=[DataRequired(message=_l("Tick the box to confirm the deletion."))],
    )
