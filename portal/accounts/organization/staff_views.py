"""The staff's pages about organizations in the staff console (`staff` blueprint, staff
only): the requests to change a corporate name or representative and their decision (§7(2)),
and deleting the accounts of a trial-only organization (§7(5))."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Organization, OrganizationChangeRequest
from portal.accounts.organization import services, trial
from portal.accounts.organization.forms import DecisionForm, TrialDeletionForm
from portal.console import bp
from portal.extensions import db
from portal.i18n import clause
from portal.staff_audit import audited
from portal.web import client_info, transaction


@bp.route("/accounts/organization-requests")
def organization_requests():
    return render_template("accounts/staff_organization_requests.html",
                           requests=services.staff_queue())


@bp.route("/accounts/organization-requests/<int:request_id>", methods=["GET", "POST"])
@audited(reason="reason")
def organization_request(request_id: int):
    req = db.get_or_404(OrganizationChangeRequest, request_id)
    form = DecisionForm()
    if request.method == "GET":
        return render_template("accounts/staff_organization_request.html", req=req, form=form)
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400)
    if not form.validate_on_submit():  # the reason for the staff audit is missing
        return render_template("accounts/staff_organization_request.html", req=req,
                               form=form), 400
    with transaction() as done:
        services.decide(req, approve=decision == "approve", note=form.note.data or "",
                        by=current_user, client=client_info())
    if done:
        flash(_("The request was approved and the new details apply.") if decision == "approve"
              else _("The request was rejected."), "success")
    return redirect(url_for("staff.organization_request", request_id=req.id))


@bp.route("/organizations/<int:org_id>/trial-accounts", methods=["GET", "POST"])
@audited(reason="reason", organization="org_id")
def trial_accounts(org_id: int):
    """§7(5): the accounts of a trial-only organization and the form that deletes them."""
    organization = db.get_or_404(Organization, org_id)
    form = TrialDeletionForm()
    if form.validate_on_submit():
        with transaction(form) as done:
            count = trial.delete_trial_accounts(organization, form.reason.data, by=current_user,
                                                client=client_info())
        if done:
            flash(_("The account information of %(n)d accounts was deleted (%(clause)s).",
                    n=count, clause=clause("§7(5)")), "success")
        if done or done.error.field != "reason":  # a refusal of the whole deletion: flashed
            return redirect(url_for("staff.trial_accounts", org_id=org_id))
    return render_template(
        "accounts/staff_trial_accounts.html", organization=organization, form=form,
        contracts=trial.live_contracts(org_id), trial_only=trial.trial_only(org_id),
        users=trial.accounts_to_delete(org_id), is_erased=trial.is_erased,
        deleted_count=trial.erased_count(org_id),
    ), 400 if request.method == "POST" else 200
