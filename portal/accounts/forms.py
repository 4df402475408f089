"""Forms of the accounts area: shape only (lengths, required fields); no database look-ups."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from portal.fields import email_field

LOGIN_ID_PATTERN = r"^[A-Za-z0-9._@-]+$"


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class SignInForm(FlaskForm):
    login_id = StringField(
        _l("Login ID"),
        validators=[
            DataRequired(message=_l("Enter your login ID.")),
            Length(max=64, message=_l("A login ID has at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=1024, message=_l("A password has at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class InviteForm(FlaskForm):
    email = email_field(_l("Email address"), autocomplete="off")
    login_id = StringField(
        _l("Login ID"),
        validators=[
            Optional(),
            Length(min=3, max=64, message=_l("A login ID has %(min)d to %(max)d characters.")),
            Regexp(LOGIN_ID_PATTERN, message=_l("Use letters, digits, and . _ - @ only.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"),
        choices=_choices([("user", _l("User")), ("admin", _l("Administrator"))]),
        default="user",
    )


def _password_fields():
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(min=12, max=256, message=_l("A password has %(min)d to %(max)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password (again)"),
        validators=[
            DataRequired(message=_l("Enter the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new, confirm


class AcceptInvitationForm(FlaskForm):
    login_id = StringField(
        _l("Login ID"),
        validators=[
            Optional(),
            Length(min=3, max=64, message=_l("A login ID has %(min)d to %(max)d characters.")),
            Regexp(LOGIN_ID_PATTERN, message=_l("Use letters, digits, and . _ - @ only.")),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    password, password_confirm = _password_fields()
    accept_terms = BooleanField(_l("I accept the terms of use"))
    residence = BooleanField(_l("I reside in Japan"))


class PasswordResetForm(FlaskForm):
    password, password_confirm = _password_fields()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = _password_fields()


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("Email address"))


class TotpForm(FlaskForm):
    code = StringField(
        _l("Verification code"),
        validators=[
            DataRequired(message=_l("Enter the code.")),
            Length(max=20, message=_l("Enter the 6-digit code or a recovery code.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class ConfirmPasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("Email address"))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=_choices([("user", _l("User")), ("admin", _l("Administrator"))])
    )


class ActionForm(FlaskForm):
    """A button-only form (deactivate, reactivate, force reset, unlock, end session)."""

    target = HiddenField()


class MisuseReportForm(FlaskForm):
    accounts = SelectMultipleField(_l("Accounts concerned"), coerce=int, validate_choice=False)
    description = TextAreaField(
        _l("What happened"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )


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
    status = SelectField(
        _l("Status"),
        choices=_choices([
            ("received", _l("Received by the provider")),
            ("investigating", _l("Under investigation")),
            ("resolved", _l("Resolved and closed")),
        ]),
    )
    note = TextAreaField(
        _l("Note (visible to the customer's administrators)"),
        validators=[Length(max=4000, message=_l("At most %(max)d characters."))],
    )


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
