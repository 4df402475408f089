"""Month periods and billing months (月度), counted as Civil Code Art. 143 counts them.

A contract's billing months, terms and minimum term are all periods "of N months from the
start date" (§5(4)(5), §14(3)(4)). Art. 143 with the start day counted as day 1: a period of
N months starting on day S ends the day before the day that corresponds to S in the N-th
following month, and where that month has no such day, on that month's last day. Every
period is derived from the contract's start date, never chained from the previous period's
end, so a start on the 31st does not drift to the 28th after February.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from .terms import RuleError, require_date, require_int

_ONE_DAY = timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months beginning on `start` (Civil Code Art. 143).

    Inputs: `start` (a date, counted as day 1), `months` >= 1.
    Result: the day before the day corresponding to `start` in the `months`-th following
    month, or that month's last day when it has no such day. Jan 31 + 1 → Feb 28 (Feb 29 in a
    leap year); Apr 1 + 12 → Mar 31 of the next year; Jan 15 + 1 → Feb 14.
    Errors: ValueError when months < 1; TypeError for non-date/non-int input.
    Clause: §5(5), §14(4) (months of the contract), read with Civil Code Art. 143.
    """
    require_date(start, "start")
    require_int(months, "months")
    if months < 1:
        raise ValueError(f"a month period needs at least 1 month, got {months}")
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = _days_in_month(year, month)
    if start.day > last:
        # No corresponding day in that month: the period ends on its last day.
        return date(year, month, last)
    return date(year, month, start.day) - _ONE_DAY


def _period_start(start: date, months_before: int) -> date:
    # The first day of the period that follows `months_before` months from `start`.
    return start if months_before == 0 else month_period_end(start, months_before) + _ONE_DAY


def billing_month_by_index(start: date, index: int) -> tuple[date, date]:
    """The `index`-th billing month (月度) of a contract that starts on `start`.

    Inputs: `start`, `index` >= 0 (0 is the month beginning on `start`).
    Result: (first_day, last_day); month k runs from month_period_end(start, k) + 1 day
    (k = 0: `start`) to month_period_end(start, k + 1).
    Errors: ValueError when index < 0. Clause: §14(2)(3) (月度), Civil Code Art. 143.
    """
    require_int(index, "index")
    if index < 0:
        raise ValueError(f"billing month index must be >= 0, got {index}")
    return _period_start(start, index), month_period_end(start, index + 1)


def _check_not_before_start(start: date, day: date) -> None:
    require_date(start, "start")
    require_date(day, "day")
    if day < start:
        raise RuleError(f"{day} is before the contract start {start}",
                        code="before_start", clause="§5(4)", earliest=start)


def billing_month_index(start: date, day: date) -> int:
    """The index (0 = first) of the billing month of a contract started on `start` containing `day`.

    Errors: RuleError(code="before_start", clause="§5(4)", earliest=start) when day < start.
    Clause: §14(2)(3) (月度), Civil Code Art. 143.
    """
    _check_not_before_start(start, day)
    # Month k ends in calendar month start.month + k (or the one before it when the start is
    # the 1st), so the calendar distance is the index give or take one.
    k = max((day.year - start.year) * 12 + day.month - start.month - 1, 0)
    while k > 0 and day <= month_period_end(start, k):
        k -= 1
    while day > month_period_end(start, k + 1):
        k += 1
    return k


def billing_month(start: date, day: date) -> tuple[date, date]:
    """The billing month (月度) of a contract started on `start` that contains `day`.

    Inputs: `start` (起算日), `day` >= start. Result: (first_day, last_day).
    Start Jan 31 2027: Jan 31–Feb 28, Mar 1–Mar 30, Mar 31–Apr 30, May 1–May 30, …
    Errors: RuleError(code="before_start", clause="§5(4)") when day < start.
    Clause: §14(2)(3) (月度), Civil Code Art. 143.
    """
    return billing_month_by_index(start, billing_month_index(start, day))


def billing_period(start: date, day: date, months: int) -> tuple[date, date]:
    """The billing period of `months` months (1, 3, 6, 12) containing `day`, aligned to `start`.

    Periods are counted from the start date (§5(5) 「契約月の起算日から該当の複数月度数」):
    period j covers billing months j*months … j*months + months - 1.
    Result: (first_day, last_day). Errors: RuleError(code="before_start") when day < start,
    ValueError when months < 1. Clause: §5(5), §8(4).
    """
    require_int(months, "months")
    if months < 1:
        raise ValueError(f"a billing period needs at least 1 month, got {months}")
    j = billing_month_index(start, day) // months
    return _period_start(start, j * months), month_period_end(start, (j + 1) * months)
