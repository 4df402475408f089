"""Staff console pages of the accounts area, on the `staff` blueprint (staff only):
the misuse-report queue (§7(4)), unlocking accounts, the requests to change a
corporate name or representative (§7(2)), and deleting a trial organization's accounts (§7(5))."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import misuse, organizations, trial
from portal.accounts.forms import ActionForm, DecisionForm, StaffReportForm, TrialDeletionForm
from portal.accounts.messages import error_text
from portal.accounts.models import (
    MISUSE_STATUSES,
    MisuseReport,
    Organization,
    OrganizationChangeRequest,
    User,
)
from portal.accounts.services import AccountError
from portal.web import client_info
from portal.extensions import db
from portal.i18n import clause
from portal.console import bp


@bp.route("/accounts/misuse-reports")
def misuse_queue():
    status = request.args.get("status")
    if status not in MISUSE_STATUSES:
        status = None
    return render_template("accounts/staff_misuse_queue.html", reports=misuse.staff_queue(status),
                           status=status, statuses=MISUSE_STATUSES)


@bp.route("/accounts/misuse-reports/<int:report_id>", methods=["GET", "POST"])
def misuse_report(report_id: int):
    report = db.session.get(MisuseReport, report_id) or abort(404)
    form = StaffReportForm(status=report.status)
    verify_form = ActionForm()
    status_code = 200
    if request.method == "POST" and request.form.get("action") == "verify":
        if not verify_form.validate_on_submit():
            abort(400)
        try:
            misuse.verify_public_report(report, verify_form.target.data or "", by=current_user, client=client_info())
        except AccountError as exc:
            db.session.rollback()
            flash(error_text(exc.code), "error")
        else:
            db.session.commit()
            flash(_("The account was locked and its sessions were ended."), "success")
        return redirect(url_for("staff.misuse_report", report_id=report.id))
    if form.validate_on_submit():
        try:
            misuse.set_status(report, form.status.data, form.note.data or "", by=current_user, client=client_info())
        except AccountError as exc:
            db.session.rollback()
            form.status.errors.append(error_text(exc.code))
            status_code = 400
        else:
            db.session.commit()
            flash(_("The report was updated."), "success")
            return redirect(url_for("staff.misuse_report", report_id=report.id))
    elif request.method == "POST":
        status_code = 400
    return render_template("accounts/staff_misuse_report.html", report=report, form=form,
                           verify_form=verify_form, action_form=ActionForm()), status_code


@bp.route("/accounts/users/<int:user_id>/unlock", methods=["POST"])
def unlock_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.is_staff:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        misuse.unlock_account(user, by=current_user, client=client_info())
    except AccountError as exc:
        flash(error_text(exc.code), "error")
    else:
        db.session.commit()
        flash(_("The account %(login_id)s was unlocked; a reset link was sent.", login_id=user.login_id), "success")
    target = request.form.get("report_id", type=int)
    if target:
        return redirect(url_for("staff.misuse_report", report_id=target))
    return redirect(url_for("staff.misuse_queue"))


@bp.route("/accounts/organization-requests")
def organization_requests():
    return render_template("accounts/staff_organization_requests.html", requests=organizations.staff_queue())


@bp.route("/accounts/organization-requests/<int:request_id>", methods=["GET", "POST"])
def organization_request(request_id: int):
    req = db.session.get(OrganizationChangeRequest, request_id) or abort(404)
    form = DecisionForm()
    if request.method == "POST":
        decision = request.form.get("decision")
        if not form.validate_on_submit() or decision not in ("approve", "reject"):
            abort(400)
        try:
            organizations.decide(req, approve=decision == "approve", note=form.note.data or "",
                                 by=current_user, client=client_info())
        except AccountError as exc:
            db.session.rollback()
            flash(error_text(exc.code), "error")
        else:
            db.session.commit()
            flash(_("The request was approved and the new details apply.") if decision == "approve"
                  else _("The request was rejected."), "success")
        return redirect(url_for("staff.organization_request", request_id=req.id))
    return render_template("accounts/staff_organization_request.html", req=req, form=form)


@bp.route("/organizations/<int:org_id>/trial-accounts", methods=["GET", "POST"])
def trial_accounts(org_id: int):
    """§7(5): the accounts of a trial-only organization and the form that deletes them."""
    organization = db.session.get(Organization, org_id) or abort(404)
    form = TrialDeletionForm()
    status_code = 200
    if form.validate_on_submit():
        try:
            count = trial.delete_trial_accounts(organization, form.reason.data, by=current_user,
                                                client=client_info())
        except AccountError as exc:
            db.session.rollback()
            if exc.code == "reason_required":
                form.reason.errors.append(error_text(exc.code))
                status_code = 400
            else:
                flash(error_text(exc.code), "error")
                return redirect(url_for("staff.trial_accounts", org_id=org_id))
        else:
            db.session.commit()
            flash(_("The account information of %(n)d accounts was deleted (%(clause)s).",
                    n=count, clause=clause("§7(5)")), "success")
            return redirect(url_for("staff.trial_accounts", org_id=org_id))
    elif request.method == "POST":
        status_code = 400
    return render_template(
        "accounts/staff_trial_accounts.html", organization=organization, form=form,
        contracts=trial.live_contracts(org_id), trial_only=trial.trial_only(org_id),
        users=trial.accounts_to_delete(org_id), is_erased=trial.is_erased,
        deleted_count=trial.erased_count(org_id),
    ), status_code
