"""Business days (営業日) of the provider, and the §5(2) deadline built on them.

A business day is Monday to Friday, not a Japanese national holiday (祝日, including the
substitute holidays 振替休日 and citizens' holidays 国民の休日, which `jpholiday` computes) and
not one of the provider's own holidays (by default the year-end break, 29 December to
3 January). Counting follows Civil Code Art. 140: the day of the event itself is not counted.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

import jpholiday

from .terms import require_date, require_int

DEFAULT_PROVIDER_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
)
"""The provider's own holidays as (month, day): the year-end break, 29 Dec – 3 Jan."""

START_NOTICE_BUSINESS_DAYS = 5
"""§5(2): the usage-start notice is due within 5 business days after the application."""

_ONE_DAY = timedelta(days=1)


def is_business_day(day: date,
                    provider_holidays: Collection[tuple[int, int]] = DEFAULT_PROVIDER_HOLIDAYS,
                    ) -> bool:
    """Whether `day` is a business day of the provider.

    Inputs: `day`; `provider_holidays`, the provider's own holidays as (month, day) pairs
    (default 29 Dec – 3 Jan). Result: True on Monday–Friday that is neither a national holiday
    (substitute and citizens' holidays included) nor a provider holiday.
    Errors: TypeError for a non-date. Clause: §5(2) (営業日).
    """
    require_date(day, "day")
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in provider_holidays:
        return False
    return not jpholiday.is_holiday(day)


def add_business_days(day: date, n: int,
                      provider_holidays: Collection[tuple[int, int]] = DEFAULT_PROVIDER_HOLIDAYS,
                      ) -> date:
    """The `n`-th business day after `day` (`day` itself is not counted, Civil Code Art. 140).

    Inputs: `day`, `n` >= 1, `provider_holidays` as for `is_business_day`.
    Result: a business day. A Friday plus 1 is the next Monday (if that is not a holiday).
    Errors: ValueError when n < 1. Clause: §5(2).
    """
    require_date(day, "day")
    require_int(n, "n")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    current = day
    remaining = n
    while remaining:
        current += _ONE_DAY
        if is_business_day(current, provider_holidays):
            remaining -= 1
    return current


def next_business_day(day: date,
                      provider_holidays: Collection[tuple[int, int]] = DEFAULT_PROVIDER_HOLIDAYS,
                      ) -> date:
    """The first business day strictly after `day` (even when `day` is itself one).

    Same as `add_business_days(day, 1)`. Errors: TypeError for a non-date. Clause: §5(2).
    """
    return add_business_days(day, 1, provider_holidays)


@dataclass(frozen=True)
class StartNoticeDue:
    """When the usage-start notice (利用開始通知) is due for an application (§5(2)).

    applied_on: the day in Japan the application was sent; due: the 5th business day after
    it, the last day on which the notice is still on time; clauses: ("§5(2)",).
    """

    applied_on: date
    due: date
    clauses: tuple[str, ...] = ("§5(2)",)

    def is_overdue(self, today: date) -> bool:
        """True once `today` (a day in Japan) is after `due`: the customer may then inquire."""
        return require_date(today, "today") > self.due


def start_notice_due(applied_on: date,
                     provider_holidays: Collection[tuple[int, int]] = DEFAULT_PROVIDER_HOLIDAYS,
                     ) -> StartNoticeDue:
    """The day by which the usage-start notice must reach the applicant (§5(2)).

    Inputs: `applied_on`, the day in Japan the application was submitted (「発送」 of the
    application form); `provider_holidays` as for `is_business_day`.
    Result: StartNoticeDue with `due` = the 5th business day after `applied_on`.
    Errors: TypeError for a non-date. Clause: §5(2).
    """
    return StartNoticeDue(applied_on=applied_on,
                          due=add_business_days(applied_on, START_NOTICE_BUSINESS_DAYS,
                                                provider_holidays))


def latest_overdue_application_day(today: date,
                                   provider_holidays: Collection[tuple[int, int]] = DEFAULT_PROVIDER_HOLIDAYS,
                                   ) -> date:
    """The latest application day whose usage-start notice is overdue on `today` (§5(2)).

    The due date grows with the application day, so an application still waiting is overdue
    exactly when it was sent on or before this day — which lets a queue count its overdue
    applications with one query (`applied_on <= result`).
    Inputs: `today`, a day in Japan; `provider_holidays` as for `is_business_day`.
    Result: a date before `today`. Errors: TypeError for a non-date. Clause: §5(2).
    """
    day = require_date(today, "today") - _ONE_DAY
    while not start_notice_due(day, provider_holidays).is_overdue(today):
        day -= _ONE_DAY
    return day
