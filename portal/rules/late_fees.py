"""Late-payment damages (遅延損害金) at 14.6% a year (§8(3)).

Damages run from the day after the due date (the terms' 「翌年」 read as 「翌日」) to the day the
payment is complete, both included, at 14.6% per 365-day year even when the period contains
29 February; fractions of a yen are dropped. Integer arithmetic only: no float ever touches
an amount.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .terms import require_date, require_int

RATE_PER_MILLE = 146
"""14.6% a year, in tenths of a percent, so that amount × 146 × days // 365,000 is exact."""

DAYS_PER_YEAR = 365
"""§8(3): 閏年の日を含む期間についても365日あたりの割合."""


@dataclass(frozen=True)
class LateDamages:
    """Late-payment damages for `amount` yen due on `due` and paid on `paid` (§8(3)).

    days: days counted (from the day after `due` to `paid`, both included; 0 when paid on
    time); damages: yen, fractions dropped; clauses: ("§8(3)",).
    """

    amount: int
    due: date
    paid: date
    days: int
    damages: int
    clauses: tuple[str, ...] = ("§8(3)",)


def late_damages_detail(amount: int, due: date, paid: date) -> LateDamages:
    """Late-payment damages with the day count, for invoices that show their workings.

    Inputs: `amount` (yen, >= 0), `due` (支払期日), `paid` (the day the payment is complete,
    or the day the damages are shown for while it is still open).
    Result: LateDamages with days = (paid − due).days (0 when paid <= due) and
    damages = amount × 146 × days // 365,000.
    Errors: ValueError for a negative amount; TypeError for non-int/non-date input.
    Clause: §8(3).
    """
    require_int(amount, "amount")
    require_date(due, "due")
    require_date(paid, "paid")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    days = max((paid - due).days, 0)
    damages = amount * RATE_PER_MILLE * days // (1000 * DAYS_PER_YEAR)
    return LateDamages(amount=amount, due=due, paid=paid, days=days, damages=damages)


def late_damages(amount: int, due: date, paid: date) -> int:
    """Late-payment damages in yen for `amount` due on `due` and paid on `paid` (§8(3)).

    100,000 yen paid 30 days late: 100,000 × 14.6% × 30 / 365 = 1,200 yen.
    Errors and clause: as `late_damages_detail`.
    """
    return late_damages_detail(amount, due, paid).damages
