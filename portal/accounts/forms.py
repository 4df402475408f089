"""Form pieces the accounts sub-areas share: the button-only `ActionForm`, the login-ID field,
the new-password pair and the role choices. Shape only (lengths, patterns, required fields);
each sub-area's own `forms.py` builds its forms from these."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

LOGIN_ID_PATTERN = r"^[A-Za-z0-9._@-]+$"


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def role_choices() -> list[SelectChoice]:
    return choices([("user", _l("User")), ("admin", _l("Administrator"))])


def login_id_field(autocomplete: str) -> StringField:
    """An optional new login ID: 3 to 64 letters, digits and . _ - @."""
    return StringField(
        _l("Login ID"),
        validators=[
            Optional(),
            Length(min=3, max=64, message=_l("A login ID has %(min)d to %(max)d characters.")),
            Regexp(LOGIN_ID_PATTERN, message=_l("Use letters, digits, and . _ - @ only.")),
        ],
        render_kw={"autocomplete": autocomplete, "autocapitalize": "none", "spellcheck": "false"},
    )


def new_password_fields():
    """(password, password_confirm) for a new password; the policy itself is checked by the
    service (`password_policy`)."""
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


def current_password_field() -> PasswordField:
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ActionForm(FlaskForm):
    """A button-only form (deactivate, reactivate, force reset, unlock, end session)."""

    target = HiddenField()
