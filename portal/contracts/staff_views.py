"""Staff pages of the price list (価格表, §5(4)(5), §8(1), §9(1)) under /staff, pages of the
staff console (`portal.console.bp`): every service with its plans, a form to add or edit a plan;
and a contract's 起算日 set by a quote or contract (§5(4) ただし書) with its history."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.clock import today_jst
from portal.contracts import fees, services, start
from portal.contracts.forms import FeeChangeForm, PlanForm, StartOverrideForm, choices_of
from portal.contracts.models import Contract, Plan, Service
from portal.contracts.quotas import format_quota
from portal.console import bp
from portal.extensions import db
from portal.staff_audit import audited
from portal.web import transaction


@bp.route("/price-list")
def price_list():
    return render_template("contracts/price_list.html", services=services.price_list(),
                           format_quota=format_quota, start_rules=start.rule_choices())


@bp.route("/price-list/services/<int:service_id>/start-rule", methods=["POST"])
@audited(reason="reason")
def service_start_rule(service_id: int):
    """§5(4): the service's 起算日 rule in the price list (for contracts made from now on)."""
    service = db.session.get(Service, service_id) or abort(404)
    with transaction() as done:
        start.set_start_rule(service, request.form.get("start_rule", ""))
    if done:
        flash(_("The start-date rule of %(service)s was saved.", service=service.name), "success")
    return redirect(url_for("staff.price_list"))


def _save(plan: Plan, form: PlanForm, service: Service, *, new: bool):
    if request.method == "POST" and form.validate_on_submit():
        with transaction(form, field="code") as done:
            services.save_plan(plan, **form.values())
        if done:
            flash(_("The plan %(name)s was saved.", name=plan.name), "success")
            return redirect(url_for("staff.price_list"))
    code = 400 if form.errors else 200
    return render_template("contracts/plan_form.html", form=form, service=service, plan=plan,
                           new=new), code


@bp.route("/price-list/services/<int:service_id>/plans/new", methods=["GET", "POST"])
@audited(reason="reason")
def plan_new(service_id: int):
    service = db.session.get(Service, service_id) or abort(404)
    form = PlanForm()
    return _save(Plan(service_id=service.id), form, service, new=True)


@bp.route("/price-list/plans/<int:plan_id>", methods=["GET", "POST"])
@audited(reason="reason")
def plan_edit(plan_id: int):
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = PlanForm() if request.method == "POST" else PlanForm.from_plan(plan)
    return _save(plan, form, plan.service, new=False)


@bp.route("/price-list/plans/<int:plan_id>/fee-change", methods=["GET", "POST"])
@audited(reason="reason")
def plan_fee_change(plan_id: int):
    """§8(1): schedule a fee change under a published fee-change notice; lists the history."""
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = FeeChangeForm()
    notices = fees.fee_notices()
    form.notice_id.choices = choices_of((n.id, f"{n.title}（{n.published_on:%Y-%m-%d}）")
                                        for n in notices)
    if form.validate_on_submit():
        with transaction(form, field="effective_date") as done:
            fees.schedule_fee_change(plan, form.fee.data, form.effective_date.data,
                                     form.notice_id.data, by=current_user, today=today_jst())
        if done:
            flash(_("The fee change was scheduled."), "success")
            return redirect(url_for("staff.plan_fee_change", plan_id=plan.id))
    return render_template("contracts/fee_change.html", form=form, plan=plan,
                           history=fees.fee_history([plan.id]).get(plan.id, []),
                           notices=notices), (400 if form.errors else 200)


@bp.route("/contracts/<int:contract_id>/start-date", methods=["GET", "POST"])
# The cited quote or contract is the reason (§5(4) ただし書); the note adds to it when given.
@audited(reason=("note", "document_number"), organization=Contract)
def contract_start_date(contract_id: int):
    """§5(4): the 起算日 the price list gave, and a quote or contract that sets another one."""
    contract = db.session.get(Contract, contract_id) or abort(404)
    form = StartOverrideForm()
    if form.validate_on_submit():
        with transaction(form, field="start") as done:
            start.override_start(contract, start=form.start.data,
                                 document_type=form.document_type.data,
                                 document_number=form.document_number.data,
                                 document_date=form.document_date.data, note=form.note.data,
                                 by=current_user, today=today_jst())
        if done:
            flash(_("The start date was recorded."), "success")
            return redirect(url_for("staff.contract_start_date", contract_id=contract.id))
    return render_template("contracts/staff_start_date.html", contract=contract, form=form,
                           info=start.start_info(contract)), (400 if form.errors else 200)
