"""What makes a new password acceptable (invitation, reset, change).

At least 12 characters and at most 256; zxcvbn must score it at least 3 (out of 4). zxcvbn
is slow on long input, so only the first 100 characters are scored; its word lists are
English, so a small list of passwords common in Japan is checked as well
(`data/common_passwords.txt`, compared case-insensitively, also with digits and symbols
stripped from the end). The user's login ID, name and email are passed to zxcvbn so a
password built from them scores low. `set_password` is the one way a new password is stored.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from zxcvbn import zxcvbn

from portal.accounts.errors import AccountError
from portal.accounts.models import User
from portal.clock import now_utc
from portal.passwords import hash_password

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
SCORED_PREFIX = 100


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, user_inputs: tuple[str, ...] | list[str] = ()) -> str | None:
    """None when `password` is acceptable, else a code: too_short, too_long, common, weak."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!@#$%^&*?.-_ ") in common_passwords():
        return "common"
    inputs = [part for value in user_inputs if value for part in (value, *value.split("@"))]
    result = zxcvbn(password[:SCORED_PREFIX], user_inputs=inputs, max_length=SCORED_PREFIX)
    if result["score"] < MIN_SCORE:
        return "weak"
    return None


def check_new_password(password: str, user_inputs: tuple[str, ...] | list[str] = ()) -> None:
    """Refuse an unacceptable new password: AccountError password_too_short / password_too_long
    / password_common / password_weak (field "password")."""
    problem = password_problem(password, user_inputs)
    if problem:
        raise AccountError("password_" + problem, field="password")


def set_password(user: User, password: str) -> None:
    """The one way a user's password is replaced (reset, change): checked against the policy
    (with the user's login ID, name and email), hashed with Argon2id, and
    `password_reset_required` cleared. Errors: those of `check_new_password`."""
    check_new_password(password, (user.login_id, user.name, user.email))
    user.password_hash = hash_password(password)
    user.password_changed_at = now_utc()
    user.password_reset_required = False
