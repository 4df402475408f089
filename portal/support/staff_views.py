"""The staff's fault-report pages (§13(4)) in the staff console: the queue (open reports, or
one status) and one report with the reply form (a reply and/or a new status, mailed to the
customer's admins and the reporter)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.console import bp
from portal.extensions import db
from portal.pagination import page_number
from portal.support import services
from portal.support.forms import STATUS_LABELS, ReplyForm
from portal.support.models import STATUSES, FaultReport
from portal.staff_audit import audited
from portal.web import transaction


@bp.route("/support/faults")
def support_faults():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    pagination = services.staff_page(status, page_number(request.args.get("page")))
    return render_template("support/staff_queue.html", pagination=pagination, status=status,
                           statuses=STATUS_LABELS)


@bp.route("/support/faults/<int:report_id>", methods=["GET", "POST"])
# The reply is the reason: a status change tells the customer why (the reply is required then).
@audited(reason="body")
def support_fault(report_id: int):
    report = db.get_or_404(FaultReport, report_id)
    form = ReplyForm(status=report.status) if request.method == "GET" else ReplyForm()
    if form.validate_on_submit():
        with transaction(form, field="body") as done:
            services.reply(report, by=current_user, body=form.body.data or "",
                           status=form.status.data, form_token=form.form_token.data or "")
        if done:
            flash(_("The reply was saved and mailed to the customer."), "success")
            return redirect(url_for("staff.support_fault", report_id=report.id))
    return render_template("support/staff_detail.html", report=report, form=form,
                           statuses=STATUS_LABELS), (400 if form.errors else 200)
