"""Staff forms of the price list (価格表)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.fields import staff_reason_field

GB = 10**9


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


choices_of = _choices


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    code = StringField(
        _l("Plan code"),
        validators=[DataRequired(message=_l("Enter the plan code.")),
                    Length(max=40, message=_l("Enter at most %(max)d characters.")),
                    Regexp(r"^[a-z0-9_-]+$", message=_l("Use lower-case letters, digits, - and _."))],
    )
    name = StringField(_l("Plan name"), validators=[
        DataRequired(message=_l("Enter the plan name.")),
        Length(max=100, message=_l("Enter at most %(max)d characters."))])
    monthly_fee = IntegerField(_l("Monthly fee (yen, tax excluded)"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, max=100_000_000, message=_l("Enter a number from %(min)s to %(max)s."))])
    minimum_months = IntegerField(_l("Minimum months"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=1, max=120, message=_l("Enter a number from %(min)s to %(max)s."))])
    billing_periods = MultiCheckboxField(
        _l("Allowed billing periods (months)"),
        choices=_choices([("1", "1"), ("3", "3"), ("6", "6"), ("12", "12")]),
        validators=[DataRequired(message=_l("Choose at least one billing period."))],
    )
    max_users = IntegerField(_l("Users (quota)"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, max=1_000_000, message=_l("Enter a number from %(min)s to %(max)s."))])
    max_storage_gb = IntegerField(_l("Storage (GB, quota)"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, max=1_000_000, message=_l("Enter a number from %(min)s to %(max)s."))])
    max_active_guest_links = IntegerField(_l("Active guest links (quota)"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, max=1_000_000, message=_l("Enter a number from %(min)s to %(max)s."))])
    active = BooleanField(_l("On sale (shown on the application form)"), default=True)
    submit = SubmitField(_l("Save the plan"))

    def values(self) -> dict:
        return {
            "code": self.code.data.strip(),
            "name": self.name.data.strip(),
            "monthly_fee": self.monthly_fee.data,
            "minimum_months": self.minimum_months.data,
            "billing_periods": [int(p) for p in self.billing_periods.data],
            "max_users": self.max_users.data,
            "max_storage_bytes": self.max_storage_gb.data * GB,
            "max_active_guest_links": self.max_active_guest_links.data,
            "active": bool(self.active.data),
        }

    @classmethod
    def from_plan(cls, plan) -> PlanForm:
        return cls(
            code=plan.code, name=plan.name, monthly_fee=plan.monthly_fee,
            minimum_months=plan.minimum_months,
            billing_periods=[str(p) for p in plan.allowed_billing_periods],
            max_users=plan.max_users, max_storage_gb=plan.max_storage_bytes // GB,
            max_active_guest_links=plan.max_active_guest_links, active=plan.active,
        )


class FeeChangeForm(FlaskForm):
    """A dated change of a plan's fee under a published fee-change notice (§8(1))."""
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)

    fee = IntegerField(_l("New monthly fee (yen, tax excluded)"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, max=100_000_000, message=_l("Enter a number from %(min)s to %(max)s."))])
    effective_date = DateField(_l("Effective date"), validators=[
        InputRequired(message=_l("Enter a date."))])
    notice_id = SelectField(_l("Fee-change notice"), coerce=int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Schedule the fee change"))


class StartOverrideForm(FlaskForm):
    """A 起算日 set by a quote or contract (§5(4) ただし書): the date and the document cited.
    Shape only; `contracts.start.override_start` checks the dates."""

    start = DateField(_l("Start date the document provides"), validators=[
        InputRequired(message=_l("Enter the start date the document provides."))])
    document_type = SelectField(_l("Document"), choices=_choices([
        ("quote", _l("Quote (見積書)")), ("contract", _l("Contract (契約書)")),
        ("other", _l("Other written agreement"))]),
        validators=[InputRequired(message=_l("Choose the kind of document."))])
    document_number = StringField(_l("Document number"), validators=[
        DataRequired(message=_l("Enter the number of the quote or contract.")),
        Length(max=100, message=_l("Enter at most %(max)d characters."))])
    document_date = DateField(_l("Document date"), validators=[
        InputRequired(message=_l("Enter the date of the document."))])
    note = TextAreaField(_l("Note (optional)"), validators=[
        Length(max=1000, message=_l("Enter at most %(max)d characters."))])
    submit = SubmitField(_l("Record the start date"))
