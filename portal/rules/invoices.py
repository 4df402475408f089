"""Qualified invoices (適格請求書): consumption tax per rate and the issuer's registration number.

A qualified invoice states, per tax rate, the total excluding tax and the consumption tax on
it, and the tax is rounded **once per rate per invoice** (fractions of a yen dropped), never
line by line (消費税法施行令第70条の10). The issuer's registration number is "T" followed by
the 13-digit corporate number (法人番号), whose first digit is a check digit over the other
twelve (法人番号の指定等に関する省令 第2条).
"""
from __future__ import annotations

import re

from .terms import require_int

STANDARD_RATE = 10
"""The standard consumption tax rate in percent (the services are not reduced-rate goods)."""

_REGISTRATION = re.compile(r"T([0-9])([0-9]{12})")


def consumption_tax(lines: list[tuple[int, int]]) -> dict[int, int]:
    """The consumption tax per rate of an invoice's lines, rounded down once per rate.

    Input: `lines` as (amount excluding tax in yen, rate in percent); amounts may be negative
    (a credit line), the sum per rate may not. Result: {rate: tax} for every rate present,
    tax = sum of the rate's amounts × rate // 100 (fractions dropped once, on the sum).
    Three lines of ¥1,005 at 10%: tax 301 (per line it would be 100 × 3 = 300).
    Errors: TypeError for non-int input; ValueError for a negative rate or a negative sum.
    """
    totals: dict[int, int] = {}
    for amount, rate in lines:
        require_int(amount, "amount")
        require_int(rate, "rate")
        if rate < 0:
            raise ValueError(f"tax rate must not be negative, got {rate}")
        totals[rate] = totals.get(rate, 0) + amount
    result = {}
    for rate, total in sorted(totals.items()):
        if total < 0:
            raise ValueError(f"the lines at {rate}% sum to {total} yen, below zero")
        result[rate] = total * rate // 100
    return result


def totals_by_rate(lines: list[tuple[int, int]]) -> dict[int, int]:
    """The sum excluding tax per rate of `lines` (amount, rate), as the invoice prints it."""
    totals: dict[int, int] = {}
    for amount, rate in lines:
        totals[rate] = totals.get(rate, 0) + amount
    return dict(sorted(totals.items()))


def corporate_check_digit(base: str) -> int:
    """The check digit of a corporate number whose other 12 digits are `base`.

    9 − (Σ Pn × Qn mod 9), Pn the n-th digit counted from the right of `base`, Qn 1 for odd n
    and 2 for even n. 国税庁 7000012050002: base 000012050002 → 7.
    Errors: ValueError unless `base` is 12 ASCII digits.
    """
    if len(base) != 12 or not base.isascii() or not base.isdigit():
        raise ValueError(f"a corporate number base is 12 digits, got {base!r}")
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def registration_number_valid(number: str) -> bool:
    """Whether `number` is a qualified invoice issuer's registration number: "T" + 13 digits
    (ASCII, no spaces or hyphens) whose first digit is the corporate-number check digit."""
    if not isinstance(number, str):
        return False
    match = _REGISTRATION.fullmatch(number)
    if match is None:
        return False
    return int(match[1]) == corporate_check_digit(match[2])
