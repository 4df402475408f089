"""Customer admins' lifecycle pages: a contract's lifecycle page, the plan change request,
the other changes of §14(1) (adding a service, the billing period) and their list, the
two-step cancellation notice, the agent renewal application and the trial conversion.
Another organization's contract or request answers 404; customer users (not admins) and staff
403. Each POST runs its service in `portal.web.transaction`, which shows a refusal next to its
form field or as a flash."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.clock import today_jst
from portal.contracts.models import Contract
from portal.contracts.start import start_info
from portal.i18n import yen
from portal.lifecycle import services
from portal.lifecycle.forms import (
    BASIS_LABELS, AddServiceForm, BillingPeriodForm, CancellationForm, ConversionForm,
    PlanChangeForm, WithdrawForm, choices,
)
from portal.lifecycle.models import CancellationNotice, ChangeRequest, PlanChangeRequest
from portal.pagination import page_number
from portal.web import get_for_org_or_404, require_admin, transaction

bp = Blueprint("lifecycle", __name__)
bp.before_request(require_admin)


def _contract(contract_id: int) -> Contract:
    return get_for_org_or_404(Contract, contract_id, current_user.organization_id)


def _to_contract(contract_id: int):
    return redirect(url_for("lifecycle.contract", contract_id=contract_id))


@bp.route("/contracts/<int:contract_id>/lifecycle")
def contract(contract_id: int):
    contract = _contract(contract_id)
    today = today_jst()
    state = services.contract_state(contract, today)
    conversion_form = ConversionForm()
    conversion_form.billing_period_months.choices = choices(
        (p, _("%(n)d months", n=p)) for p in contract.plan.allowed_billing_periods)
    return render_template("lifecycle/contract.html", contract=contract, state=state,
                           start=start_info(contract), today=today, withdraw_form=WithdrawForm(),
                           conversion_form=conversion_form)


@bp.route("/contracts/<int:contract_id>/plan-change", methods=["GET", "POST"])
def plan_change(contract_id: int):
    contract = _contract(contract_id)
    today = today_jst()
    page = services.plan_change_page(contract, today)
    form = PlanChangeForm()
    form.plan_id.choices = choices(
        (p.id, _("%(plan)s (%(fee)s per month)", plan=p.name, fee=yen(p.monthly_fee)))
        for p in page.plans)
    if request.method == "GET" and form.desired_date.data is None:
        form.desired_date.data = page.earliest
    if form.validate_on_submit():
        with transaction(form, field="desired_date") as done:
            services.request_plan_change(contract, page.plan(form.plan_id.data),
                                         form.desired_date.data, by=current_user, today=today)
        if done:
            flash(_("Your plan change request was sent. We will email you when it is decided."),
                  "success")
            return _to_contract(contract_id)
    return render_template("lifecycle/plan_change.html", contract=contract, form=form,
                           page=page, today=today), (400 if form.errors else 200)


@bp.route("/plan-changes/<int:request_id>/withdraw", methods=["POST"])
def plan_change_withdraw(request_id: int):
    req = get_for_org_or_404(PlanChangeRequest, request_id, current_user.organization_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.withdraw_plan_change(req, by=current_user)
    if done:
        flash(_("The plan change request was withdrawn."), "success")
    return _to_contract(req.contract_id)


@bp.route("/contracts/<int:contract_id>/cancellation", methods=["GET", "POST"])
def cancellation(contract_id: int):
    """Step 1 ("show the quote") re-renders the form with the quote; step 2 ("give notice")
    carries the quoted last day, which the service quotes again before recording."""
    contract = _contract(contract_id)
    today = today_jst()
    page = services.cancellation_page(contract, today)
    form = CancellationForm()
    form.basis.choices = choices((b, BASIS_LABELS[b]) for b in page.bases)
    if request.method == "GET" and form.last_day.data is None and page.options:
        form.last_day.data = page.options.earliest_last_day
    step = None
    if page.refusal is None and form.validate_on_submit():
        with transaction(form, field="last_day") as done:
            step = services.cancellation_step(
                contract, request.form.get("step", "quote"), form.basis.data,
                form.last_day.data, form.quoted_day(), by=current_user, today=today)
        if done and step.notice:
            flash(_("Your cancellation notice was received. A confirmation was emailed "
                    "to every administrator."), "success")
            return _to_contract(contract_id)
        if done:
            form.show_quote(step.quote)
    return render_template("lifecycle/cancellation.html", contract=contract, form=form,
                           quote=step and step.quote, page=page,
                           today=today), (400 if form.errors else 200)


@bp.route("/cancellation-notices/<int:notice_id>/withdraw", methods=["POST"])
def cancellation_withdraw(notice_id: int):
    notice = get_for_org_or_404(CancellationNotice, notice_id, current_user.organization_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.withdraw_notice(notice, by=current_user)
    if done:
        flash(_("The cancellation notice was withdrawn. The contract continues."), "success")
    return _to_contract(notice.contract_id)


@bp.route("/contracts/<int:contract_id>/renewal-application", methods=["POST"])
def renewal_application(contract_id: int):
    contract = _contract(contract_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.apply_for_renewal(contract, by=current_user, today=today_jst())
    if done:
        flash(_("Your renewal application was filed."), "success")
    return _to_contract(contract_id)


@bp.route("/contracts/<int:contract_id>/trial-conversion", methods=["POST"])
def trial_conversion(contract_id: int):
    contract = _contract(contract_id)
    form = ConversionForm()
    form.billing_period_months.choices = choices(
        (p, str(p)) for p in contract.plan.allowed_billing_periods)
    if not form.validate_on_submit():
        flash(_("Choose a billing period."), "error")
        return _to_contract(contract_id)
    with transaction() as done:
        services.request_conversion(contract, form.billing_period_months.data, by=current_user,
                                    today=today_jst())
    if done:
        flash(_("Your request to convert the trial to a paid contract was sent."), "success")
    return _to_contract(contract_id)


def _period_label(n: int) -> str:
    return _("%(n)d months", n=n)


@bp.route("/contracts/changes")
def changes():
    """The organization's change requests (§14(1)) and the ways to file one."""
    pagination = services.organization_changes(current_user.organization_id,
                                               page_number(request.args.get("page")))
    contracts = services.changeable_contracts(current_user.organization_id)
    return render_template("lifecycle/changes.html", pagination=pagination, contracts=contracts,
                           withdraw_form=WithdrawForm(), today=today_jst())


@bp.route("/contracts/changes/add-service", methods=["GET", "POST"])
def add_service():
    today = today_jst()
    page = services.add_service_page(current_user.organization_id, today)
    form = AddServiceForm()
    form.plan_id.choices = choices((p.id, _("%(service)s %(plan)s (%(fee)s per month)",
                                            service=p.service.name, plan=p.name,
                                            fee=yen(p.monthly_fee))) for p in page.plans)
    form.billing_period_months.choices = choices((n, _period_label(n)) for n in (1, 3, 6, 12))
    if request.method == "GET" and form.desired_date.data is None:
        form.desired_date.data = page.earliest
    if form.validate_on_submit():
        with transaction(form, field="desired_date") as done:
            services.request_add_service(current_user.organization_id,
                                         page.plan(form.plan_id.data),
                                         form.billing_period_months.data,
                                         form.desired_date.data, by=current_user, today=today)
        if done:
            flash(_("Your request was sent. We will email you when it is decided."), "success")
            return redirect(url_for("lifecycle.changes"))
    return render_template("lifecycle/add_service.html", form=form, page=page,
                           today=today), (400 if form.errors else 200)


@bp.route("/contracts/<int:contract_id>/billing-period", methods=["GET", "POST"])
def billing_period(contract_id: int):
    contract = _contract(contract_id)
    today = today_jst()
    options = services.billing_period_options(contract, today)
    earliest = services.earliest_change_date(today)
    form = BillingPeriodForm()
    form.billing_period_months.choices = choices((o.months, _period_label(o.months))
                                                 for o in options)
    if request.method == "GET" and form.desired_date.data is None:
        form.desired_date.data = earliest
    if form.validate_on_submit():
        with transaction(form, field="desired_date") as done:
            services.request_billing_period(contract, form.billing_period_months.data,
                                            form.desired_date.data, by=current_user, today=today)
        if done:
            flash(_("Your request was sent. We will email you when it is decided."), "success")
            return redirect(url_for("lifecycle.changes"))
    return render_template("lifecycle/billing_period.html", contract=contract, form=form,
                           options=options, earliest=earliest), (400 if form.errors else 200)


@bp.route("/change-requests/<int:request_id>/withdraw", methods=["POST"])
def change_withdraw(request_id: int):
    req = get_for_org_or_404(ChangeRequest, request_id, current_user.organization_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        services.withdraw_change(req, by=current_user)
    if done:
        flash(_("The request was withdrawn."), "success")
    return redirect(url_for("lifecycle.changes"))
