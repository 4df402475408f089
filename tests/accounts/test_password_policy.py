"""The new-password rule: 12..256 characters, zxcvbn score ≥ 3 on the first 100 characters,
and a shipped list of passwords common in Japan."""
from __future__ import annotations

import hashlib

import pytest

# 256 characters without repetition: the longest password accepted.
LONGEST = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(4))

from portal.accounts.password_policy import password_problem


@pytest.mark.parametrize(
    ("password", "inputs", "expected"),
    [
        ("short-pw", (), "too_short"),
        ("a" * 257, (), "too_long"),
        ("password1234", (), "common"),
        ("sakurasakura2026!", (), "common"),
        ("Doraemon12345", (), "common"),
        ("aaaaaaaaaaaa", (), "weak"),
        ("yamada-taro-1", ("yamada-taro",), "weak"),
        ("correct-horse-battery-staple", (), None),
        ("Kq7#mZ9!vR2xWp", (), None),
        ("富士山の頂上で朝ごはんを食べた", (), None),
        (LONGEST, (), None),
    ],
)
def test_password_rule(password, inputs, expected):
    assert password_problem(password, inputs) == expected


def test_long_passwords_are_scored_on_a_prefix_only(monkeypatch):
    """zxcvbn's cost grows fast with length: only the first SCORED_PREFIX characters are scored
    (checked by what zxcvbn is given, not by a timing that a loaded machine breaks)."""
    from portal.accounts import password_policy

    seen = []
    real = password_policy.zxcvbn

    def spy(password, **kwargs):
        seen.append((len(password), kwargs.get("max_length")))
        return real(password, **kwargs)

    monkeypatch.setattr(password_policy, "zxcvbn", spy)
    assert password_problem(LONGEST, ()) is None
    assert seen == [(password_policy.SCORED_PREFIX, password_policy.SCORED_PREFIX)]
    assert password_policy.SCORED_PREFIX < len(LONGEST)
