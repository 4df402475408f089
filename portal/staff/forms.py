"""Forms of the staff console."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


class TestMailForm(FlaskForm):
    to_address = EmailField(
        _l("Send a test mail to"),
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Length(max=254, message=_l("An email address has at most %(max)d characters.")),
            Email(message=_l("Enter an email address such as taro@example.co.jp."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )
