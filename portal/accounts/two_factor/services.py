"""TOTP two-factor sign-in with recovery codes (SPEC §3.6; pyotp, qrcode).

Set-up: a fresh base32 secret is kept in the signed session until the user confirms one code;
then it is stored on the user with 10 recovery codes shown once. A code is accepted within
±1 time step (30 s), and never twice: the last accepted time step is stored and any step at
or before it is refused (pyotp's `verify()` alone would accept a replay, PITFALLS.md).
Recovery codes: 10 codes of 10 characters from a 32-letter alphabet without look-alikes
(about 50 bits each), shown as XXXXX-XXXXX, stored as SHA-256, each usable once.
An organization's admins can require two-factor sign-in for everyone in it: its users are
sent to the set-up page first (`must_set_up`) and cannot turn it off. For the provider's
staff it is always required (issue 13 item 10): a staff member without it reaches nothing but
the set-up page and sign-out, and cannot turn it off.
"""
from __future__ import annotations

import hashlib
import secrets

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from markupsafe import Markup

from portal.accounts.audit import record_event
from portal.accounts.errors import AccountError
from portal.accounts.models import Organization, RecoveryCode, User
from portal.clock import now_utc
from portal.domain import ClientInfo
from portal.extensions import db
from portal.passwords import verify_password

ISSUER = "Customer Portal"
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_COUNT = 10
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login_id, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup (no script, no style attribute: CSP-safe)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code" class="qr" ', 1)
    return Markup(svg)


def _matching_step(secret: str, code: str) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = now_utc()
    step = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def _hash_code(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new plain codes (shown once)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(raw[:5] + "-" + raw[5:])
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str, client: ClientInfo) -> list[str]:
    """Turn on two-factor sign-in after the first code matched; returns recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        raise AccountError("totp_invalid", field="code")
    user.totp_secret = secret
    user.totp_enabled_at = now_utc()
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    record_event("two_factor_enabled", client, user=user)
    return codes


def disable(user: User, password: str | None, client: ClientInfo) -> None:
    """Turn two-factor sign-in off after the current password (None: the form was not valid).

    Errors (AccountError): two_factor_required (the organization requires it), wrong_password.
    """
    if user.is_staff:
        raise AccountError("staff_two_factor_required")
    if user.organization and user.organization.require_two_factor:
        raise AccountError("two_factor_required")
    if password is None or not verify_password(user.password_hash, password):
        raise AccountError("wrong_password")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record_event("two_factor_disabled", client, user=user)


def renew_recovery_codes(user: User, password: str | None, client: ClientInfo) -> list[str]:
    """Ten new recovery codes (the old ones stop working) after the current password (None:
    the form was not valid). Errors (AccountError): wrong_password, also when two-factor
    sign-in is off."""
    if (not user.two_factor_enabled or password is None
            or not verify_password(user.password_hash, password)):
        raise AccountError("wrong_password")
    codes = new_recovery_codes(user)
    record_event("recovery_codes_renewed", client, user=user)
    return codes


def verify(user: User, code: str, client: ClientInfo) -> str:
    """Check a sign-in code: a TOTP code (not reused) or an unused recovery code.

    Returns "totp" or "recovery"; raises AccountError totp_invalid / totp_not_enabled. A
    refused code leaves a `two_factor_failed` audit event in the session, which the caller
    commits even so.
    """
    if not user.two_factor_enabled:
        raise AccountError("totp_not_enabled")
    # Serialise concurrent checks for the same user (PostgreSQL), so one code cannot be
    # accepted by two requests at once.
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            record_event("two_factor_failed", client, user=user, reason="reused")
            raise AccountError("totp_invalid")
        user.totp_last_step = step
        return "totp"
    row = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        record_event("two_factor_failed", client, user=user, reason="wrong_code")
        raise AccountError("totp_invalid")
    row.used_at = now_utc()
    record_event("recovery_code_used", client, user=user)
    return "recovery"


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ) or 0


def must_set_up(user) -> bool:
    """Whether a signed-in user must set up two-factor sign-in before anything else: every
    staff member (always required for the provider's staff), and a customer user whose
    organization requires it — as long as they have not."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return not user.two_factor_enabled
    org = user.organization
    return org is not None and org.require_two_factor and not user.two_factor_enabled


def set_require_two_factor(organization: Organization, required: bool, *, by: User,
                           client: ClientInfo) -> None:
    """An admin requires (or stops requiring) two-factor sign-in for the whole organization."""
    organization.require_two_factor = required
    record_event("two_factor_requirement_changed", client, user=by, required=required)
