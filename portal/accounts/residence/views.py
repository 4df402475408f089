"""The residence declaration page (/account/residence) and the gate before every request that
sends a user who must declare (§31(5)) there first; sign-out, the terms and the two-factor
set-up stay reachable."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.accounts.blueprint import bp
from portal.accounts.residence import services
from portal.accounts.users.forms import ResidenceForm
from portal.clock import today_jst
from portal.web import client_info, transaction

SESSION_KEY = "residence_checked"
"""User id and day of the last check that found nothing to declare: an ordinary request runs
no query; a new sign-in (another user) or a new day in Japan checks again."""

RESIDENCE_EXEMPT = {
    "accounts.residence", "accounts.sign_out", "accounts.two_factor_setup", "main.language",
    "static", "terms.current", "terms.version", "main.privacy", "main.environment",
    "accounts.misuse_report_new",
}


@bp.before_app_request
def require_residence_declaration():
    """Users of a PRus organization who have not declared residence in Japan declare first."""
    if request.endpoint in RESIDENCE_EXEMPT or request.endpoint is None:
        return None
    if not current_user.is_authenticated or current_user.is_staff:
        return None
    mark = f"{current_user.id}:{today_jst().isoformat()}"
    if session.get(SESSION_KEY) == mark:
        return None
    if not services.must_declare(current_user):
        session[SESSION_KEY] = mark
        return None
    return redirect(url_for("accounts.residence"))


@bp.route("/account/residence", methods=["GET", "POST"])
@login_required
def residence():
    if not services.must_declare(current_user):
        return redirect(url_for("main.home"))
    form = ResidenceForm()
    if form.validate_on_submit():
        with transaction(form, field="residence") as done:
            services.declare(current_user, bool(form.residence.data), client=client_info())
        if done:
            flash(_("Thank you. Your residence in Japan was recorded."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/residence.html", form=form), (
        400 if request.method == "POST" else 200)
