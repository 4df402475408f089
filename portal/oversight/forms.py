"""Forms of the provider's actions and the AI-training consent (shape checks only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
import secrets

from wtforms import (BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.fields import staff_reason_field
from portal.sharing.forms import QUARANTINE_GROUND_LABELS

CLAUSE_CHOICES = [SelectChoice(value, label) for value, label in (
    ("§9(2)", _l("§9(2) Excessive load on the service's systems (after a request to correct)")),
    ("§11(2)", _l("§11(2) Prohibited acts (no notice or reason owed)")),
    ("§15(1)", _l("§15(1) Grounds for termination by the provider")),
    ("§28(2)", _l("§28(2) Anti-social forces (no notice owed)")),
)]


class SuspendForm(FlaskForm):
    clause = SelectField(_l("Clause"), choices=[SelectChoice("", "—")] + CLAUSE_CHOICES,
                         validators=[DataRequired(_l("Choose the clause the suspension is based on."))])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Enter the reason.")), Length(max=2000)])


GROUND_CHOICES = [SelectChoice(g, label) for g, label in (
    ("①", _l("① Payment delayed more than 15 days after a demand")),
    ("②", _l("② A breach not corrected 15 days after a demand")),
    ("③", _l("③ A serious breach (incl. §11) that cannot be corrected")),
    ("④", _l("④ Provisional attachment, attachment, compulsory execution or auction")),
    ("⑤", _l("⑤ Bankruptcy, rehabilitation or reorganization proceedings")),
    ("⑥", _l("⑥ A dishonoured bill")),
    ("⑦", _l("⑦ A serious change in credit, assets or business")),
    ("⑧", _l("⑧ Benefits to or cooperation with anti-social forces")),
    ("⑨", _l("⑨ Other gross negligence or breach of trust")),
)]


class TerminateForm(FlaskForm):
    ground = SelectField(_l("Ground of §15(1)"), choices=[SelectChoice("", "—")] + GROUND_CHOICES,
                         validators=[DataRequired(_l("Choose the ground."))])
    # Not "reason": the suspension form (with its own "reason") is on the same page.
    notice = TextAreaField(_l("Reason (sent to the customer as the written notice)"), validators=[
        DataRequired(_l("Enter the reason.")), Length(max=2000)])
    confirm = BooleanField(_l("I understand that every contract ends today and the registered data will be deleted"),
                           validators=[DataRequired(_l("Confirm the termination."))])


class ResumeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for resuming"), validators=[
        DataRequired(_l("Enter the reason.")), Length(max=2000)])


class ConsentForm(FlaskForm):
    consented = BooleanField(_l("Allow the use of our registered data for training generative AI"))


FAMILY_CHOICES = [SelectChoice(v, label) for v, label in (
    ("chrome", "Google Chrome"), ("edge", "Microsoft Edge"), ("firefox", "Mozilla Firefox"),
    ("safari", "Safari"), ("opera", "Opera"), ("samsung", "Samsung Internet"))]


class BrowserForm(FlaskForm):
    reason = staff_reason_field()  # the staff audit's why (portal.staff_audit)
    family = SelectField(_l("Browser"), choices=FAMILY_CHOICES,
                         validators=[DataRequired(message=_l("Choose a browser."))])
    name = StringField(_l("Name shown"), validators=[DataRequired(_l("Enter the name.")),
                                                     Length(max=100)])
    min_version = IntegerField(_l("Lowest version"), validators=[
        Optional(), NumberRange(min=1, max=9999, message=_l("Enter a version from 1 to 9999."))])
    systems = StringField(_l("Operating systems"), validators=[Length(max=200)])
    sort_order = IntegerField(_l("Order"), default=0, validators=[
        Optional(), NumberRange(min=0, max=999)])


class DismissForm(FlaskForm):
    """The banner's "don't show again" button (a form: no script needed)."""


# --- §24(2)② measures on a file (staff) --------------------------------------------------

class QuarantineForm(FlaskForm):
    ground = SelectField(_l("Ground (§24(2)②)"),
                         choices=[SelectChoice("", "—")] + [SelectChoice(k, v) for k, v in
                                                            QUARANTINE_GROUND_LABELS.items()],
                         validators=[DataRequired(_l("Choose the ground."))])
    reason = TextAreaField(_l("Reason (shown to the customer's administrators)"), validators=[
        DataRequired(_l("Enter the reason.")), Length(max=2000)])


class ReleaseForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the release"), validators=[
        DataRequired(_l("Enter the reason.")), Length(max=2000)])


class DeleteFileForm(FlaskForm):
    reason = TextAreaField(_l("Why quarantine is not enough (shown to the customer's administrators)"),
                           validators=[DataRequired(_l("Enter the reason.")), Length(max=2000)])
    confirm = BooleanField(_l("I understand that the file's contents are deleted for good"),
                           validators=[DataRequired(_l("Confirm the deletion."))])


# --- §24(1)③⑤ support access (customer admins) -------------------------------------------

def _new_token() -> str:
    return secrets.token_urlsafe(24)


HOURS_CHOICES = [SelectChoice("1", _l("1 hour")), SelectChoice("24", _l("24 hours")),
                 SelectChoice("72", _l("72 hours")),
                 SelectChoice("custom", _l("Until the date and time below"))]


class SupportGrantForm(FlaskForm):
    case_reference = StringField(_l("Support case (reference or subject)"), validators=[
        DataRequired(_l("Enter the support case.")), Length(max=100)])
    description = TextAreaField(_l("What the provider should look at (optional)"),
                                validators=[Optional(), Length(max=2000)])
    hours = SelectField(_l("Access for"), choices=HOURS_CHOICES, default="24")
    ends_at = DateTimeLocalField(_l("Ends at (Japan time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[Optional()])
    form_token = HiddenField(default=_new_token)


class RevokeGrantForm(FlaskForm):
    """The grant's "end now" button (only its CSRF token)."""
