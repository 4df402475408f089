"""Forms of misuse reports (§7(4)): the signed-in report, the public form for someone locked
out, and the staff's status and note. Shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.accounts.forms import choices
from portal.fields import email_field, staff_reason_field


class MisuseReportForm(FlaskForm):
    accounts = SelectMultipleField(_l("Accounts concerned"), coerce=int, validate_choice=False)
    description = TextAreaField(
        _l("What happened"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )
    confirmed = HiddenField()  # "1" from the confirmation step: only then is the report sent


class PublicMisuseReportForm(FlaskForm):
    login_id = StringField(
        _l("Login ID"),
        validators=[DataRequired(message=_l("Enter your login ID.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    organization_name = StringField(
        _l("Organization name"),
        validators=[DataRequired(message=_l("Enter your organization name.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    contact_email = email_field(_l("Contact email address"))
    description = TextAreaField(
        _l("What happened"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )


class StaffReportForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    status = SelectField(
        _l("Status"),
        choices=choices([
            ("received", _l("Received by the provider")),
            ("investigating", _l("Under investigation")),
            ("resolved", _l("Resolved and closed")),
        ]),
    )
    note = TextAreaField(
        _l("Note (visible to the customer's administrators)"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )
