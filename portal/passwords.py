"""Password hashing with Argon2id (argon2-cffi).

bcrypt is avoided on purpose: it silently ignores everything after 72 bytes, which is 24
Japanese characters. `verify` never raises for a wrong or malformed hash; callers call
`needs_rehash` after a successful sign-in so stronger parameters take effect over time.
"""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

_hashers: dict[tuple[int, int], PasswordHasher] = {}
_dummy_hashes: dict[tuple[int, int], str] = {}


def _hasher() -> PasswordHasher:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _hashers:
        _hashers[key] = PasswordHasher(
            time_cost=key[0], memory_cost=key[1], parallelism=1, type=Type.ID
        )
    return _hashers[key]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def dummy_verify(password: str) -> None:
    """Spend the time of one verification, so an unknown login ID answers as slowly as a
    known one with a wrong password."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password("not-a-real-password")
    return _dummy_hashes[key]
