"""The signed-in user's own account: profile, email change, password, two-factor sign-in,
sessions and sign-in history; password reset by email; misuse reports (§7(4))."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.blueprint import bp
from portal.accounts import devices, misuse, resets, two_factor
from portal.accounts.forms import (
    ActionForm,
    ConfirmPasswordForm,
    ForgotPasswordForm,
    MisuseReportForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    PublicMisuseReportForm,
    TotpForm,
)
from portal.accounts.messages import error_text
from portal.accounts.models import UserSession
from portal.passwords import verify_password
from portal.accounts.services import AccountError, end_all_sessions, end_session, record_event
from portal.web import client_info
from portal.extensions import db, limiter

SETUP_SECRET_KEY = "totp_setup_secret"
# Pages a user of an organization that requires two-factor sign-in can still open before
# setting it up.
TWO_FACTOR_EXEMPT = {
    "accounts.two_factor_setup", "accounts.sign_out", "accounts.account", "main.language",
    "static", "terms.current", "terms.version", "main.privacy", "main.environment", "accounts.misuse_report_new",
}


@bp.before_app_request
def require_two_factor_set_up():
    """An organization that requires two-factor sign-in sends its users who have not set it
    up to the set-up page first."""
    if not current_user.is_authenticated or current_user.is_staff:
        return None
    org = current_user.organization
    if org is None or not org.require_two_factor or current_user.two_factor_enabled:
        return None
    if request.endpoint in TWO_FACTOR_EXEMPT or request.endpoint is None:
        return None
    flash(_("Your organization requires two-factor sign-in. Please set it up to continue."), "info")
    return redirect(url_for("accounts.two_factor_setup"))


@bp.route("/account")
@login_required
def account():
    return render_template(
        "accounts/account.html", user=current_user, user_session=g.get("user_session"),
        profile_form=ProfileForm(name=current_user.name, email=current_user.email),
        recovery_left=two_factor.remaining_recovery_codes(current_user),
    )


@bp.route("/account/profile", methods=["POST"])
@login_required
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return render_template(
            "accounts/account.html", user=current_user, user_session=g.get("user_session"),
            profile_form=form, recovery_left=two_factor.remaining_recovery_codes(current_user),
        ), 400
    client = client_info()
    if form.name.data.strip() != current_user.name:
        current_user.name = form.name.data.strip()
        record_event("profile_changed", client, user=current_user)
        flash(_("Your name was saved."), "success")
    if form.email.data.strip().lower() != current_user.email.lower():
        resets.request_email_change(current_user, form.email.data, client)
        flash(_("We sent a confirmation link to %(email)s. The new address is used once you open it.",
                email=form.email.data.strip()), "success")
    db.session.commit()
    return redirect(url_for("accounts.account"))


@bp.route("/account/email/<token>")
def confirm_email(token: str):
    try:
        resets.confirm_email_change(token, client_info())
    except AccountError as exc:
        return render_template("accounts/link_invalid.html", message=error_text(exc.code)), 410
    db.session.commit()
    flash(_("Your email address was changed."), "success")
    return redirect(url_for("accounts.account") if current_user.is_authenticated else url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            ended = resets.change_password(current_user, form.current_password.data, form.password.data,
                                           client_info(), keep=g.get("user_session"))
        except AccountError as exc:
            db.session.rollback()
            (form.current_password if exc.code == "wrong_password" else form.password).errors.append(error_text(exc.code))
            status = 400
        else:
            db.session.commit()
            flash(_("Your password was changed. %(n)d other sessions were ended.", n=ended), "success")
            return redirect(url_for("accounts.account"))
    elif request.method == "POST":
        status = 400
    form.current_password.data = form.password.data = form.password_confirm.data = ""
    return render_template("accounts/password_change.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Set up TOTP: scan the QR code (inline SVG), confirm one code, note the recovery codes."""
    if current_user.is_staff:
        abort(404)
    if current_user.two_factor_enabled:
        return render_template("accounts/two_factor.html", enabled=True, form=ConfirmPasswordForm(),
                               recovery_left=two_factor.remaining_recovery_codes(current_user))
    secret = session.get(SETUP_SECRET_KEY)
    if not secret:
        secret = session[SETUP_SECRET_KEY] = two_factor.new_secret()
    form = TotpForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user, secret, form.code.data, client_info())
        except AccountError as exc:
            form.code.errors.append(error_text(exc.code))
            status = 400
        else:
            db.session.commit()
            session.pop(SETUP_SECRET_KEY, None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
    elif request.method == "POST":
        status = 400
    form.code.data = ""
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template("accounts/two_factor.html", enabled=False, form=form, qr=two_factor.qr_svg(uri),
                           secret=secret), status


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    form = ConfirmPasswordForm()
    if current_user.organization and current_user.organization.require_two_factor:
        flash(_("Your organization requires two-factor sign-in; it cannot be turned off."), "error")
        return redirect(url_for("accounts.two_factor_setup"))
    if not form.validate_on_submit() or not verify_password(current_user.password_hash, form.current_password.data):
        flash(error_text("wrong_password"), "error")
        return redirect(url_for("accounts.two_factor_setup"))
    two_factor.disable(current_user, client_info())
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def recovery_codes_renew():
    form = ConfirmPasswordForm()
    if (not current_user.two_factor_enabled or not form.validate_on_submit()
            or not verify_password(current_user.password_hash, form.current_password.data)):
        flash(error_text("wrong_password"), "error")
        return redirect(url_for("accounts.two_factor_setup"))
    codes = two_factor.new_recovery_codes(current_user)
    record_event("recovery_codes_renewed", client_info(), user=current_user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/account/sessions")
@login_required
def sessions():
    return render_template(
        "accounts/sessions.html", open_sessions=devices.open_sessions(current_user),
        history=devices.sign_in_history(current_user), describe=devices.describe,
        current=g.get("user_session"), form=ActionForm(),
    )


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def session_end():
    """End one of the user's own sessions (ID in the form body) or, with target "others",
    every other session."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    current = g.get("user_session")
    client = client_info()
    if form.target.data == "others":
        n = end_all_sessions(current_user, "ended_by_user", keep=current)
        record_event("sessions_ended", client, user=current_user, count=n)
        db.session.commit()
        flash(_("%(n)d other sessions were ended.", n=n), "success")
        return redirect(url_for("accounts.sessions"))
    if not (form.target.data or "").isdigit():
        abort(400)
    row = db.session.scalar(
        db.select(UserSession).where(UserSession.id == int(form.target.data),
                                     UserSession.user_id == current_user.id, UserSession.ended_at.is_(None))
    )
    if row is None:
        abort(404)
    end_session(row, "ended_by_user")
    record_event("session_ended", client, user=current_user, session_id=row.id)
    db.session.commit()
    if current is not None and row.id == current.id:
        logout_user()
        session.clear()
        flash(_("This session was ended."), "success")
        return redirect(url_for("accounts.sign_in"))
    flash(_("The session was ended."), "success")
    return redirect(url_for("accounts.sessions"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("5/10 minutes", methods=["POST"])
def password_forgot():
    """Ask for a reset link; the answer is the same whether or not the address exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data, client_info())
        db.session.commit()
        return render_template("accounts/password_forgot_sent.html")
    return render_template("accounts/password_forgot.html", form=form), (400 if request.method == "POST" else 200)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit("20/10 minutes", methods=["POST"])
def password_reset(token: str):
    try:
        reset = resets.find_reset(token)
    except AccountError as exc:
        code = 404 if exc.code == "reset_invalid" else 410
        return render_template("accounts/link_invalid.html", message=error_text(exc.code)), code
    form = PasswordResetForm()
    status = 200
    if form.validate_on_submit():
        try:
            resets.complete_reset(reset, form.password.data, client_info())
        except AccountError as exc:
            db.session.rollback()
            form.password.errors.append(error_text(exc.code))
            status = 400
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password was set. Please sign in with the new password."), "success")
            return redirect(url_for("accounts.sign_in"))
    elif request.method == "POST":
        status = 400
    form.password.data = form.password_confirm.data = ""
    return render_template("accounts/password_reset.html", form=form, user=reset.user), status


@bp.route("/misuse-reports")
@login_required
def misuse_reports():
    """Reports about the organization (admins) or about the user's own account."""
    if current_user.is_staff:
        abort(404)
    reports = (misuse.organization_reports(current_user.organization_id) if current_user.is_admin
               else misuse.user_reports(current_user))
    return render_template("accounts/misuse_reports.html", reports=reports)


@bp.route("/misuse-reports/new", methods=["GET", "POST"])
@login_required
def misuse_report_new():
    """Report misuse of account information (§7(4)): own account, or (admins) any account of
    the organization. Submitting locks the accounts and ends their sessions at once."""
    if current_user.is_staff:
        abort(404)
    form = MisuseReportForm()
    candidates = misuse.reportable_users(current_user)
    form.accounts.choices = [SelectChoice(u.id, f"{u.login_id} ({u.name})") for u in candidates]
    if request.method == "GET":
        preset = request.args.get("user", type=int)
        form.accounts.data = [preset] if preset in {u.id for u in candidates} else [current_user.id]
    status = 200
    if form.validate_on_submit():
        try:
            report = misuse.submit_report(current_user, form.accounts.data or [], form.description.data or "",
                                          client_info())
        except AccountError as exc:
            db.session.rollback()
            form.accounts.errors.append(error_text(exc.code))
            status = 400
        else:
            db.session.commit()
            if current_user.id in form.accounts.data:
                logout_user()
                session.clear()
                return render_template("accounts/misuse_report_done.html", report=report, self_reported=True)
            flash(_("The report was sent (%(time)s). The accounts are locked and their sessions were ended.",
                    time=_format_time(report.submitted_at)), "success")
            return redirect(url_for("accounts.misuse_reports"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/misuse_report_new.html", form=form), status


def _format_time(value) -> str:
    from portal.i18n import jdatetime

    return jdatetime(value)


@bp.route("/misuse-report", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
def misuse_report_public():
    """The public form for someone locked out of their account (§7(4)); staff verify it."""
    form = PublicMisuseReportForm()
    if form.validate_on_submit():
        report = misuse.submit_public_report(
            login_id=form.login_id.data, organization_name=form.organization_name.data,
            contact_email=form.contact_email.data, description=form.description.data or "",
            client=client_info(),
        )
        db.session.commit()
        return render_template("accounts/misuse_report_done.html", report=report, self_reported=False,
                               public=True)
    return render_template("accounts/misuse_report_public.html", form=form), (
        400 if request.method == "POST" else 200)
