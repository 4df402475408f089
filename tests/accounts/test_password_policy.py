"""The new-password rule: 12..256 characters, zxcvbn score ≥ 3 on the first 100 characters,
and a shipped list of passwords common in Japan."""
from __future__ import annotations

import hashlib
import time

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


def test_long_passwords_are_scored_on_a_prefix_only():
    started = time.perf_counter()
    assert password_problem(LONGEST, ()) is None
    assert time.perf_counter() - started < 1.0
