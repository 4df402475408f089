"""Forms of sign-in and password reset: shape only (lengths, required fields)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal.accounts.forms import new_password_fields
from portal.fields import email_field


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


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("Email address"))


class PasswordResetForm(FlaskForm):
    password, password_confirm = new_password_fields()
