"""The staff's misuse-report pages (§7(4)) in the staff console (`staff` blueprint, staff
only): the queue, one report (verify a public report and contain the account; move the status
on with a note the customer's admins see), and unlocking an account."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import ActionForm
from portal.accounts.misuse import services
from portal.accounts.misuse.forms import StaffReportForm
from portal.accounts.models import MISUSE_STATUSES, MisuseReport, User
from portal.console import bp
from portal.extensions import db
from portal.staff_audit import audited
from portal.web import client_info, transaction


@bp.route("/accounts/misuse-reports")
def misuse_queue():
    status = request.args.get("status")
    if status not in MISUSE_STATUSES:
        status = None
    return render_template("accounts/staff_misuse_queue.html", reports=services.staff_queue(status),
                           status=status, statuses=MISUSE_STATUSES)


@bp.route("/accounts/misuse-reports/<int:report_id>", methods=["GET", "POST"])
@audited(reason="reason")
def misuse_report(report_id: int):
    report = db.get_or_404(MisuseReport, report_id)
    if request.method == "POST" and request.form.get("action") == "verify":
        return _verify(report)
    form = StaffReportForm(status=report.status)
    if form.validate_on_submit():
        with transaction(form, field="status") as done:
            services.set_status(report, form.status.data, form.note.data or "", by=current_user,
                                client=client_info())
        if done:
            flash(_("The report was updated."), "success")
            return redirect(url_for("staff.misuse_report", report_id=report.id))
    return render_template("accounts/staff_misuse_report.html", report=report, form=form,
                           verify_form=ActionForm(), action_form=ActionForm()), (
        400 if request.method == "POST" else 200)


def _verify(report: MisuseReport):
    """Attach the account a public report names (login ID in `target`) and contain it."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction() as done:
        services.verify_public_report(report, form.target.data or "", by=current_user,
                                      client=client_info())
    if done:
        flash(_("The account was locked and its sessions were ended."), "success")
    return redirect(url_for("staff.misuse_report", report_id=report.id))


@bp.route("/accounts/users/<int:user_id>/unlock", methods=["POST"])
@audited(reason="reason")
def unlock_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.is_staff:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction() as done:
        services.unlock_account(user, by=current_user, client=client_info())
    if done:
        flash(_("The account %(login_id)s was unlocked; a reset link was sent.",
                login_id=user.login_id), "success")
    target = request.form.get("report_id", type=int)
    if target:
        return redirect(url_for("staff.misuse_report", report_id=target))
    return redirect(url_for("staff.misuse_queue"))
