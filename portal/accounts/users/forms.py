"""Forms of the organization's users: inviting an address, accepting an invitation, changing a
role. Shape only; whether a login ID or address is free is the service's business."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import login_id_field, new_password_fields, role_choices
from portal.fields import email_field


class InviteForm(FlaskForm):
    email = email_field(_l("Email address"), autocomplete="off")
    login_id = login_id_field("off")
    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=role_choices(), default="user")


class AcceptInvitationForm(FlaskForm):
    login_id = login_id_field("username")
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    password, password_confirm = new_password_fields()
    accept_terms = BooleanField(_l("I accept the terms of use"))
    residence = BooleanField(_l("I reside in Japan"))


class ResidenceForm(FlaskForm):
    """§31(5): the declaration a user of a PRus organization makes once."""

    residence = BooleanField(_l("I reside in Japan"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())
