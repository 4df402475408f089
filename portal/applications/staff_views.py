"""Staff review of applications under /staff (pages of the staff console, `portal.console.bp`): the queue with
its §5(2) overdue flags, the detail page, approve (start date) and reject (reason)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import services
from portal.applications.forms import ApproveForm, RejectForm
from portal.clock import today_jst
from portal.console import bp
from portal.pagination import page_number
from portal.staff_audit import audited
from portal.web import client_info, transaction

QUEUE_STATUSES = ("submitted", "approved", "rejected")


@bp.route("/applications")
def applications():
    status = request.args.get("status", "submitted")
    if status not in QUEUE_STATUSES and status != "all":
        status = "submitted"
    page = page_number(request.args.get("page"))
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


def _refused(application_id: int, form_name: str, form, exc: services.ApplicationError):
    """Re-render the detail after a refused decision: a field error (400) or the problem (409)."""
    application = services.get_application(application_id)
    if exc.field and exc.field in form:
        form[exc.field].errors = [exc.message]
        return _detail(application, code=400, **{form_name: form})
    return _detail(application, code=409, problem=exc.message, **{form_name: form})


@bp.route("/applications/<int:application_id>/approve", methods=["POST"])
@audited(reason="reason")
def application_approve(application_id: int):
    application = services.get_application(application_id) or abort(404)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _detail(application, approve_form=form, code=400)
    with transaction(report=False) as done:
        services.approve(application, start_date=form.start_date.data, staff=current_user,
                         client=client_info(), partner_email=form.partner_email.data or "")
    if not done:
        return _refused(application_id, "approve_form", form, done.error)
    flash(_("Application %(ref)s was approved; the usage-start notice and the invitation were sent.",
            ref=application.reference), "success")
    return redirect(url_for("staff.application_detail", application_id=application_id))


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
@audited(reason="reason")
def application_reject(application_id: int):
    application = services.get_application(application_id) or abort(404)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(application, reject_form=form, code=400)
    with transaction(report=False) as done:
        services.reject(application, reason=form.reason.data, staff=current_user,
                        client=client_info())
    if not done:
        return _refused(application_id, "reject_form", form, done.error)
    flash(_("Application %(ref)s was rejected; the reason was sent to the applicant.",
            ref=application.reference), "success")
    return redirect(url_for("staff.application_detail", application_id=application_id))
