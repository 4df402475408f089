"""Forms of the staff console."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.fields import email_field


class TestMailForm(FlaskForm):
    to_address = email_field(_l("Send a test mail to"))
