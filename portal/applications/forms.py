"""The public application form (申込書, §4) and the staff review forms.

Forms check shape (required fields, kana, the postal code against Japan Post data, phone
numbers, email syntax without DNS); the services check the business rules (plans and billing
periods on the price list, the Japan-only rule of §31(5)).
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.fields import email_field, staff_reason_field
from portal.rules.residency import (
    PREFECTURES,
    format_postal_code,
    normalize_phone,
    normalize_postal_code,
    postal_code_prefectures,
)

SERVICE_FIELDS = {
    "image_works": "plan_image_works",
    "secure_deliver": "plan_secure_deliver",
    "image_works_prus": "plan_image_works_prus",
}

_KANA = re.compile(r"[\u30A1-\u30FA\u30FC\u30FD\u30FE・ 　]+")
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "XK"}


def normalize_kana(text: str) -> str:
    """Half-width katakana become full-width (NFKC); runs of spaces become one full-width space."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    return re.sub(r"[ 　]+", "　", value)


def is_kana(text: str) -> bool:
    return bool(text) and _KANA.fullmatch(text) is not None


def country_choices() -> list[tuple[str, str]]:
    """Every country by ISO code with its name in the current language; Japan first."""
    territories = get_locale().territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    others = sorted((c for c in codes if c != "JP"), key=lambda c: territories[c])
    return [("JP", territories.get("JP", "日本"))] + [(c, territories[c]) for c in others]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ApplicationForm(FlaskForm):
    form_nonce = HiddenField()
    terms_version = HiddenField()

    company_name = StringField(
        _l("Company name"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the company name.")),
                    Length(max=200, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "organization"},
    )
    company_name_kana = StringField(
        _l("Company name (katakana)"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the company name in katakana.")),
                    Length(max=200, message=_l("Enter at most %(max)d characters."))],
    )
    representative_name = StringField(
        _l("Representative"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the name of the representative.")),
                    Length(max=100, message=_l("Enter at most %(max)d characters."))],
    )
    country = SelectField(_l("Country"), default="JP",
                          validators=[DataRequired(message=_l("Choose the country."))])
    postal_code = StringField(
        _l("Postal code"), filters=[_strip],
        validators=[Length(max=20, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    lookup = SubmitField(_l("Look up the address"))
    prefecture = SelectField(_l("Prefecture"), choices=[], validate_choice=False)
    city = StringField(
        _l("City, ward, town or village"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the city, ward, town or village.")),
                    Length(max=100, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "address-level2"},
    )
    address_line1 = StringField(
        _l("Street address"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the street address.")),
                    Length(max=200, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "address-line1"},
    )
    address_line2 = StringField(
        _l("Building and floor"), filters=[_strip],
        validators=[Optional(), Length(max=200, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "address-line2"},
    )
    phone = StringField(
        _l("Phone number"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the phone number.")),
                    Length(max=30, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    contact_name = StringField(
        _l("Contact person"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the name of the contact person.")),
                    Length(max=100, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "name"},
    )
    contact_email = email_field(
        _l("Contact person email address"),
        required_message=_l("Enter the email address of the contact person."),
        filters=[_strip],
    )
    plan_image_works = SelectField("IMAGE WORKS", choices=[], validate_choice=False)
    plan_secure_deliver = SelectField("SECURE DELIVER", choices=[], validate_choice=False)
    plan_image_works_prus = SelectField("IMAGE WORKS PRus", choices=[], validate_choice=False)
    billing_period_months = SelectField(
        _l("Billing period"),
        choices=_choices([("1", _l("Monthly")), ("3", _l("Every 3 months")),
                 ("6", _l("Every 6 months")), ("12", _l("Yearly"))]),
        default="1",
        validators=[DataRequired(message=_l("Choose the billing period."))],
    )
    trial = RadioField(
        _l("Free trial or paid use"),
        choices=_choices([("paid", _l("Paid use")), ("trial", _l("Free trial (30 days)"))]),
        default="paid",
        validators=[InputRequired(message=_l("Choose a free trial or paid use."))],
    )
    channel = RadioField(
        _l("How you apply"),
        choices=_choices([("direct", _l("Directly with us")), ("reseller", _l("Through a reseller")),
                 ("agent", _l("Through an agent"))]),
        default="direct",
        validators=[InputRequired(message=_l("Choose how you apply."))],
    )
    partner_name = StringField(
        _l("Name of the reseller or agent"), filters=[_strip],
        validators=[Length(max=200, message=_l("Enter at most %(max)d characters."))],
    )
    accept_terms = BooleanField(
        _l("I have read and accept the terms of use."),
        validators=[DataRequired(message=_l("Accept the terms of use to apply."))],
    )
    antisocial = BooleanField(
        _l("We represent and warrant that neither we nor our officers or controlling persons "
           "are anti-social forces, and that we do not and will not engage in any act listed "
           "in Article 28(1) of the terms of use, now or in the future."),
        validators=[DataRequired(message=_l("The representation on anti-social forces is "
                                            "required to apply (Art. 28(1))."))],
    )
    submit = SubmitField(_l("Send the application"))

    def __init__(self, *args, plan_choices: dict[str, list[tuple[str, str]]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _choices(country_choices())
        self.prefecture.choices = _choices([("", _l("Choose…"))] + [(p, p) for p in PREFECTURES])
        for code, name in SERVICE_FIELDS.items():
            getattr(self, name).choices = _choices(
                [("", _l("Not applying"))] + (plan_choices or {}).get(code, []))

    @property
    def in_japan(self) -> bool:
        return (self.country.data or "JP") == "JP"

    def chosen_plans(self) -> dict[str, int]:
        """{service code: plan id} of the services asked for."""
        chosen = {}
        for code, name in SERVICE_FIELDS.items():
            value = getattr(self, name).data
            if value and str(value).isdigit():
                chosen[code] = int(value)
        return chosen

    def validate_company_name_kana(self, field):
        field.data = normalize_kana(field.data or "")
        if field.data and not is_kana(field.data):
            raise ValidationError(_l("Enter the company name in full-width katakana (spaces and ー are allowed)."))

    def validate_postal_code(self, field):
        if not self.in_japan:
            return
        if not field.data:
            raise ValidationError(_l("Enter the postal code."))
        code = normalize_postal_code(field.data)
        if code is None:
            raise ValidationError(_l("Enter the postal code as 7 digits, such as 100-0001."))
        field.data = format_postal_code(code)
        covered = postal_code_prefectures(code)
        if not covered:
            raise ValidationError(_l("This postal code does not exist in Japan Post's data."))
        if self.prefecture.data in PREFECTURES and self.prefecture.data not in covered:
            raise ValidationError(
                _l("This postal code belongs to %(prefecture)s, not to the prefecture chosen.",
                   prefecture="・".join(covered)))

    def validate_prefecture(self, field):
        if field.data and field.data not in PREFECTURES:
            raise ValidationError(_l("Choose a prefecture from the list."))
        if self.in_japan and not field.data:
            raise ValidationError(_l("Choose the prefecture."))

    def validate_phone(self, field):
        if not field.data:
            return
        if self.in_japan:
            if normalize_phone(field.data, "JP") is None:
                raise ValidationError(_l("Enter a valid phone number, such as 03-1234-5678."))
        elif normalize_phone(field.data, self.country.data or None) is None and (
            normalize_phone(field.data, None) is None
        ):
            raise ValidationError(_l("Enter a valid phone number with the country code, such as +1 212 555 0123."))

    def validate_partner_name(self, field):
        if self.channel.data in ("reseller", "agent") and not field.data:
            raise ValidationError(_l("Enter the name of the reseller or agent."))

    def validate_billing_period_months(self, field):
        if field.data not in ("1", "3", "6", "12"):
            raise ValidationError(_l("Choose the billing period."))


class StatusLookupForm(FlaskForm):
    reference = StringField(
        _l("Reference number"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the reference number.")),
                    Length(max=40, message=_l("Enter at most %(max)d characters."))],
        render_kw={"autocomplete": "off", "placeholder": "APP-2026-XXXXXX"},
    )
    email = EmailField(
        _l("Contact person email address"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the email address of the contact person.")),
                    Length(max=254, message=_l("An email address has at most %(max)d characters."))],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Show the status"))


class InquiryForm(FlaskForm):
    reference = HiddenField()
    email = HiddenField()
    submit = SubmitField(_l("Ask whether the application was accepted"))


class ApproveForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    start_date = DateField(
        _l("Usage start date"),
        validators=[DataRequired(message=_l("Enter the start date."))],
    )
    # Partner applications only: the partner's contact, known to staff (§31(1)).
    partner_email = email_field(_l("Partner contact email"), required=False)
    approve = SubmitField(_l("Approve and send the usage-start notice"))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the rejection"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter the reason; it is sent to the applicant.")),
                    Length(max=2000, message=_l("Enter at most %(max)d characters."))],
    )
    reject = SubmitField(_l("Reject the application"))
