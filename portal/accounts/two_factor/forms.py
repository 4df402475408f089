"""Forms of two-factor sign-in: the code (set-up and the sign-in step) and the password that
confirms turning it off or renewing the recovery codes. Shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.accounts.forms import current_password_field


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
    current_password = current_password_field()
