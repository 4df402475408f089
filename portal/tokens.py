"""Random secret tokens and the hashes they are stored as.

Every secret a link carries (invitations, password resets, address confirmations, guest links)
is made by `new_token` and stored only as `token_hash(token)`, so the database alone never
yields a working link.
"""
from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token of `nbytes` random bytes."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """SHA-256 of a random token: tokens are stored only as hashes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
