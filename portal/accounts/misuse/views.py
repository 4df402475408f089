"""Misuse reports (§7(4)) on the accounts blueprint: the reports a customer user sees, the
report of one's own account (or, for admins, any accounts of the organization) that contains
them at once, and the public form for someone locked out (staff verify it)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.blueprint import bp
from portal.accounts.errors import AccountError
from portal.accounts.misuse import preview, services
from portal.accounts.misuse.forms import MisuseReportForm, PublicMisuseReportForm
from portal.extensions import limiter
from portal.i18n import jdatetime
from portal.web import client_info, report_error, transaction


@bp.route("/misuse-reports")
@login_required
def misuse_reports():
    """Reports about the organization (admins) or about the user's own account."""
    if current_user.is_staff:
        abort(404)
    return render_template("accounts/misuse_reports.html",
                           reports=services.reports_for(current_user))


def _report_form() -> MisuseReportForm:
    """The report form, offering the accounts the user may name (preset from `?user=`)."""
    form = MisuseReportForm()
    candidates = services.reportable_users(current_user)
    form.accounts.choices = [SelectChoice(u.id, f"{u.login_id} ({u.name})") for u in candidates]
    if request.method == "GET":  # nothing ticked for an admin, unless a user page preset one
        preset = request.args.get("user", type=int)
        own = [] if current_user.is_admin else [current_user.id]
        form.accounts.data = [preset] if preset in {u.id for u in candidates} else own
    return form


def _confirm(form: MisuseReportForm):
    """Step 1: say who is locked and signed out and who can unlock them, before anything happens."""
    try:
        found = preview.preview_report(current_user, form.accounts.data or [])
    except AccountError as exc:
        report_error(exc, form, field="accounts")
        return render_template("accounts/misuse_report_new.html", form=form), 400
    form.confirmed.data = "1"
    return render_template("accounts/misuse_report_confirm.html", form=form, preview=found)


@bp.route("/misuse-reports/new", methods=["GET", "POST"])
@login_required
def misuse_report_new():
    """Report misuse of account information (§7(4)): own account, or (admins) any account of
    the organization. A confirmation step says what will happen; confirming locks the
    accounts and ends their sessions at once."""
    if current_user.is_staff:
        abort(404)
    form = _report_form()
    if form.validate_on_submit() and form.confirmed.data != "1":
        return _confirm(form)
    if form.validate_on_submit():
        with transaction(form, field="accounts") as done:
            report = services.submit_report(current_user, form.accounts.data or [],
                                            form.description.data or "", client_info())
        if done and current_user.id in form.accounts.data:  # their own session ended too
            logout_user()
            session.clear()
            return render_template("accounts/misuse_report_done.html", report=report,
                                   self_reported=True)
        if done:
            flash(_("The report was sent (%(time)s). The accounts are locked and their sessions "
                    "were ended.", time=jdatetime(report.submitted_at)), "success")
            return redirect(url_for("accounts.misuse_reports"))
    return render_template("accounts/misuse_report_new.html", form=form), (
        400 if request.method == "POST" else 200)


@bp.route("/misuse-report", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
def misuse_report_public():
    """The public form for someone locked out of their account (§7(4)); staff verify it."""
    form = PublicMisuseReportForm()
    if form.validate_on_submit():
        with transaction(form, field="organization_name") as done:
            report = services.submit_public_report(
                login_id=form.login_id.data, organization_name=form.organization_name.data,
                contact_email=form.contact_email.data, description=form.description.data or "",
                client=client_info(),
            )
        if done:
            return render_template("accounts/misuse_report_done.html", report=report,
                                   self_reported=False, public=True)
    return render_template("accounts/misuse_report_public.html", form=form), (
        400 if request.method == "POST" else 200)
