"""Fault reports on the customer side (`support` blueprint, signed-in customer users): the
list (an admin sees the organization's, a user their own), reporting a fault, and one
report's thread with the follow-up form. Another organization's report, or a colleague's for
a non-admin, answers 404 like an unknown ID."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.i18n import jdatetime
from portal.pagination import page_number
from portal.rules.jst import JST
from portal.support import services
from portal.support.forms import STATUS_LABELS, FaultReportForm, FollowupForm
from portal.web import require_customer, transaction

bp = Blueprint("support", __name__)
bp.before_request(require_customer)


@bp.route("/faults")
def faults():
    pagination = services.reports_page(current_user, page_number(request.args.get("page")))
    return render_template("support/list.html", pagination=pagination, statuses=STATUS_LABELS)


def _report_form() -> FaultReportForm:
    form = FaultReportForm()
    form.contract_id.choices = [SelectChoice(0, _("Not specific to one contract"))] + [
        SelectChoice(c.id, f"{c.service.name} ({c.plan.name})")
        for c in services.reportable_contracts(current_user.organization_id)]
    return form


@bp.route("/faults/new", methods=["GET", "POST"])
def fault_new():
    """Report a fault (§13(4)); the time of the report is kept as the notification time."""
    form = _report_form()
    if form.validate_on_submit():
        occurred = form.occurred_at.data.replace(tzinfo=JST) if form.occurred_at.data else None
        with transaction(form, field="description") as done:
            report, _created = services.submit_report(
                current_user, subject=form.subject.data, description=form.description.data,
                contract_id=form.contract_id.data or None, occurred_at=occurred,
                form_token=form.form_token.data or "")
        if done:
            flash(_("Your report %(ref)s was received at %(time)s.", ref=report.reference,
                    time=jdatetime(report.reported_at)), "success")
            return redirect(url_for("support.fault", report_id=report.id))
    return render_template("support/new.html", form=form), (400 if form.errors else 200)


@bp.route("/faults/<int:report_id>", methods=["GET", "POST"])
def fault(report_id: int):
    report = services.report_for(current_user, report_id)
    if report is None:
        abort(404)
    form = FollowupForm()
    if form.validate_on_submit():
        with transaction(form, field="body") as done:
            services.add_followup(report, by=current_user, body=form.body.data,
                                  form_token=form.form_token.data or "")
        if done:
            flash(_("Your message was sent to the provider."), "success")
            return redirect(url_for("support.fault", report_id=report.id))
    return render_template("support/detail.html", report=report, form=form,
                           statuses=STATUS_LABELS), (400 if form.errors else 200)
