"""The organization's users, for its admins: the searchable list with the invitations and the
invite form, cancelling and resending an invitation, one user's page with the admin actions;
and the invitee's page that creates the account (§31(5), §2(1)). On the accounts blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.blueprint import bp
from portal.accounts.forms import ActionForm
from portal.accounts.misuse import services as misuse
from portal.accounts.models import Invitation, User
from portal.accounts.signin import services as signin
from portal.accounts.signin.sessions import open_browser_session
from portal.accounts.users import invitations, services
from portal.accounts.users.forms import AcceptInvitationForm, InviteForm, RoleForm
from portal.clock import now_utc
from portal.extensions import limiter
from portal.web import admin_required, client_info, get_for_org_or_404, report_error, transaction

ACTION_DONE = {
    "role": _l("The role was changed."),
    "deactivate": _l("The account was deactivated and its sessions were ended."),
    "reactivate": _l("The account was reactivated."),
    "force_reset": _l("A password reset is now required; a reset link was sent to the user."),
    "unlock": _l("The account was unlocked. The user must set a new password through a "
                 "reset link."),
}
"""What the user page says after each of `services.ADMIN_ACTIONS`."""


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    """The organization's users (searchable) and invitations; POST invites an address."""
    form = InviteForm()
    if form.validate_on_submit():
        with transaction(form, field="email") as done:
            invitation = invitations.invite(
                current_user, email=form.email.data, role=form.role.data,
                login_id=form.login_id.data, name=form.name.data or "")
        if done:
            if invitation is not None:  # None: the same form sent twice, the first one stands
                flash(_("An invitation was sent to %(email)s. The link is valid for 7 days.",
                        email=invitation.email), "success")
            return redirect(url_for("accounts.users"))
    return _users_page(form), 400 if request.method == "POST" else 200


def _users_page(form: InviteForm) -> str:
    q = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    return render_template(
        "accounts/users.html",
        pagination=services.search_organization_users(current_user.organization_id, q=q, page=page),
        q=q,
        form=form,
        invitations=invitations.organization_invitations(current_user.organization_id),
        action_form=ActionForm(),
        now=now_utc(),
    )


@bp.route("/users/invitations", methods=["POST"])
@admin_required
def invitation_action():
    """Cancel or resend an invitation of the admin's organization (ID in the form body)."""
    form = ActionForm()
    if not form.validate_on_submit() or not (form.target.data or "").isdigit():
        abort(400)
    invitation = get_for_org_or_404(Invitation, int(form.target.data), current_user.organization_id)
    action = request.form.get("action")
    if action not in ("cancel", "resend"):
        abort(400)
    with transaction() as done:
        if action == "cancel":
            invitations.cancel_invitation(invitation, by=current_user)
        else:
            invitations.resend_invitation(invitation, by=current_user)
    if done:
        flash(_("The invitation was cancelled; its link no longer works.") if action == "cancel"
              else _("A new invitation was sent; the previous link no longer works."), "success")
    return redirect(url_for("accounts.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_detail(user_id: int):
    """One user of the organization; POST runs one admin action (role, deactivate,
    reactivate, force a password reset, unlock) named by the form's `action`."""
    user = get_for_org_or_404(User, user_id, current_user.organization_id)
    role_form = RoleForm(role=user.role)
    if request.method == "GET":
        return _detail_page(user, role_form)
    action = request.form.get("action", "")
    if not (role_form if action == "role" else ActionForm()).validate_on_submit():
        abort(400)
    if action not in services.ADMIN_ACTIONS:
        abort(400)
    if action == "deactivate" and request.form.get("confirmed") != "1":
        return _detail_page(user, role_form, confirm_deactivate=True)  # says what happens first
    with transaction() as done:
        services.apply_admin_action(user, action, role=role_form.role.data, by=current_user,
                                    client=client_info())
    if done:
        flash(str(ACTION_DONE[action]), "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


def _detail_page(user: User, role_form: RoleForm, *, confirm_deactivate: bool = False):
    return render_template("accounts/user_detail.html", user=user, role_form=role_form,
                           action_form=ActionForm(), open_report=misuse.open_report_of(user),
                           confirm_deactivate=confirm_deactivate)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("30/10 minutes", methods=["POST"])
def accept_invitation(token: str):
    """The invitee's page: choose login ID (unless preset), name and password, accept the
    terms and, for a PRus organization, declare residence in Japan (§31(5))."""
    invitation = invitations.find_invitation(token)
    state = invitation.status(now_utc()) if invitation is not None else "unknown"
    if state != "pending":
        return render_template("accounts/invitation_invalid.html", reason=state), (
            404 if invitation is None else 410)
    prus = invitations.has_prus_contract(invitation.organization_id)
    form = AcceptInvitationForm(name=invitation.name)
    form.login_id.flags.required = invitation.login_id is None
    refusal = None
    if form.validate_on_submit() and not _show_problems(invitation, form, prus):
        done = _create_account(invitation, form, prus)
        if done:
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("main.home"))
    elif request.method == "POST":
        _show_problems(invitation, form, prus)
    if form.residence.errors:
        refusal = invitations.RESIDENCE_CLAUSE
    form.password.data = form.password_confirm.data = ""
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation, prus=prus,
        refusal=refusal, terms_version=invitations.current_terms_version(),
    ), 400 if request.method == "POST" else 200


def _show_problems(invitation: Invitation, form: AcceptInvitationForm, prus: bool) -> bool:
    """Put every refusal of the acceptance next to its field (one submit shows them all),
    except where the form's own check already said something. True when there was one."""
    shown = {name for name, errors in form.errors.items() if errors}
    problems = invitations.acceptance_problems(
        invitation, login_id=form.login_id.data, name=form.name.data or "",
        password=form.password.data or "", terms_accepted=bool(form.accept_terms.data),
        residence_declared=prus and bool(form.residence.data))
    for problem in problems:
        if problem.field not in shown:
            report_error(problem, form, field="password")
    return bool(problems or shown)


def _create_account(invitation: Invitation, form: AcceptInvitationForm, prus: bool):
    """Create the account and sign the new user in; the `transaction` outcome (a refusal is
    shown next to its field, the others next to the password)."""
    client = client_info()
    with transaction(form, field="password") as done:
        user = invitations.accept_invitation(
            invitation, login_id=form.login_id.data, name=form.name.data,
            password=form.password.data, terms_accepted=form.accept_terms.data,
            residence_declared=prus and form.residence.data, client=client)
        session_token = signin.start_session(user, client)
    if done:
        open_browser_session(user, session_token)
    return done
