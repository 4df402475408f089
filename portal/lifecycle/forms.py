"""Forms of the lifecycle area: shape only (required fields, date format); the terms' lead
times, quotas and the state of the contract are checked by `portal.lifecycle.services`."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.fields import email_field, staff_reason_field


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects wtforms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class PlanChangeForm(FlaskForm):
    plan_id = SelectField(_l("New plan"), coerce=int,
                          validators=[InputRequired(message=_l("Choose a plan."))])
    desired_date = DateField(_l("Desired date"),
                             validators=[InputRequired(message=_l("Enter a date such as 2026-12-24."))])


class WithdrawForm(FlaskForm):
    """A button with CSRF only."""


class AgreePlanChangeForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    effective_date = DateField(_l("Effective date"),
                               validators=[InputRequired(message=_l("Enter a date such as 2026-12-24."))])


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Reason for refusal"), validators=[
        DataRequired(message=_l("Enter the reason given to the customer.")), Length(max=2000)])


BASIS_LABELS = {
    "chosen": _l("On the last day I choose"),
    "minimum_term": _l("On the minimum-term end, without the lump sum"),
    "terms_change": _l("Before the terms change takes effect"),
}


class CancellationForm(FlaskForm):
    """Step 1 ("Show the quote") and step 2 ("Give notice"): the same fields; step 2 carries
    the quoted values in `quoted_last_day` and is quoted again on the server."""

    basis = RadioField(_l("When should the contract end?"), default="chosen",
                       choices=choices(BASIS_LABELS.items()),
                       validators=[InputRequired(message=_l("Choose when the contract ends."))])
    last_day = DateField(_l("Last day of use"), validators=[Optional()])
    quoted_last_day = StringField(validators=[Optional(), Length(max=10)])

    def quoted_day(self) -> date | None:
        """The last day the page quoted (step 2), or None when absent or not a date."""
        value = self.quoted_last_day.data
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def show_quote(self, quote) -> None:
        """Step 1 done: carry the quoted last day into the confirmation step."""
        self.last_day.data = quote.last_day
        self.quoted_last_day.data = quote.last_day.isoformat()


class ConversionForm(FlaskForm):
    billing_period_months = SelectField(_l("Billing period"), coerce=int, validators=[
        InputRequired(message=_l("Choose the billing period."))])


class PartnerContactForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    email = email_field(_l("Partner contact email"), required=False)


class NonRenewalForm(FlaskForm):
    """The provider's non-renewal notice (§5(5)): the term end it ends on and the reason."""

    term_end = DateField(_l("Last day of use (end of a term)"),
                         validators=[InputRequired(message=_l("Enter a date such as 2026-12-24."))])
    reason = TextAreaField(_l("Reason shown to the customer"), validators=[
        Optional(), Length(max=1000)])


class AddServiceForm(FlaskForm):
    """Adding a service (§14(1)): the plan, its billing period and the desired date."""

    plan_id = SelectField(_l("Service and plan"), coerce=int,
                          validators=[InputRequired(message=_l("Choose a plan."))])
    billing_period_months = SelectField(_l("Billing period"), coerce=int, validators=[
        InputRequired(message=_l("Choose the billing period."))])
    desired_date = DateField(_l("Desired date"),
                             validators=[InputRequired(message=_l("Enter a date such as 2026-12-24."))])


class BillingPeriodForm(FlaskForm):
    """Changing a contract's billing period (§14(1), §5(5)): the new period and the desired date."""

    billing_period_months = SelectField(_l("New billing period"), coerce=int, validators=[
        InputRequired(message=_l("Choose the billing period."))])
    desired_date = DateField(_l("Desired date"),
                             validators=[InputRequired(message=_l("Enter a date such as 2026-12-24."))])
