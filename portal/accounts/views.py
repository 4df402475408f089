"""Sign-in (password, then the two-factor code), sign-out, the invitation page, and the
admin pages of the organization: users, invitations, user actions, two-factor requirement and
the organization details (§7(2)). Thin views over services."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from sqlalchemy.exc import IntegrityError

from portal.accounts.blueprint import bp
from portal.accounts import devices, invitations, misuse, organizations, resets, services, two_factor
from portal.accounts.forms import (
    AcceptInvitationForm,
    ActionForm,
    InviteForm,
    OrganizationContactForm,
    OrganizationIdentityForm,
    RoleForm,
    SignInForm,
    TotpForm,
)
from portal.accounts.messages import error_text
from portal.accounts.models import Invitation, User
from portal.accounts.services import AccountError
from portal.clock import now_utc
from portal.contracts.quotas import QuotaExceeded
from portal.accounts.sessions import SESSION_KEY
from portal.web import client_info
from portal.web import get_for_org_or_404
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
    result = None
    if form.validate_on_submit():
        client = client_info()
        result = services.check_sign_in(form.login_id.data.strip(), form.password.data, client)
        user = result.user
        if user is not None and user.two_factor_enabled:
            db.session.commit()
            session.clear()
            session[PENDING_2FA_KEY] = {"user_id": user.id, "at": int(now_utc().timestamp()),
                                        "next": form.next.data or ""}
            return redirect(url_for("accounts.sign_in_code"))
        if user is not None:
            return _complete_sign_in(user, client, form.next.data)
        db.session.commit()  # keeps the audit event of the failure
        failed = True
    form.password.data = ""
    return render_template("accounts/sign_in.html", form=form, failed=failed, result=result), (
        200 if not failed else 401
    )


def _complete_sign_in(user: User, client, target: str | None):
    """Open the server-side session (after the password and, if on, the second factor)."""
    devices.alert_if_new_device(user, client)
    token = services.start_session(user, client)
    db.session.commit()
    session.clear()
    session[SESSION_KEY] = token
    login_user(user)
    return redirect(target if is_safe_next(target) else home_for(user))


PENDING_2FA_KEY = "pending_2fa"
PENDING_2FA_LIFETIME = 300


def _pending_2fa_key() -> str:
    pending = session.get(PENDING_2FA_KEY) or {}
    return "2fa:" + str(pending.get("user_id", request.remote_addr))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10/10 minutes", methods=["POST"], key_func=_pending_2fa_key)
def sign_in_code():
    """The second step of sign-in for accounts with two-factor sign-in (5 minutes)."""
    pending = session.get(PENDING_2FA_KEY)
    if not pending or now_utc().timestamp() - pending.get("at", 0) > PENDING_2FA_LIFETIME:
        session.pop(PENDING_2FA_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.sign_in"))
    user = db.session.get(User, pending["user_id"])
    if user is None or not user.is_active or not user.two_factor_enabled:
        session.pop(PENDING_2FA_KEY, None)
        return redirect(url_for("accounts.sign_in"))
    form = TotpForm()
    status = 200
    if form.validate_on_submit():
        client = client_info()
        try:
            kind = two_factor.verify(user, form.code.data, client)
        except AccountError as exc:
            db.session.commit()  # keeps the audit event and nothing else
            form.code.errors.append(error_text(exc.code))
            status = 400
        else:
            if kind == "recovery":
                flash(_("You signed in with a recovery code. %(n)d codes are left.",
                        n=two_factor.remaining_recovery_codes(user)), "info")
            return _complete_sign_in(user, client, pending.get("next"))
    elif request.method == "POST":
        status = 400
    form.code.data = ""
    return render_template("accounts/sign_in_code.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    services.sign_out(session.get(SESSION_KEY, ""), current_user, client_info())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.sign_in"))


def _require_customer_admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    """The organization's users (searchable) and invitations; POST invites an address."""
    _require_customer_admin()
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitation, _token = invitations.create_invitation(
                current_user.organization,
                email=form.email.data,
                role=form.role.data,
                login_id=form.login_id.data,
                name=form.name.data or "",
                invited_by=current_user,
                locale=current_user.locale or "ja",
            )
        except AccountError as exc:
            if exc.code == "invitation_just_sent":  # a double submit: the first one stands
                db.session.rollback()
                return redirect(url_for("accounts.users"))
            _field_error(form, {"email_taken": "email", "login_id_taken": "login_id"}.get(exc.code, "email"), exc)
            status = 400
        except QuotaExceeded as exc:
            form.email.errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            flash(_("An invitation was sent to %(email)s. The link is valid for 7 days.", email=invitation.email), "success")
            return redirect(url_for("accounts.users"))
    elif request.method == "POST":
        status = 400
    q = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    pagination = services.search_organization_users(current_user.organization_id, q=q, page=page)
    return render_template(
        "accounts/users.html",
        pagination=pagination,
        q=q,
        form=form,
        invitations=invitations.organization_invitations(current_user.organization_id),
        action_form=ActionForm(),
        now=now_utc(),
    ), status


@bp.route("/users/invitations", methods=["POST"])
@login_required
def invitation_action():
    """Cancel or resend an invitation of the admin's organization (ID in the form body)."""
    _require_customer_admin()
    form = ActionForm()
    if not form.validate_on_submit() or not (form.target.data or "").isdigit():
        abort(400)
    invitation = get_for_org_or_404(Invitation, int(form.target.data), current_user.organization_id)
    action = request.form.get("action")
    try:
        if action == "cancel":
            invitations.cancel_invitation(invitation, by=current_user)
            message = _("The invitation was cancelled; its link no longer works.")
        elif action == "resend":
            invitations.resend_invitation(invitation, by=current_user)
            message = _("A new invitation was sent; the previous link no longer works.")
        else:
            abort(400)
    except AccountError as exc:
        flash(error_text(exc.code), "error")
        return redirect(url_for("accounts.users"))
    except QuotaExceeded as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.users"))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("accounts.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_detail(user_id: int):
    """One user of the organization; POST runs one admin action (role, deactivate,
    reactivate, force a password reset, unlock) named by the form's `action`."""
    _require_customer_admin()
    user = get_for_org_or_404(User, user_id, current_user.organization_id)
    role_form = RoleForm(role=user.role)
    action_form = ActionForm()
    if request.method == "POST":
        action = request.form.get("action", "")
        valid = role_form.validate_on_submit() if action == "role" else action_form.validate_on_submit()
        if not valid:
            abort(400)
        client = client_info()
        try:
            if action == "role":
                services.change_role(user, role_form.role.data, by=current_user, client=client)
                message = _("The role was changed.")
            elif action == "deactivate":
                services.deactivate_user(user, by=current_user, client=client)
                message = _("The account was deactivated and its sessions were ended.")
            elif action == "reactivate":
                services.reactivate_user(user, by=current_user, client=client)
                message = _("The account was reactivated.")
            elif action == "force_reset":
                resets.force_reset(user, by=current_user, client=client)
                message = _("A password reset is now required; a reset link was sent to the user.")
            elif action == "unlock":
                misuse.unlock_account(user, by=current_user, client=client)
                message = _("The account was unlocked. The user must set a new password through a reset link.")
            else:
                abort(400)
        except AccountError as exc:
            db.session.rollback()
            flash(error_text(exc.code), "error")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        except QuotaExceeded as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template(
        "accounts/user_detail.html", user=user, role_form=role_form, action_form=action_form,
        open_report=misuse.open_report_of(user),
    )


def _field_error(form, field_name: str, exc: AccountError) -> None:
    getattr(form, field_name).errors.append(error_text(exc.code))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("30/10 minutes", methods=["POST"])
def accept_invitation(token: str):
    """The invitee's page: choose login ID (unless preset), name and password, accept the
    terms and, for a PRus organization, declare residence in Japan (§31(5))."""
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render_template("accounts/invitation_invalid.html", reason="unknown"), 404
    state = invitation.status(now_utc())
    if state != "pending":
        return render_template("accounts/invitation_invalid.html", reason=state), 410
    prus = invitations.has_prus_contract(invitation.organization_id)
    form = AcceptInvitationForm(name=invitation.name)
    refusal = None
    status = 200
    if form.validate_on_submit():
        client = client_info()
        try:
            user = invitations.accept_invitation(
                invitation,
                login_id=form.login_id.data,
                name=form.name.data,
                password=form.password.data,
                terms_accepted=form.accept_terms.data,
                residence_declared=prus and form.residence.data,
                client=client,
            )
            session_token = services.start_session(user, client)
            db.session.commit()
        except AccountError as exc:
            db.session.rollback()
            target = {
                "login_id_taken": "login_id", "login_id_required": "login_id",
                "terms_not_accepted": "accept_terms", "residence_required": "residence",
            }.get(exc.code, "password")
            _field_error(form, target, exc)
            if exc.code == "residence_required":
                refusal = exc
            status = 400
        except IntegrityError:  # a double submit, or the login ID taken a moment ago
            db.session.rollback()
            form.login_id.errors.append(error_text("login_id_taken"))
            status = 400
        else:
            session.clear()
            session[SESSION_KEY] = session_token
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(url_for("main.home"))
    elif request.method == "POST":
        status = 400
    form.password.data = form.password_confirm.data = ""
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation, prus=prus,
        refusal=refusal, terms_version=invitations.current_terms_version(),
    ), status


@bp.route("/users/two-factor", methods=["POST"])
@login_required
def organization_two_factor():
    """Admins require (or stop requiring) two-factor sign-in for the whole organization."""
    _require_customer_admin()
    form = ActionForm()
    if not form.validate_on_submit() or form.target.data not in ("on", "off"):
        abort(400)
    services.set_require_two_factor(current_user.organization, form.target.data == "on",
                                    by=current_user, client=client_info())
    db.session.commit()
    flash(_("Two-factor sign-in is now required for everyone in your organization.")
          if form.target.data == "on" else _("Two-factor sign-in is no longer required."), "success")
    return redirect(url_for("accounts.users"))


@bp.route("/organization", methods=["GET", "POST"])
@login_required
def organization():
    """The organization's details (§7(2)): contact fields change at once (form "contact");
    the corporate name and representative are a request staff approve (form "identity")."""
    _require_customer_admin()
    org = current_user.organization
    contact_form = OrganizationContactForm(obj=org if request.method == "GET" else None)
    identity_form = OrganizationIdentityForm(obj=org if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        client = client_info()
        which = request.form.get("form")
        if which == "contact" and contact_form.validate_on_submit():
            changed = organizations.update_contact(org, contact_form.data, by=current_user, client=client)
            db.session.commit()
            flash(_("The contact details were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("accounts.organization"))
        if which == "identity" and identity_form.validate_on_submit():
            try:
                organizations.request_identity_change(
                    org, name=identity_form.name.data, name_kana=identity_form.name_kana.data or "",
                    representative_name=identity_form.representative_name.data or "",
                    reason=identity_form.reason.data or "", by=current_user, client=client)
            except AccountError as exc:
                db.session.rollback()
                identity_form.name.errors.append(error_text(exc.code))
            else:
                db.session.commit()
                flash(_("Your request was sent. The change takes effect when the provider approves it."), "success")
                return redirect(url_for("accounts.organization"))
        if which not in ("contact", "identity"):
            abort(400)
        status = 400
        if which == "contact":
            identity_form = OrganizationIdentityForm(formdata=None, obj=org)
        else:
            contact_form = OrganizationContactForm(formdata=None, obj=org)
    return render_template(
        "accounts/organization.html", org=org, contact_form=contact_form, identity_form=identity_form,
        pending=organizations.pending_request(org), history=organizations.history(org),
        requests=organizations.requests(org),
    ), status
