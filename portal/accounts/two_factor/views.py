"""Two-factor sign-in pages on the accounts blueprint: the user's set-up (QR code, first code,
recovery codes), turning it off, renewing the recovery codes, the admins' switch that requires
it for the whole organization, and the gate that sends users of such an organization to the
set-up page until they have done it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.blueprint import bp
from portal.accounts.forms import ActionForm
from portal.accounts.two_factor import services
from portal.accounts.two_factor.forms import ConfirmPasswordForm, TotpForm
from portal.web import admin_required, client_info, transaction

SETUP_SECRET_KEY = "totp_setup_secret"
# Pages a user of an organization that requires two-factor sign-in can still open before
# setting it up.
TWO_FACTOR_EXEMPT = {
    "accounts.two_factor_setup", "accounts.sign_out", "accounts.account", "main.language",
    "static", "terms.current", "terms.version", "main.privacy", "main.environment",
    "accounts.misuse_report_new",
}


# What a staff member without two-factor sign-in can open: nothing of the console.
STAFF_TWO_FACTOR_EXEMPT = {"accounts.two_factor_setup", "accounts.sign_out", "main.language",
                           "static"}


@bp.before_app_request
def require_two_factor_set_up():
    """Staff (always) and the users of an organization that requires two-factor sign-in are
    sent to the set-up page first until they have set it up."""
    if not services.must_set_up(current_user):
        return None
    exempt = STAFF_TWO_FACTOR_EXEMPT if current_user.is_staff else TWO_FACTOR_EXEMPT
    if request.endpoint in exempt or request.endpoint is None:
        return None
    flash(_("Staff accounts must use two-factor sign-in. Please set it up to continue.")
          if current_user.is_staff else
          _("Your organization requires two-factor sign-in. Please set it up to continue."), "info")
    return redirect(url_for("accounts.two_factor_setup"))


def _setup_secret() -> str:
    """The secret being set up, kept in the signed session until the first code matches."""
    secret = session.get(SETUP_SECRET_KEY)
    if not secret:
        secret = session[SETUP_SECRET_KEY] = services.new_secret()
    return secret


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Set up TOTP: scan the QR code (inline SVG), confirm one code, note the recovery codes."""
    if current_user.two_factor_enabled:
        return render_template("accounts/two_factor.html", enabled=True, form=ConfirmPasswordForm(),
                               recovery_left=services.remaining_recovery_codes(current_user))
    secret = _setup_secret()
    form = TotpForm()
    if form.validate_on_submit():
        with transaction(form, field="code") as done:
            codes = services.enable(current_user, secret, form.code.data, client_info())
        if done:
            session.pop(SETUP_SECRET_KEY, None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/recovery_codes.html", codes=codes)
    form.code.data = ""
    uri = services.provisioning_uri(current_user, secret)
    return render_template("accounts/two_factor.html", enabled=False, form=form,
                           qr=services.qr_svg(uri), secret=secret), (
        400 if request.method == "POST" else 200)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    form = ConfirmPasswordForm()
    password = form.current_password.data if form.validate_on_submit() else None
    with transaction() as done:
        services.disable(current_user, password, client_info())
    if not done:
        return redirect(url_for("accounts.two_factor_setup"))
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def recovery_codes_renew():
    form = ConfirmPasswordForm()
    password = form.current_password.data if form.validate_on_submit() else None
    with transaction() as done:
        codes = services.renew_recovery_codes(current_user, password, client_info())
    if not done:
        return redirect(url_for("accounts.two_factor_setup"))
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/users/two-factor", methods=["POST"])
@admin_required
def organization_two_factor():
    """Admins require (or stop requiring) two-factor sign-in for the whole organization."""
    form = ActionForm()
    if not form.validate_on_submit() or form.target.data not in ("on", "off"):
        abort(400)
    with transaction():
        services.set_require_two_factor(current_user.organization, form.target.data == "on",
                                        by=current_user, client=client_info())
    flash(_("Two-factor sign-in is now required for everyone in your organization.")
          if form.target.data == "on" else _("Two-factor sign-in is no longer required."),
          "success")
    return redirect(url_for("accounts.users"))
