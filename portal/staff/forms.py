"""Forms of the staff console."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.fields import email_field, staff_reason_field


class TestMailForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    to_address = email_field(_l("Send a test mail to"))
