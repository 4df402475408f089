"""The signed-in user's own account on the accounts blueprint: the account page (profile,
two-factor status, this session), saving the name and asking for a new email address,
opening the email confirmation link, and changing the password."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.blueprint import bp
from portal.accounts.errors import AccountError
from portal.accounts.profile import services
from portal.accounts.profile.forms import PasswordChangeForm, ProfileForm
from portal.accounts.two_factor.services import remaining_recovery_codes
from portal.web import client_info, transaction


def _account_page(profile_form: ProfileForm) -> str:
    return render_template(
        "accounts/account.html", user=current_user, user_session=g.get("user_session"),
        profile_form=profile_form, recovery_left=remaining_recovery_codes(current_user),
    )


@bp.route("/account")
@login_required
def account():
    return _account_page(ProfileForm(name=current_user.name, email=current_user.email))


@bp.route("/account/profile", methods=["POST"])
@login_required
def profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(form), 400
    with transaction():
        name_saved, email_sent = services.update_profile(
            current_user, name=form.name.data, email=form.email.data, client=client_info())
    if name_saved:
        flash(_("Your name was saved."), "success")
    if email_sent:
        flash(_("We sent a confirmation link to %(email)s. The new address is used once you "
                "open it.", email=form.email.data.strip()), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/email/<token>")
def confirm_email(token: str):
    try:
        change = services.find_email_change(token)
    except AccountError as exc:
        return render_template("accounts/link_invalid.html", message=exc.message), 410
    with transaction():
        services.confirm_email_change(change, client_info())
    flash(_("Your email address was changed."), "success")
    return redirect(url_for("accounts.account") if current_user.is_authenticated
                    else url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with transaction(form, field="password") as done:
            ended = services.change_password(current_user, form.current_password.data,
                                             form.password.data, client_info(),
                                             keep=g.get("user_session"))
        if done:
            flash(_("Your password was changed. %(n)d other sessions were ended.", n=ended),
                  "success")
            return redirect(url_for("accounts.account"))
    form.current_password.data = form.password.data = form.password_confirm.data = ""
    return render_template("accounts/password_change.html", form=form), (
        400 if request.method == "POST" else 200)
