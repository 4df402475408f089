"""Invitations: how every customer user gets an account (SPEC §3.6, §3.1, §31(5), §9(1)).

A customer admin (or the provider, for an organization's first admin) invites an address;
the invitee opens the single-use link (7 days), chooses a login ID if none was preset, a
name and a password, accepts the current terms version, and — when the organization has an
IMAGE WORKS PRus contract — declares residence in Japan (§31(5)). Links carry a random
`secrets.token_urlsafe(32)` token (256 bits); only its SHA-256 is stored. Pending
invitations count against the users quota (§9(1)); one pending invitation per address and
organization is a partial unique index, and a resend cancels the old link.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy.exc import IntegrityError

from portal.accounts import hooks
from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.models import ROLES, Invitation, Organization, User
from portal.accounts.password_policy import check_new_password
from portal.accounts.users.services import create_user
from portal.clock import now_utc, today_jst
from portal.contracts import services as contract_services
from portal.contracts.quotas import check_quota
from portal.domain import ClientInfo
from portal.extensions import db
from portal.mail import queue_mail
from portal.tokens import token_hash
from portal.web import client_info, external_url

INVITATION_LIFETIME = timedelta(days=7)
DOUBLE_SUBMIT_WINDOW = timedelta(seconds=30)
RESIDENCE_CLAUSE = "§31(5)"


def _client() -> ClientInfo:
    return client_info() if has_request_context() else ClientInfo()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_users_quota(organization_id: int) -> None:
    """One more user (an invitation counts as one) must fit the plan (§9(1)); raises
    portal.contracts.quotas.QuotaExceeded."""
    check_quota(organization_id, "users", adding=1)


def has_prus_contract(organization_id: int) -> bool:
    """Whether users of the organization must declare residence in Japan (§31(5))."""
    return contract_services.has_prus_contract(organization_id)


def create_invitation(
    organization: Organization,
    *,
    email: str,
    role: str,
    login_id: str | None = None,
    name: str = "",
    invited_by: User | None = None,
    locale: str = "ja",
    replace_recent: bool = False,
) -> tuple[Invitation, str]:
    """Invite `email` to `organization`; returns (invitation, raw token for the link).

    A pending (or expired, never used) invitation for the same address is cancelled and
    replaced — except an identical one sent less than 30 s ago (a double submit), which
    raises "invitation_just_sent" unless `replace_recent`. Errors: AccountError
    "invalid_role", "email_taken" (field "email": a user of the organization already has the
    address), "login_id_taken" (field "login_id": a user or another pending invitation has
    it); QuotaExceeded (§9(1)). The invitation mail is queued in the same transaction.
    """
    if role not in ROLES:
        raise AccountError("invalid_role")
    email = normalize_email(email)
    login_id = (login_id or "").strip() or None
    now = now_utc()
    if db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.organization_id == organization.id, sa.func.lower(User.email) == email
        )
    ):
        raise AccountError("email_taken", field="email")
    if login_id is not None:
        _check_login_id_free(login_id, except_email=email, organization_id=organization.id)
    replaced = db.session.scalars(
        sa.select(Invitation).where(
            Invitation.organization_id == organization.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.cancelled_at.is_(None),
        )
    ).all()
    if not replace_recent and any(
        now - old.created_at < DOUBLE_SUBMIT_WINDOW and (old.role, old.login_id) == (role, login_id)
        for old in replaced
    ):
        # The same form sent twice (a double click): the first invitation stands.
        raise AccountError("invitation_just_sent")
    for old in replaced:
        old.cancelled_at = now
    db.session.flush()
    check_users_quota(organization.id)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=organization.id,
        email=email,
        login_id=login_id,
        role=role,
        name=name.strip(),
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        invited_by_id=invited_by.id if invited_by else None,
    )
    db.session.add(invitation)
    db.session.flush()
    queue_mail(
        "invitation",
        email,
        "invitation",
        locale=locale,
        organization_id=organization.id,
        organization=organization,
        invitation=invitation,
        invited_by=invited_by,
        link=invitation_link(token),
        secret_fields=("link",),
    )
    record_event(
        "invitation_created",
        _client(),
        user=invited_by,
        invitation_id=invitation.id,
        organization_id=organization.id,
        email=email,
        role=role,
        replaced=[old.id for old in replaced],
    )
    return invitation, token


def invite(admin: User, *, email: str, role: str, login_id: str | None, name: str) -> Invitation | None:
    """An admin invites an address to their own organization (the users page), the mail in
    the admin's language. Returns the invitation, or None when the same form was just sent (a
    double submit: the first invitation stands and nothing changes). Errors: those of
    `create_invitation` but "invitation_just_sent"."""
    try:
        invitation, _token = create_invitation(
            admin.organization, email=email, role=role, login_id=login_id, name=name,
            invited_by=admin, locale=admin.locale or "ja")
    except AccountError as exc:
        if exc.code == "invitation_just_sent":
            return None
        raise
    return invitation


def invitation_link(token: str) -> str:
    return external_url("accounts.accept_invitation", token=token)


def _check_login_id_free(login_id: str, *, except_email: str | None, organization_id: int) -> None:
    if db.session.scalar(sa.select(sa.func.count(User.id)).where(User.login_id == login_id)):
        raise AccountError("login_id_taken", field="login_id")
    stmt = sa.select(sa.func.count(Invitation.id)).where(
        Invitation.login_id == login_id,
        Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None),
        Invitation.expires_at > now_utc(),
    )
    if except_email is not None:
        stmt = stmt.where(
            sa.not_(
                sa.and_(Invitation.email == except_email, Invitation.organization_id == organization_id)
            )
        )
    if db.session.scalar(stmt):
        raise AccountError("login_id_taken", field="login_id")


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose link carries `token`, in any state; None when unknown."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == token_hash(token)))


def cancel_invitation(invitation: Invitation, *, by: User) -> None:
    """The link stops working. Errors: AccountError invitation_not_pending."""
    if invitation.status(now_utc()) != "pending":
        raise AccountError("invitation_not_pending")
    invitation.cancelled_at = now_utc()
    record_event("invitation_cancelled", _client(), user=by, invitation_id=invitation.id)


def resend_invitation(invitation: Invitation, *, by: User) -> tuple[Invitation, str]:
    """A new link for the same address and settings; the old link stops working.
    Errors: AccountError invitation_not_pending (accepted), those of `create_invitation`."""
    if invitation.accepted_at is not None:
        raise AccountError("invitation_not_pending")
    return create_invitation(
        invitation.organization,
        email=invitation.email,
        role=invitation.role,
        login_id=invitation.login_id,
        name=invitation.name,
        invited_by=by,
        locale=by.locale or "ja",
        replace_recent=True,
    )


def organization_invitations(organization_id: int, *, limit: int = 200) -> list[Invitation]:
    """The organization's invitations, newest first (pending, expired, accepted, cancelled)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.organization_id == organization_id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
            .limit(limit)
        )
    )


def accept_invitation(
    invitation: Invitation,
    *,
    login_id: str | None,
    name: str,
    password: str,
    terms_accepted: bool,
    residence_declared: bool,
    client: ClientInfo,
) -> User:
    """Create the invitee's account from a pending invitation.

    Errors (AccountError, each with its form field): invitation_expired / invitation_used /
    invitation_cancelled, login_id_required, terms_not_accepted (§2(1)), residence_required
    (§31(5), when the organization has an IMAGE WORKS PRus contract), login_id_taken (also
    when the database refuses the row: a double submit, or the ID taken a moment ago), the
    password policy's codes ("password_too_short", …). The invitation is marked accepted, the
    terms acceptance recorded and an audit event written; the caller commits and signs the
    user in.
    """
    status = invitation.status(now_utc())
    if status != "pending":
        raise AccountError({"expired": "invitation_expired", "accepted": "invitation_used"}.get(
            status, "invitation_cancelled"))
    problems = acceptance_problems(invitation, login_id=login_id, name=name, password=password,
                                   terms_accepted=terms_accepted,
                                   residence_declared=residence_declared)
    if problems:
        raise problems[0]
    login_id = (invitation.login_id or (login_id or "").strip())
    try:
        return _join(invitation, login_id, name, password, residence_declared, client)
    except IntegrityError:  # a double submit, or the login ID taken a moment ago
        raise AccountError("login_id_taken", field="login_id") from None


def acceptance_problems(invitation: Invitation, *, login_id: str | None, name: str,
                        password: str, terms_accepted: bool,
                        residence_declared: bool) -> list[AccountError]:
    """Every refusal of an invitation's acceptance at once, each with its field, in the form's
    order ([] when it can be accepted): login_id_required / login_id_taken, the password
    policy's codes, terms_not_accepted (§2(1)), residence_required (§31(5)). The invitation
    page shows them all after one submit; `accept_invitation` refuses with the first."""
    problems: list[AccountError] = []
    login_id = (invitation.login_id or (login_id or "").strip())
    if not login_id:
        problems.append(AccountError("login_id_required", field="login_id"))
    elif invitation.login_id is None:
        try:
            _check_login_id_free(login_id, except_email=invitation.email,
                                 organization_id=invitation.organization_id)
        except AccountError as exc:
            problems.append(exc)
    try:
        check_new_password(password or "", (login_id, name, invitation.email))
    except AccountError as exc:
        problems.append(exc)
    if not terms_accepted:
        problems.append(AccountError("terms_not_accepted", "§2(1)", field="accept_terms"))
    if has_prus_contract(invitation.organization_id) and not residence_declared:
        problems.append(AccountError("residence_required", RESIDENCE_CLAUSE, field="residence"))
    return problems


def _join(invitation: Invitation, login_id: str, name: str, password: str,
          residence_declared: bool, client: ClientInfo) -> User:
    user = create_user(
        login_id=login_id,
        email=invitation.email,
        password=password,
        name=name.strip(),
        organization=invitation.organization,
        role=invitation.role,
    )
    user.password_changed_at = now_utc()
    if residence_declared:
        user.residence_declared_at = now_utc()
    invitation.accepted_at = now_utc()
    invitation.user_id = user.id
    _record_terms_acceptance(user, client)
    record_event(
        "invitation_accepted",
        client,
        user=user,
        invitation_id=invitation.id,
        residence_declared=bool(residence_declared),
    )
    db.session.flush()
    return user


def current_terms_version():
    """The terms version in force today (provided by the terms area), or None."""
    return hooks.terms_in_force(today_jst())


def _record_terms_acceptance(user: User, client: ClientInfo) -> None:
    """The new user accepted the terms in force on the invitation page (terms records it)."""
    hooks.user_joined(user, client)
