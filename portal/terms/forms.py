"""Forms of the terms area: shape only (required fields, lengths, the version label's
characters); whether a label is free and the §17(1) lead time are checked by
`portal.terms.publishing` and the notices services."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.fields import staff_reason_field


def _new_token() -> str:
    return secrets.token_hex(16)


class TermsVersionForm(FlaskForm):
    """A new terms version and its terms-change notice (§17(1))."""
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)

    version = StringField(
        _l("Version label"),
        validators=[DataRequired(message=_l("Enter a version label.")),
                    Length(max=40, message=_l("A version label has at most %(max)d characters.")),
                    Regexp(r"^[0-9A-Za-z._-]+$",
                           message=_l("Use letters, digits, dots, hyphens and underscores."))],
    )
    title = StringField(_l("Title of the terms"), validators=[
        DataRequired(message=_l("Enter the title of the terms.")),
        Length(max=200, message=_l("A title has at most %(max)d characters."))])
    body = TextAreaField(_l("Full text of the new terms"), validators=[
        DataRequired(message=_l("Enter the full text of the new terms."))], render_kw={"rows": 16})
    effective_date = DateField(_l("Effective date"), format="%Y-%m-%d",
                               validators=[DataRequired(message=_l("Enter the effective date."))])
    notice_title = StringField(_l("Notice title (optional)"), validators=[
        Optional(), Length(max=200, message=_l("A title has at most %(max)d characters."))])
    notice_body = TextAreaField(_l("Notice body (optional)"), validators=[Optional()],
                                render_kw={"rows": 6})
    form_token = HiddenField(default=_new_token)
