"""Customer admins' lifecycle pages: a contract's lifecycle page, the plan change request,
the two-step cancellation notice, the agent renewal application and the trial conversion.
Another organization's contract or request answers 404; customer users (not admins) 403."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.clock import today_jst
from portal.contracts.models import Contract
from portal.web import get_for_org_or_404
from portal.extensions import db
from portal.i18n import yen
from portal.lifecycle import services
from portal.lifecycle.forms import (
    BASIS_LABELS, CancellationForm, ConversionForm, PlanChangeForm, WithdrawForm, choices,
)
from portal.lifecycle.messages import error_message
from portal.lifecycle.models import CancellationNotice, PlanChangeRequest
from portal.rules import plan_change as plan_change_rules

bp = Blueprint("lifecycle", __name__)


@bp.before_request
@login_required
def require_admin():
    if current_user.is_staff or not current_user.is_admin:
        abort(403)


def _contract(contract_id: int) -> Contract:
    return get_for_org_or_404(Contract, contract_id, current_user.organization_id)


def _field_error(form, exc: services.LifecycleError, default: str) -> None:
    name = exc.field if exc.field and exc.field in form else default
    form[name].errors = list(form[name].errors) + [error_message(exc)]


@bp.route("/contracts/<int:contract_id>/lifecycle")
def contract(contract_id: int):
    contract = _contract(contract_id)
    today = today_jst()
    state = services.contract_state(contract, today)
    conversion_form = ConversionForm()
    conversion_form.billing_period_months.choices = choices(
        (p, _("%(n)d months", n=p)) for p in contract.plan.allowed_billing_periods)
    return render_template("lifecycle/contract.html", contract=contract, state=state,
                           today=today, withdraw_form=WithdrawForm(),
                           conversion_form=conversion_form)


@bp.route("/contracts/<int:contract_id>/plan-change", methods=["GET", "POST"])
def plan_change(contract_id: int):
    contract = _contract(contract_id)
    today = today_jst()
    form = PlanChangeForm()
    plans = services.plan_choices(contract)
    form.plan_id.choices = choices(
        (p.id, _("%(plan)s (%(fee)s per month)", plan=p.name, fee=yen(p.monthly_fee)))
        for p in plans)
    if request.method == "GET" and form.desired_date.data is None:
        form.desired_date.data = plan_change_rules.earliest_desired_date(today)
    state = services.contract_state(contract, today)
    if form.validate_on_submit():
        plan = next((p for p in plans if p.id == form.plan_id.data), None)
        try:
            if plan is None:
                raise services.LifecycleError("plan_invalid", "§14(1)", field="plan_id")
            services.request_plan_change(contract, plan, form.desired_date.data,
                                         by=current_user, today=today)
        except services.LifecycleError as exc:
            _field_error(form, exc, "desired_date")
        else:
            db.session.commit()
            flash(_("Your plan change request was sent. We will email you when it is decided."),
                  "success")
            return redirect(url_for("lifecycle.contract", contract_id=contract.id))
    earliest = plan_change_rules.earliest_desired_date(today)
    first_months = []
    if contract.status == "active" and not contract.trial:
        first_months = [(p, plan_change_rules.first_billed_month(
            contract.terms(), earliest, contract.plan.monthly_fee, p.monthly_fee)) for p in plans]
    return render_template(
        "lifecycle/plan_change.html", contract=contract, form=form, state=state, today=today,
        earliest=earliest, choices=plans, first_months=first_months,
    ), (400 if form.errors else 200)


@bp.route("/plan-changes/<int:request_id>/withdraw", methods=["POST"])
def plan_change_withdraw(request_id: int):
    req = get_for_org_or_404(PlanChangeRequest, request_id, current_user.organization_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_plan_change(req, by=current_user)
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(_("The plan change request was withdrawn."), "success")
    return redirect(url_for("lifecycle.contract", contract_id=req.contract_id))


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/contracts/<int:contract_id>/cancellation", methods=["GET", "POST"])
def cancellation(contract_id: int):
    """Step 1 ("show the quote") re-renders the form with the quote; step 2 ("give notice")
    carries the quoted last day, which is quoted again on the server before recording."""
    contract = _contract(contract_id)
    today = today_jst()
    form = CancellationForm()
    refusal = None
    options = None
    try:
        services.check_cancellable(contract)
        options = services.cancellation_options(contract, today)
    except services.LifecycleError as exc:
        refusal = error_message(exc)
    bases = ["chosen"]
    if options and options.minimum_term:
        bases.append("minimum_term")
    if options and options.terms_change_quote:
        bases.append("terms_change")
    form.basis.choices = choices((b, BASIS_LABELS[b]) for b in bases)
    if request.method == "GET" and form.last_day.data is None and options:
        form.last_day.data = options.earliest_last_day
    quote = None
    status = 200
    if refusal is None and request.method == "POST":
        step = request.form.get("step", "quote")
        if form.validate_on_submit():
            basis = form.basis.data
            last = form.last_day.data
            try:
                if step == "confirm":
                    quoted = _parse_day(form.quoted_last_day.data)
                    quote = services.cancellation_quote(contract, today, basis, quoted or last)
                    if quoted is None or quote.last_day != quoted:
                        raise services.LifecycleError("quote_changed", "§14(3)", field="last_day")
                    services.give_notice(contract, basis, quoted, by=current_user, today=today)
                    db.session.commit()
                    flash(_("Your cancellation notice was received. A confirmation was emailed "
                            "to every administrator."), "success")
                    return redirect(url_for("lifecycle.contract", contract_id=contract.id))
                quote = services.cancellation_quote(contract, today, basis, last)
                form.last_day.data = quote.last_day
                form.quoted_last_day.data = quote.last_day.isoformat()
            except services.LifecycleError as exc:
                quote = None
                _field_error(form, exc, "last_day")
        if form.errors:
            status = 400
    return render_template("lifecycle/cancellation.html", contract=contract, form=form,
                           quote=quote, options=options, refusal=refusal, today=today,
                           schedule=services.contract_state(contract, today).schedule), status


@bp.route("/cancellation-notices/<int:notice_id>/withdraw", methods=["POST"])
def cancellation_withdraw(notice_id: int):
    notice = get_for_org_or_404(CancellationNotice, notice_id, current_user.organization_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_notice(notice, by=current_user)
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(_("The cancellation notice was withdrawn. The contract continues."), "success")
    return redirect(url_for("lifecycle.contract", contract_id=notice.contract_id))


@bp.route("/contracts/<int:contract_id>/renewal-application", methods=["POST"])
def renewal_application(contract_id: int):
    contract = _contract(contract_id)
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        services.apply_for_renewal(contract, by=current_user, today=today_jst())
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(_("Your renewal application was filed."), "success")
    return redirect(url_for("lifecycle.contract", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/trial-conversion", methods=["POST"])
def trial_conversion(contract_id: int):
    contract = _contract(contract_id)
    form = ConversionForm()
    form.billing_period_months.choices = choices(
        (p, str(p)) for p in contract.plan.allowed_billing_periods)
    if not form.validate_on_submit():
        flash(_("Choose a billing period."), "error")
        return redirect(url_for("lifecycle.contract", contract_id=contract.id))
    try:
        services.request_conversion(contract, form.billing_period_months.data, by=current_user,
                                    today=today_jst())
    except services.LifecycleError as exc:
        flash(error_message(exc), "error")
    else:
        db.session.commit()
        flash(_("Your request to convert the trial to a paid contract was sent."), "success")
    return redirect(url_for("lifecycle.contract", contract_id=contract.id))
