"""The contract as the rules see it, and the error every rule raises.

`ContractTerms` is the handful of plain values the terms of use need to compute dates and
fees for one contract (start date, minimum months, billing period, monthly fee, sales
channel, free trial); services build it from a contract row and pass it to the functions of
`portal.rules`. `RuleError` is the one domain error of the package: it names the clause that
refused the input, a machine-readable code and, where there is one, the earliest acceptable
date, so that a page can render a Japanese message from code and fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

CHANNELS = ("direct", "reseller", "agent")
"""Sales channels: direct, 販売代理店 (reseller, §31(1)) and 取次店 (agent, §31(2))."""

BILLING_PERIODS = (1, 3, 6, 12)
"""Billing periods in months that the price list allows (§5(5) 複数月度単位)."""


class RuleError(ValueError):
    """An input the terms of use refuse.

    `clause` is the clause applied (e.g. "§14(3)"), `code` a stable machine-readable reason
    (e.g. "last_day_too_early"), `earliest` the earliest acceptable date or None. The message
    is English and meant for logs; pages render Japanese from `code` and the fields.
    """

    def __init__(self, message: str, *, code: str, clause: str, earliest: date | None = None):
        super().__init__(message)
        self.code = code
        self.clause = clause
        self.earliest = earliest

    def __repr__(self) -> str:
        return (f"RuleError({str(self)!r}, code={self.code!r}, clause={self.clause!r}, "
                f"earliest={self.earliest!r})")


def require_date(value: object, name: str) -> date:
    """Return `value` if it is a calendar date; refuse datetimes and anything else.

    A `datetime` is a `date` subclass, so it would slip through silently and carry a UTC day
    into a rule; callers must convert with `jst.jst_date` first. Raises TypeError.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (convert datetimes with jst_date), "
                        f"got {type(value).__name__}")
    return value


def require_int(value: object, name: str) -> int:
    """Return `value` if it is an int (bools refused). Raises TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


_CLAUSE = re.compile(r"§(\d+)(?:\((\d+)\))?(.*)")


def sort_clauses(*clauses: str) -> tuple[str, ...]:
    """The distinct `clauses` in the order of the terms (§5(5) before §14(3) before §14(4))."""
    def key(clause: str) -> tuple[int, int, str]:
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return (10_000, 0, clause)
        return (int(match[1]), int(match[2] or 0), match[3])
    return tuple(sorted(set(clauses), key=key))


@dataclass(frozen=True, kw_only=True)
class ContractTerms:
    """The values of one contract that the terms of use compute with.

    start: 起算日, the first day of the first billing month (§5(4)), a date in Japan.
    minimum_months: 最低利用月数 from the price list (§5(5)), at least 1.
    billing_period_months: months paid at once, one of 1, 3, 6, 12 (§5(5)).
    monthly_fee: yen per month, tax excluded, >= 0 (§8(1)).
    channel: "direct", "reseller" (§31(1)) or "agent" (§31(2)).
    trial: a free trial, to which §8, §10, §14 and §18(2) do not apply (§12(5)).
    Raises RuleError (code "invalid_terms") or TypeError for values outside those ranges.
    """

    start: date
    minimum_months: int
    billing_period_months: int = 1
    monthly_fee: int = 0
    channel: str = "direct"
    trial: bool = False

    def __post_init__(self) -> None:
        require_date(self.start, "start")
        require_int(self.minimum_months, "minimum_months")
        require_int(self.billing_period_months, "billing_period_months")
        require_int(self.monthly_fee, "monthly_fee")
        if not isinstance(self.trial, bool):
            raise TypeError(f"trial must be a bool, got {type(self.trial).__name__}")
        if self.channel not in CHANNELS:
            raise RuleError(f"unknown channel {self.channel!r}; expected one of {CHANNELS}",
                            code="invalid_terms", clause="§31")
        if self.minimum_months < 1:
            raise RuleError(f"minimum_months must be at least 1, got {self.minimum_months}",
                            code="invalid_terms", clause="§5(5)")
        if self.billing_period_months not in BILLING_PERIODS:
            raise RuleError(f"billing_period_months must be one of {BILLING_PERIODS}, "
                            f"got {self.billing_period_months}",
                            code="invalid_terms", clause="§5(5)")
        if self.monthly_fee < 0:
            raise RuleError(f"monthly_fee must not be negative, got {self.monthly_fee}",
                            code="invalid_terms", clause="§8(1)")
