"""The customer side of the provider's powers: the suspension page every signed-in request of
a suspended organization's users answers (a hook on the whole app), the admins'
「弊社による操作履歴」 page (the provider's actions, file measures included, and the views of
staff under support grants), the admins' support access grants (§24(1)③⑤), the §24(6) AI-training consent setting with its log, and the §6(1)
banner for a browser outside the recommended list (a template global and its dismiss form)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.billing import services as billing
from portal.clock import now_utc, today_jst
from portal.oversight import browsers, file_actions, services, support
from portal.oversight.forms import ConsentForm, DismissForm, RevokeGrantForm, SupportGrantForm
from portal.oversight.models import SupportGrant
from portal.i18n import jdatetime
from portal.pagination import page_number
from portal.rules.jst import JST
from portal.security import is_safe_next
from portal.web import get_for_org_or_404, require_admin, transaction

bp = Blueprint("oversight", __name__)
bp.before_request(require_admin)

SUSPENSION_EXEMPT = {"accounts.sign_out", "static", "main.language", "environment.dismiss_banner"}
"""What a suspended organization's users can still do: sign out (and switch the language of
the suspension page)."""


def suspension_gate():
    """`before_request` of the app: while the user's organization is suspended, every request
    answers the suspension page (403) — the reason where one is owed, else a neutral text; once
    the provider has terminated the contract, the termination page (403)."""
    if request.endpoint in SUSPENSION_EXEMPT or not current_user.is_authenticated:
        return None
    if current_user.is_staff:
        return None
    organization = current_user.organization  # loaded with the session: no query of its own
    status = organization.status if organization is not None else "terminated"
    if status == "active":
        return None
    latest = services.latest_action(current_user.organization_id)
    if status == "terminated":
        termination = latest if latest is not None and latest.kind == "terminate" else None
        final = billing.final_demand_for(current_user.organization_id, today_jst())
        return render_template("oversight/terminated.html", termination=termination,
                               final=final), 403
    suspension = latest if latest is not None and latest.kind == "suspend" else None
    return render_template("oversight/suspended.html", suspension=suspension), 403


@bp.route("/organization/provider-actions")
def provider_actions():
    org_id = current_user.organization_id
    pagination = services.actions_page(org_id, page_number(request.args.get("page")))
    views = support.views_page(org_id, 1, per_page=10)
    subjects, names = file_actions.names_of(pagination.items, views.items)
    return render_template("oversight/provider_actions.html", pagination=pagination, views=views,
                           subjects=subjects, names=names,
                           live=support.live_grants(org_id, now_utc()))


def _support_page(form, status=200):
    org_id = current_user.organization_id
    return render_template(
        "oversight/support_access.html", form=form, now=now_utc(),
        grants=support.grants_page(org_id, page_number(request.args.get("page"))),
        revoke_form=RevokeGrantForm()), status


@bp.route("/organization/support-access", methods=["GET", "POST"])
def support_access():
    """§24(1)③⑤: grant the provider's staff time-limited access for a support case."""
    form = SupportGrantForm()
    if form.validate_on_submit():
        custom = form.hours.data == "custom"
        with transaction(form, field="ends_at") as done:
            grant = support.grant_support(
                current_user.organization_id, case_reference=form.case_reference.data,
                description=form.description.data, hours=None if custom else int(form.hours.data),
                ends_at=_jst(form.ends_at.data) if custom else None, by=current_user,
                now=now_utc(), form_token=form.form_token.data)
        if done:
            flash(_("The provider's staff may view your registered data until %(time)s.",
                    time=jdatetime(grant.expires_at)), "success")
            return redirect(url_for("oversight.support_grant", grant_id=grant.id), 303)
    return _support_page(form, 400 if form.errors else 200)


def _jst(value):
    """A naive date and time entered in Japan time, as an aware datetime (None: none)."""
    return value.replace(tzinfo=JST) if value is not None else None


@bp.route("/organization/support-access/<int:grant_id>")
def support_grant(grant_id: int):
    grant = get_for_org_or_404(SupportGrant, grant_id, current_user.organization_id)
    views = support.views_page(grant.organization_id, page_number(request.args.get("page")),
                               grant_id=grant.id)
    subjects, names = file_actions.names_of(views=views.items)
    return render_template("oversight/support_grant.html", grant=grant, views=views, now=now_utc(),
                           subjects=subjects, names=names, revoke_form=RevokeGrantForm())


@bp.route("/organization/support-access/<int:grant_id>/revoke", methods=["POST"])
def support_revoke(grant_id: int):
    grant = get_for_org_or_404(SupportGrant, grant_id, current_user.organization_id)
    if RevokeGrantForm().validate_on_submit():
        with transaction() as done:
            support.revoke_grant(grant, by=current_user, now=now_utc())
        if done:
            flash(_("The access was ended. The provider's staff can no longer view your data."),
                  "success")
    return redirect(url_for("oversight.support_grant", grant_id=grant_id), 303)


@bp.route("/organization/ai-training", methods=["GET", "POST"])
def ai_training():
    """§24(6): the admins' consent to the use of registered data for training generative AI."""
    org_id = current_user.organization_id
    form = ConsentForm()
    if form.validate_on_submit():
        with transaction(form, field="consented") as done:
            services.set_ai_training_consent(org_id, bool(form.consented.data), by=current_user)
        if done:
            flash(_("Your choice was saved and logged."), "success")
            return redirect(url_for("oversight.ai_training"))
    elif request.method == "GET":
        form.consented.data = services.ai_training_consent(org_id)
    return render_template(
        "oversight/ai_training.html", form=form, consented=services.ai_training_consent(org_id),
        log=services.consent_log(org_id, page_number(request.args.get("page"))),
    ), 400 if form.errors else 200


# --- §6(1) the recommended-environment banner (every visitor, signed in or not) -------------

public = Blueprint("environment", __name__)


def environment_banner() -> bool:
    """Template global: show the gentle banner to a browser outside the recommended list."""
    if request.endpoint in (None, "static"):
        return False
    return browsers.needs_banner(request.user_agent.string,
                                 request.cookies.get(browsers.DISMISS_COOKIE) == "1")


@public.route("/environment/banner-dismiss", methods=["POST"])
def dismiss_banner():
    """Hide the banner for a year (a cookie; a plain form, so no script is needed)."""
    DismissForm().validate_on_submit() or abort(400)
    target = request.form.get("next", "")
    response = redirect(target if is_safe_next(target) else url_for("main.home"), code=303)
    response.set_cookie(browsers.DISMISS_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax",
                        secure=current_app.config["HTTPS"], httponly=True)
    return response
