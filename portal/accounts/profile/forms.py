"""Forms of the user's own account page: name and email, and the password change. Shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.accounts.forms import current_password_field, new_password_fields
from portal.fields import email_field


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("Email address"))


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field()
    password, password_confirm = new_password_fields()
