"""Staff queues of the lifecycle under /staff/lifecycle (registered on the staff blueprint, so
staff only): open plan change requests (agree an effective date or refuse with a reason),
cancellation notices to confirm, agent renewal applications, trial conversion requests, and
the partner contact address of a partner contract (§31(1)). Each POST runs its service in
`portal.web.transaction`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Organization
from portal.clock import today_jst
from portal.console import bp
from portal.contracts.models import Contract
from portal.extensions import db
from portal.lifecycle import services
from portal.lifecycle.forms import (
    AgreePlanChangeForm, NonRenewalForm, PartnerContactForm, RefuseForm, WithdrawForm,
)
from portal.pagination import page_number
from portal.lifecycle.models import (
    CancellationNotice, ChangeRequest, PlanChangeRequest, TrialConversionRequest,
)
from portal.staff_audit import audited
from portal.web import transaction


def _to_queue():
    return redirect(url_for("staff.lifecycle_queue"))


def _decide(req, agree, refuse, agree_fn, refuse_fn) -> bool:
    """The staff decision on a §14(1) request (a plan change or another change): the posted
    `action` agrees an effective date or refuses with a reason; True once it is recorded."""
    if request.form.get("action") == "agree" and agree.validate_on_submit():
        with transaction(agree, field="effective_date") as done:
            agree_fn(req, agree.effective_date.data, by=current_user, today=today_jst())
        if done:
            flash(_("The effective date was agreed and the customer was emailed."), "success")
        return bool(done)
    if request.form.get("action") == "refuse" and refuse.validate_on_submit():
        with transaction(refuse, field="reason") as done:
            refuse_fn(req, refuse.reason.data, by=current_user)
        if done:
            flash(_("The request was refused and the customer was emailed."), "success")
        return bool(done)
    return False


@bp.route("/lifecycle/")
def lifecycle_queue():
    queue = services.staff_queue(today_jst())
    return render_template("lifecycle/staff_queue.html", plan_changes=queue.plan_changes,
                           notices=queue.notices, applications=queue.applications,
                           conversions=queue.conversions, orgs=queue.orgs,
                           form=WithdrawForm(), refuse_form=RefuseForm())


@bp.route("/lifecycle/plan-changes/<int:request_id>", methods=["GET", "POST"])
@audited(reason=("agree-reason", "refuse-reason"))
def lifecycle_plan_change(request_id: int):
    req = db.get_or_404(PlanChangeRequest, request_id)
    agree = AgreePlanChangeForm(prefix="agree")
    refuse = RefuseForm(prefix="refuse")
    if request.method == "GET":
        agree.effective_date.data = req.effective_date or req.desired_date
    decided = _decide(req, agree, refuse, services.agree_plan_change,
                      services.refuse_plan_change)
    if decided:
        return _to_queue()
    return render_template(
        "lifecycle/staff_plan_change.html", req=req, agree=agree, refuse=refuse,
        org=db.session.get(Organization, req.organization_id),
        first_month=services.first_billed_month(req),
        partner=services.partner_contact(req.contract),
    ), (400 if (agree.errors or refuse.errors) else 200)


@bp.route("/lifecycle/cancellations/<int:notice_id>/confirm", methods=["POST"])
@audited(reason="reason")
def lifecycle_cancellation_confirm(notice_id: int):
    notice = db.get_or_404(CancellationNotice, notice_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.confirm_notice(notice, by=current_user)
    if done:
        flash(_("The cancellation notice was confirmed and the customer was emailed."), "success")
    return _to_queue()


@bp.route("/lifecycle/conversions/<int:conversion_id>", methods=["POST"])
@audited(reason="reason")
def lifecycle_conversion(conversion_id: int):
    req = db.get_or_404(TrialConversionRequest, conversion_id)
    action = request.form.get("action")
    refuse = RefuseForm()
    if action == "approve" and WithdrawForm().validate_on_submit():
        with transaction() as done:
            services.approve_conversion(req, by=current_user, today=today_jst())
        message = _("The trial was converted to a paid contract.")
    elif action == "refuse" and refuse.validate_on_submit():
        with transaction() as done:
            services.refuse_conversion(req, refuse.reason.data, by=current_user)
        message = _("The conversion request was refused.")
    elif action == "refuse":
        flash(_("Enter the reason given to the customer."), "error")
        return _to_queue()
    else:
        abort(400)
    if done:
        flash(message, "success")
    return _to_queue()


@bp.route("/lifecycle/contracts/<int:contract_id>/partner-contact", methods=["GET", "POST"])
@audited(reason="reason")
def lifecycle_partner_contact(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    if contract.channel == "direct":
        abort(404)
    form = PartnerContactForm()
    if request.method == "GET":
        form.email.data = services.partner_contact(contract)
    if form.validate_on_submit():
        with transaction(form, field="email") as done:
            services.set_partner_contact(contract, form.email.data or "")
        if done:
            flash(_("The partner contact was saved."), "success")
            return redirect(url_for("staff.lifecycle_partner_contact", contract_id=contract_id))
    org = db.session.get(Organization, contract.organization_id)
    return render_template("lifecycle/staff_partner_contact.html", contract=contract, org=org,
                           form=form), (400 if form.errors else 200)


@bp.route("/lifecycle/contracts")
def lifecycle_contracts():
    page, orgs = services.renewing_contracts_page(today_jst(),
                                                  page_number(request.args.get("page")))
    return render_template("lifecycle/staff_contracts.html", pagination=page, orgs=orgs)


@bp.route("/lifecycle/contracts/<int:contract_id>/non-renewal", methods=["GET", "POST"])
@audited(reason="reason")
def lifecycle_non_renewal(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    today = today_jst()
    earliest = services.earliest_non_renewal_end(contract, today)
    form = NonRenewalForm()
    if request.method == "GET" and earliest is not None:
        form.term_end.data = earliest
    if form.validate_on_submit():
        with transaction(form, field="term_end") as done:
            services.give_non_renewal_notice(contract, form.term_end.data, form.reason.data,
                                             by=current_user, today=today)
        if done:
            flash(_("The notice of non-renewal was given and the customer was emailed."),
                  "success")
            return redirect(url_for("staff.lifecycle_contracts"))
    return render_template(
        "lifecycle/staff_non_renewal.html", contract=contract, form=form, earliest=earliest,
        notice=services.open_notice(contract), today=today,
        org=db.session.get(Organization, contract.organization_id),
    ), (400 if form.errors else 200)


@bp.route("/lifecycle/changes")
def lifecycle_changes():
    """Open change requests of §14(1) besides plan changes (adding a service, billing period)."""
    pagination = services.staff_changes(page_number(request.args.get("page")))
    return render_template("lifecycle/staff_changes.html", pagination=pagination)


@bp.route("/lifecycle/changes/<int:request_id>", methods=["GET", "POST"])
@audited(reason=("agree-reason", "refuse-reason"))
def lifecycle_change(request_id: int):
    req = db.get_or_404(ChangeRequest, request_id)
    agree = AgreePlanChangeForm(prefix="agree")
    refuse = RefuseForm(prefix="refuse")
    if request.method == "GET":
        agree.effective_date.data = req.effective_date or services.default_effective_date(req)
    if _decide(req, agree, refuse, services.agree_change, services.refuse_change):
        return redirect(url_for("staff.lifecycle_changes"))
    return render_template(
        "lifecycle/staff_change.html", req=req, agree=agree, refuse=refuse,
        org=db.session.get(Organization, req.organization_id),
        default_effective=services.default_effective_date(req),
    ), (400 if (agree.errors or refuse.errors) else 200)
