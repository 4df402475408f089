"""Billing forms (shape checks only): a payment, the bank CSV import, a demand, a credit note
and the liability cap's date."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.fields import staff_reason_field

METHODS = [SelectChoice("transfer", _l("Bank transfer")), SelectChoice("card", _l("Card")),
           SelectChoice("other", _l("Other"))]


class PaymentForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    invoice_number = StringField(_l("Invoice number"), validators=[
        DataRequired(message=_l("Enter the invoice number.")), Length(max=20)])
    paid_on = DateField(_l("Payment date"), validators=[
        InputRequired(message=_l("Enter the payment date."))])
    amount = IntegerField(_l("Amount (yen)"), validators=[
        InputRequired(message=_l("Enter a whole number."))])
    method = SelectField(_l("Method"), choices=METHODS, default="transfer")
    reference = StringField(_l("Reference (bank transaction number etc.)"), validators=[
        DataRequired(message=_l("Enter the reference.")), Length(max=100)])
    payer = StringField(_l("Payer"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Record the payment"))


class ImportForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    file = FileField(_l("Bank transfer CSV"), validators=[
        FileRequired(message=_l("Choose a CSV file."))])
    submit = SubmitField(_l("Import"))


class DemandForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    submit = SubmitField(_l("Send a payment demand"))


class CreditNoteForm(FlaskForm):
    amount = IntegerField(_l("Amount to credit (yen, tax excluded)"), validators=[
        InputRequired(message=_l("Enter a whole number."))])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Enter the reason.")), Length(max=500)])
    submit = SubmitField(_l("Issue the credit note"))


class LiabilityForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    event_day = DateField(_l("Day the cause arose"), validators=[
        InputRequired(message=_l("Enter a date."))])


class DiscontinuationForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    last_service_day = DateField(_l("Last day the services are provided"), validators=[
        InputRequired(message=_l("Enter a date."))])
    submit = SubmitField(_l("Credit the months not yet started and record the refunds"))
