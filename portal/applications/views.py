"""Public pages of applications: the form (申込書, §4), the Japan Post address lookup (HTML
button and a small JSON endpoint for static/js/applications.js), and the status page found
again with the reference number and the contact email (rate-limited)."""
from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app, flash, jsonify, redirect, render_template, request, session, url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.applications import services
from portal.applications.checks import application_problems
from portal.applications.forms import (
    SERVICE_FIELDS, ApplicationForm, InquiryForm, StatusLookupForm,
)
from portal.applications.models import Application
from portal.clock import today_jst
from portal.extensions import db, limiter
from portal.rules.residency import format_postal_code, lookup_postal_code, normalize_postal_code
from portal.terms.services import current_version
from portal.web import client_info, report_error, transaction

bp = Blueprint("applications", __name__)

SESSION_KEY = "application_submitted"


def _form() -> tuple[ApplicationForm, dict]:
    choices, plans = services.plan_choices()
    return ApplicationForm(plan_choices=choices), plans


def _render_form(form, terms, status=200):
    return render_template("applications/apply.html", form=form, terms=terms,
                           service_fields=SERVICE_FIELDS), status


def _fill_address(form) -> None:
    """The no-JavaScript address search: fill prefecture and city, keep everything else."""
    found = lookup_postal_code(form.postal_code.data)
    if not found:
        form.postal_code.errors = [_("This postal code does not exist in Japan Post's data.")]
        return
    form.postal_code.data = format_postal_code(normalize_postal_code(form.postal_code.data))
    form.prefecture.data, form.city.data = found[0], found[1]
    if not form.address_line1.data:
        form.address_line1.data = found[2]
    flash(_("The address for postal code %(code)s was filled in.", code=form.postal_code.data), "info")


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _input(form) -> services.ApplicationInput:
    return services.ApplicationInput(
        company_name=form.company_name.data, company_name_kana=form.company_name_kana.data,
        representative_name=form.representative_name.data, country=form.country.data,
        postal_code=form.postal_code.data or "", prefecture=form.prefecture.data or "",
        city=form.city.data, address_line1=form.address_line1.data,
        address_line2=form.address_line2.data or "", phone=form.phone.data,
        contact_name=form.contact_name.data, contact_email=form.contact_email.data,
        plans=form.chosen_plans(), billing_period_months=_int(form.billing_period_months.data),
        trial=form.trial.data == "trial", channel=form.channel.data,
        partner_name=form.partner_name.data or "", locale=str(get_locale() or "ja"),
        antisocial_declared=bool(form.antisocial.data),
    )


def _show_refusal(form, terms, exc: services.ApplicationError) -> None:
    """Put a refusal on the form: a fresh nonce for an expired form, the current terms to
    accept again after a change, otherwise the message next to its field."""
    if exc.code == "form_expired":
        form.form_nonce.data = secrets.token_urlsafe(24)
        flash(exc.message, "error")
        return
    if exc.code == "terms_changed":
        form.terms_version.data = str(terms.id) if terms else ""
        form.accept_terms.data = False
    report_error(exc, form, field="plan_image_works")


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    terms = current_version(today_jst())
    form, _plans = _form()
    if request.method == "GET":
        form.form_nonce.data = secrets.token_urlsafe(24)
        form.terms_version.data = str(terms.id) if terms else ""
        return _render_form(form, terms)
    if form.lookup.data:
        _fill_address(form)
        return _render_form(form, terms)
    valid = form.validate_on_submit()
    data = _input(form)
    # The business checks run also when the shape checks failed: every error after one submit.
    problems = application_problems(data, fields_with_errors={k for k, v in form.errors.items() if v})
    for problem in problems:
        report_error(problem, form, field="plan_image_works")
    if not valid or problems:
        return _render_form(form, terms, 400)
    with transaction(report=False) as done:
        application = services.submit_application(
            data, nonce=form.form_nonce.data or "", terms_version=terms, client=client_info(),
            shown_terms_id=form.terms_version.data or "")
    if not done:
        _show_refusal(form, terms, done.error)
        return _render_form(form, terms, 400)
    if application.contact_email.lower() != data.contact_email.lower():
        flash(_("This form was already sent. Open the status page with your reference number."), "error")
        return redirect(url_for("applications.status"))
    session[SESSION_KEY] = application.id
    return redirect(url_for("applications.submitted"))


@bp.route("/apply/submitted")
def submitted():
    application_id = session.get(SESSION_KEY)
    application = db.session.get(Application, application_id) if application_id else None
    if application is None:
        return redirect(url_for("applications.status"))
    return _render_status(application, just_submitted=True)


def _render_status(application, *, just_submitted=False, status=200, inquiry_form=None):
    today = today_jst()
    inquiry_form = inquiry_form or InquiryForm(reference=application.reference,
                                               email=application.contact_email)
    return render_template(
        "applications/status.html", application=application,
        due=services.start_notice_due(application),
        overdue=services.is_overdue(application, today),
        last_inquiry=services.last_inquiry(application),
        just_submitted=just_submitted, inquiry_form=inquiry_form,
    ), status


@bp.route("/apply/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("APPLICATION_STATUS_LIMIT", "10/10 minutes"),
               methods=["POST"])
def status():
    form = StatusLookupForm()
    if request.method == "POST" and form.validate_on_submit():
        application = services.find_for_applicant(form.reference.data, form.email.data)
        if application is not None:
            return _render_status(application)
        return render_template("applications/status_lookup.html", form=form, not_found=True), 404
    return render_template("applications/status_lookup.html", form=form, not_found=False), (
        400 if form.errors else 200)


@bp.route("/apply/status/inquiry", methods=["POST"])
@limiter.limit(lambda: current_app.config.get("APPLICATION_STATUS_LIMIT", "10/10 minutes"))
def inquiry():
    form = InquiryForm()
    application = None
    if form.validate_on_submit():
        application = services.find_for_applicant(form.reference.data or "", form.email.data or "")
    if application is None:
        return render_template("applications/status_lookup.html", form=StatusLookupForm(),
                               not_found=True), 404
    with transaction(report=False) as done:
        services.record_inquiry(application, client=client_info())
    if not done:
        flash(done.error.message, "info")
        return _render_status(application, status=409)
    flash(_("Your inquiry was sent. Our staff will answer by email."), "success")
    return _render_status(application)


@bp.route("/apply/postal-code")
@limiter.limit("120/minute")
def postal_code():
    """{"found": true, "postal_code", "prefecture", "city", "town"} from Japan Post data."""
    code = normalize_postal_code(request.args.get("code", ""))
    found = lookup_postal_code(code) if code else None
    if not found:
        return jsonify(found=False), 404
    return jsonify(found=True, postal_code=format_postal_code(code), prefecture=found[0],
                   city=found[1], town=found[2])
