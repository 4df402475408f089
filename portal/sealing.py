"""Sealing secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with the
keys of `MAIL_SEAL_KEYS` (configuration, never the database).

Used by the outbox for the bodies of mails that carry a working secret link (invitations,
password resets, address and email confirmations): the database holds only the sealed text
until the mail is delivered, and staff read the redacted copy. Several keys may be configured
(comma-separated `PORTAL_MAIL_KEY`): the first seals, every one unseals (MultiFernet), so a
key can be rotated without losing mail still waiting for delivery.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SealError(RuntimeError):
    """A sealed text that no configured key opens (wrong or rotated-away key, tampering)."""


def _fernet() -> MultiFernet:
    keys = current_app.config["MAIL_SEAL_KEYS"]
    return MultiFernet([Fernet(k) for k in keys])


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SealError("no configured PORTAL_MAIL_KEY opens this sealed mail body") from None
