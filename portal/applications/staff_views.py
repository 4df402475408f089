"""Staff review of applications under /staff (registered on `portal.staff.bp`): the queue with
its §5(2) overdue flags, the detail page, approve (start date) and reject (reason)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.web import client_info
from portal.applications import services
from portal.applications.forms import ApproveForm, RejectForm
from portal.clock import today_jst
from portal.extensions import db
from portal.console import bp

QUEUE_STATUSES = ("submitted", "approved", "rejected")


@bp.route("/applications")
def applications():
    status = request.args.get("status", "submitted")
    if status not in QUEUE_STATUSES and status != "all":
        status = "submitted"
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = services.queue_page(None if status == "all" else status, page)
    today = today_jst()
    rows = [(a, services.start_notice_due(a), services.is_overdue(a, today)) for a in pagination.items]
    return render_template("applications/staff_queue.html", pagination=pagination, rows=rows,
                           status=status, statuses=QUEUE_STATUSES)


def _detail(application, approve_form=None, reject_form=None, code=200, problem=None):
    today = today_jst()
    approve_form = approve_form or ApproveForm(start_date=services.default_start_date(today))
    return render_template(
        "applications/staff_detail.html", application=application,
        due=services.start_notice_due(application),
        overdue=services.is_overdue(application, today),
        approve_form=approve_form, reject_form=reject_form or RejectForm(),
        default_start=services.default_start_date(today), problem=problem,
        country_name=get_locale().territories.get(application.country, application.country),
    ), code


@bp.route("/applications/<int:application_id>")
def application_detail(application_id: int):
    application = services.get_application(application_id) or abort(404)
    return _detail(application)


def _problem(exc: services.ApplicationError) -> str:
    if exc.code == "already_decided":
        return _("This application has already been decided; it cannot be approved or rejected again.")
    if exc.code == "start_in_past":
        return _("The start date cannot be in the past.")
    if exc.reasons:
        return _("The application cannot be approved:") + " " + " ".join(exc.reasons)
    return _("The application cannot be approved.")


@bp.route("/applications/<int:application_id>/approve", methods=["POST"])
def application_approve(application_id: int):
    application = services.get_application(application_id) or abort(404)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _detail(application, approve_form=form, code=400)
    try:
        services.approve(application, start_date=form.start_date.data, staff=current_user,
                         client=client_info())
        db.session.commit()
    except services.ApplicationError as exc:
        db.session.rollback()
        application = services.get_application(application_id)
        if exc.field == "start_date":
            form.start_date.errors = [_problem(exc)]
            return _detail(application, approve_form=form, code=400)
        return _detail(application, approve_form=form, code=409, problem=_problem(exc))
    flash(_("Application %(ref)s was approved; the usage-start notice and the invitation were sent.",
            ref=application.reference), "success")
    return redirect(url_for("staff.application_detail", application_id=application_id))


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
def application_reject(application_id: int):
    application = services.get_application(application_id) or abort(404)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(application, reject_form=form, code=400)
    try:
        services.reject(application, reason=form.reason.data, staff=current_user, client=client_info())
        db.session.commit()
    except services.ApplicationError as exc:
        db.session.rollback()
        application = services.get_application(application_id)
        return _detail(application, reject_form=form, code=409, problem=_problem(exc))
    flash(_("Application %(ref)s was rejected; the reason was sent to the applicant.",
            ref=application.reference), "success")
    return redirect(url_for("staff.application_detail", application_id=application_id))
