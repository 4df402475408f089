"""Staff queues of the lifecycle under /staff/lifecycle (registered on the staff blueprint, so
staff only): open plan change requests (agree an effective date or refuse with a reason),
cancellation notices to confirm, agent renewal applications, trial conversion requests, and
the partner contact address of a partner contract (§31(1))."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organization
from portal.clock import today_jst
from portal.contracts.models import Contract
from portal.extensions import db
from portal.lifecycle import services
from portal.lifecycle.forms import (
    AgreePlanChangeForm, PartnerContactForm, RefuseForm, WithdrawForm,
)
from portal.lifecycle.messages import error_message
from portal.lifecycle.models import (
    CancellationNotice, PlanChangeRequest, RenewalApplication, TrialConversionRequest,
)
from portal.console import bp


def _organizations(rows) -> dict[int, Organization]:
    ids = {r.organization_id for r in rows}
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(sa.select(Organization).where(Organization.id.in_(ids)))}


@bp.route("/lifecycle/")
def lifecycle_queue():
    with_contract = selectinload(PlanChangeRequest.contract).selectinload(Contract.service)
    plan_changes = db.session.scalars(
        sa.select(PlanChangeRequest).where(PlanChangeRequest.status.in_(("requested", "agreed")))
        .options(with_contract, selectinload(PlanChangeRequest.from_plan),
                 selectinload(PlanChangeRequest.to_plan))
        .order_by(PlanChangeRequest.requested_at)).all()
    notices = db.session.scalars(
        sa.select(CancellationNotice).where(CancellationNotice.status.in_(("requested", "confirmed")))
        .options(selectinload(CancellationNotice.contract).selectinload(Contract.service))
        .order_by(CancellationNotice.last_day)).all()
    applications = db.session.scalars(
        sa.select(RenewalApplication).where(RenewalApplication.period_end >= today_jst())
        .options(selectinload(RenewalApplication.contract).selectinload(Contract.service))
        .order_by(RenewalApplication.period_end)).all()
    conversions = db.session.scalars(
        sa.select(TrialConversionRequest).where(TrialConversionRequest.status == "requested")
        .options(selectinload(TrialConversionRequest.contract).selectinload(Contract.service))
        .order_by(TrialConversionRequest.requested_at)).all()
    orgs = _organizations([*plan_changes, *notices, *applications, *conversions])
    return render_template("lifecycle/staff_queue.html", plan_changes=plan_changes,
                           notices=notices, applications=applications, conversions=conversions,
                           orgs=orgs, form=WithdrawForm(), refuse_form=RefuseForm())


@bp.route("/lifecycle/plan-changes/<int:request_id>", methods=["GET", "POST"])
def lifecycle_plan_change(request_id: int):
    req = db.session.get(PlanChangeRequest, request_id) or abort(404)
    agree = AgreePlanChangeForm(prefix="agree")
    refuse = RefuseForm(prefix="refuse")
    if request.method == "GET":
        agree.effective_date.data = req.effective_date or req.desired_date
    action = request.form.get("action")
    if action == "agree" and agree.validate_on_submit():
        try:
            services.agree_plan_change(req, agree.effective_date.data, by=current_user,
                                       today=today_jst())
        except services.LifecycleError as exc:
            agree.effective_date.errors = [error_message(exc)]
        else:
            db.session.commit()
            flash(_("The effective date was agreed and the customer was emailed."), "success")
            return redirect(url_for("staff.lifecycle_queue"))
    elif action == "refuse" and refuse.validate_on_submit():
        try:
            services.refuse_plan_change(req, refuse.reason.data, by=current_user)
        except services.LifecycleError as exc:
            refuse.reason.errors = [error_message(exc)]
        else:
            db.session.commit()
            flash(_("The request was refused and the customer was emailed."), "success")
            return redirect(url_for("staff.lifecycle_queue"))
    status = 400 if (agree.errors or refuse.errors) else 200
    org = db.session.get(Organization, req.organization_id)
    return render_template("lifecycle/staff_plan_change.html", req=req, org=org, agree=agree,
                           refuse=refuse, first_month=services.first_billed_month(req),
                           partner=services.partner_contact(req.contract)), status


@bp.route("/lifecycle/cancellations/<int:notice_id>/confirm", methods=["POST"])
def lifecycle_cancellation_confirm(notice_id: int):
    notice = db.session.get(CancellationNotice, notice_id) or abort(404)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        services.confirm_notice(notice, by=current_user)
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(_("The cancellation notice was confirmed and the customer was emailed."), "success")
    return redirect(url_for("staff.lifecycle_queue"))


@bp.route("/lifecycle/conversions/<int:conversion_id>", methods=["POST"])
def lifecycle_conversion(conversion_id: int):
    req = db.session.get(TrialConversionRequest, conversion_id) or abort(404)
    action = request.form.get("action")
    try:
        if action == "approve" and WithdrawForm().validate_on_submit():
            services.approve_conversion(req, by=current_user, today=today_jst())
            message = _("The trial was converted to a paid contract.")
        elif action == "refuse":
            form = RefuseForm()
            if not form.validate_on_submit():
                flash(_("Enter the reason given to the customer."), "error")
                return redirect(url_for("staff.lifecycle_queue"))
            services.refuse_conversion(req, form.reason.data, by=current_user)
            message = _("The conversion request was refused.")
        else:
            abort(400)
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("staff.lifecycle_queue"))


@bp.route("/lifecycle/contracts/<int:contract_id>/partner-contact", methods=["GET", "POST"])
def lifecycle_partner_contact(contract_id: int):
    contract = db.session.get(Contract, contract_id) or abort(404)
    if contract.channel == "direct":
        abort(404)
    form = PartnerContactForm()
    if request.method == "GET":
        form.email.data = services.partner_contact(contract)
    if form.validate_on_submit():
        services.set_partner_contact(contract, form.email.data or "")
        db.session.commit()
        flash(_("The partner contact was saved."), "success")
        return redirect(url_for("staff.lifecycle_partner_contact", contract_id=contract.id))
    org = db.session.get(Organization, contract.organization_id)
    return render_template("lifecycle/staff_partner_contact.html", contract=contract, org=org,
                           form=form), (400 if form.errors else 200)
