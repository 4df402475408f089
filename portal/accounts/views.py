"""Sign-in, sign-out and the organization's user pages (thin views over services)."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, services
from portal.accounts.forms import SignInForm
from portal.accounts.models import User
from portal.accounts.sessions import SESSION_KEY, client_info
from portal.db import get_for_org_or_404
from portal.extensions import db, limiter
from portal.security import is_safe_next


def home_for(user: User) -> str:
    return url_for("staff.home") if user.is_staff else url_for("main.home")


def _login_id_key() -> str:
    return "login-id:" + (request.form.get("login_id") or "").strip().lower()[:64]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_ADDRESS"], methods=["POST"]
)
@limiter.limit(
    lambda: current_app.config["SIGNIN_LIMIT_PER_LOGIN_ID"],
    methods=["POST"],
    key_func=_login_id_key,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    failed = False
    if form.validate_on_submit():
        client = client_info()
        user = services.authenticate(form.login_id.data.strip(), form.password.data, client)
        if user is not None:
            token = services.start_session(user, client)
            db.session.commit()
            session.clear()
            session[SESSION_KEY] = token
            login_user(user)
            target = form.next.data
            return redirect(target if is_safe_next(target) else home_for(user))
        db.session.commit()  # keeps the audit event of the failure
        failed = True
    form.password.data = ""
    return render_template("accounts/sign_in.html", form=form, failed=failed), (
        200 if not failed else 401
    )


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    services.sign_out(session.get(SESSION_KEY, ""), current_user, client_info())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account")
@login_required
def account():
    return render_template("accounts/account.html", user=current_user, user_session=g.get("user_session"))


def _require_customer_admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/users")
@login_required
def users():
    _require_customer_admin()
    page = request.args.get("page", 1, type=int)
    pagination = services.organization_users(current_user.organization_id, page=page)
    return render_template("accounts/users.html", pagination=pagination)


@bp.route("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    _require_customer_admin()
    user = get_for_org_or_404(User, user_id, current_user.organization_id)
    return render_template("accounts/user_detail.html", user=user)
