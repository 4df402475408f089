"""Customer home page, language switch and public information pages."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal.billing import services as billing
from portal.clock import today_jst
from portal.i18n import LANG_COOKIE
from portal.oversight.browsers import recommended
from portal.security import is_safe_next
from portal.web import transaction

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    if current_user.is_staff:
        return redirect(url_for("staff.home"))
    summary = (billing.summary(current_user.organization_id, today_jst())
               if current_user.is_admin else None)
    return render_template("main/home.html", organization=current_user.organization,
                           summary=summary)


@bp.route("/language/<code>")
def language(code: str):
    """Remember the chosen language (cookie, and the user's profile when signed in)."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    target = request.args.get("next", "")
    response = redirect(target if is_safe_next(target) else url_for("main.home"))
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["HTTPS"],
        httponly=True,
    )
    if current_user.is_authenticated and current_user.locale != code:
        with transaction():
            current_user.locale = code
    return response


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/environment")
def environment():
    return render_template("main/environment.html", browsers=recommended())
