"""Sign-in (password, then the two-factor code), sign-out, password reset by email, and the
user's own sessions (list, end one, end all others), on the accounts blueprint.

Sign-in is rate limited per address (Flask-Limiter; a browser trusted for the login ID it
submits is spared) on top of the device cookies of `trusted_devices` and the growing delay
per login ID of `lockout` for unknown browsers; every refusal shows the one generic error. A
refused attempt is committed, not rolled back: its audit event is what the delay counts.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portal.accounts.blueprint import bp
from portal.accounts.errors import AccountError
from portal.accounts.forms import ActionForm
from portal.accounts.models import User
from portal.accounts.signin import devices, resets, services
from portal.accounts.signin import sessions as web_session
from portal.accounts.signin.forms import ForgotPasswordForm, PasswordResetForm, SignInForm
from portal.accounts.two_factor import services as two_factor
from portal.accounts.two_factor.forms import TotpForm
from portal.domain import ClientInfo
from portal.extensions import db, limiter
from portal.security import is_safe_next
from portal.web import client_info, transaction


def home_for(user: User) -> str:
    return url_for("staff.home") if user.is_staff else url_for("main.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"],
    exempt_when=web_session.is_trusted_for_form,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    result = None
    if form.validate_on_submit():
        client = client_info()
        result = services.check_sign_in(form.login_id.data.strip(), form.password.data, client,
                                        web_session.device_tokens())
        # Committed whatever the outcome (not transaction(), which would roll a refusal back):
        # a refused attempt keeps its audit event, which the growing delay counts.
        db.session.commit()
        if result.user is not None:
            return _password_accepted(result.user, client, form.next.data)
    form.password.data = ""
    failed = result is not None
    return render_template("accounts/sign_in.html", form=form, failed=failed, result=result), (
        401 if failed else 200
    )


def _password_accepted(user: User, client: ClientInfo, target: str | None):
    if user.two_factor_enabled:
        web_session.await_second_factor(user, target)
        return redirect(url_for("accounts.sign_in_code"))
    return _complete_sign_in(user, client, target)


def _complete_sign_in(user: User, client: ClientInfo, target: str | None):
    """Open the server-side session (after the password and, if on, the second factor)."""
    with transaction():
        token, device_token = services.sign_in_user(user, client, web_session.device_tokens())
    web_session.open_browser_session(user, token)
    response = redirect(target if is_safe_next(target) else home_for(user))
    return web_session.remember_device(response, device_token)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10/10 minutes", methods=["POST"], key_func=web_session.pending_second_factor_key)
def sign_in_code():
    """The second step of sign-in for accounts with two-factor sign-in (5 minutes)."""
    pending = web_session.pending_second_factor()  # None once older than 5 minutes
    user = services.second_factor_user(pending["user_id"]) if pending else None
    if user is None:
        if pending is None:
            flash(_("Please sign in again."), "info")
        web_session.forget_second_factor()
        return redirect(url_for("accounts.sign_in"))
    form = TotpForm()
    if form.validate_on_submit():
        client = client_info()
        try:
            kind = two_factor.verify(user, form.code.data, client)
        except AccountError as exc:
            db.session.commit()  # keeps the audit event of the refused code, and nothing else
            form.code.errors.append(exc.message)
        else:
            if kind == "recovery":
                flash(_("You signed in with a recovery code. %(n)d codes are left.",
                        n=two_factor.remaining_recovery_codes(user)), "info")
            return _complete_sign_in(user, client, pending.get("next"))
    form.code.data = ""
    return render_template("accounts/sign_in_code.html", form=form), (
        400 if request.method == "POST" else 200)


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    with transaction():
        services.sign_out(session.get(web_session.SESSION_KEY, ""), current_user, client_info())
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("5/10 minutes", methods=["POST"])
def password_forgot():
    """Ask for a reset link; the answer is the same whether or not the address exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with transaction():
            resets.request_reset(form.email.data, client_info())
        return render_template("accounts/password_forgot_sent.html")
    return render_template("accounts/password_forgot.html", form=form), (
        400 if request.method == "POST" else 200)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit("20/10 minutes", methods=["POST"])
def password_reset(token: str):
    try:
        reset = resets.find_reset(token)
    except AccountError as exc:
        code = 404 if exc.code == "reset_invalid" else 410
        return render_template("accounts/link_invalid.html", message=exc.message), code
    form = PasswordResetForm()
    if form.validate_on_submit():
        with transaction(form, field="password") as done:
            resets.complete_reset(reset, form.password.data, client_info())
        if done:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password was set. Please sign in with the new password."), "success")
            return redirect(url_for("accounts.sign_in"))
    form.password.data = form.password_confirm.data = ""
    return render_template("accounts/password_reset.html", form=form, user=reset.user), (
        400 if request.method == "POST" else 200)


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
    if form.target.data == "others":
        with transaction():
            n = services.end_other_sessions(current_user, current, client_info())
        flash(_("%(n)d other sessions were ended.", n=n), "success")
        return redirect(url_for("accounts.sessions"))
    if not (form.target.data or "").isdigit():
        abort(400)
    row = services.open_session_of(current_user, int(form.target.data)) or abort(404)
    with transaction():
        services.end_own_session(current_user, row, client_info())
    if current is not None and row.id == current.id:
        logout_user()
        session.clear()
        flash(_("This session was ended."), "success")
        return redirect(url_for("accounts.sign_in"))
    flash(_("The session was ended."), "success")
    return redirect(url_for("accounts.sessions"))
