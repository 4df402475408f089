"""§24(3): usage statistics the provider may compile and use — only in a form that identifies
no customer. A figure drawn from fewer than `MIN_ORGANIZATIONS` organizations is suppressed (a
group of none reveals nobody and is shown as 0); the days of a statistics period are days in
Japan, each from 00:00 JST (15:00 UTC the day before).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from portal.rules.jst import JST

MIN_ORGANIZATIONS = 5
"""The smallest number of organizations a published figure may be drawn from."""


def suppressed(organizations: int) -> bool:
    """Whether a figure drawn from `organizations` organizations must be withheld (1 to 4)."""
    if organizations < 0:
        raise ValueError("a number of organizations cannot be negative")
    return 0 < organizations < MIN_ORGANIZATIONS


def period_days(last: date, days: int) -> list[date]:
    """The `days` days in Japan ending with `last` (inclusive), oldest first."""
    if days < 1:
        raise ValueError("a period has at least one day")
    return [last - timedelta(days=days - 1 - i) for i in range(days)]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The aware moments [start, end) of `day` in Japan."""
    start = datetime.combine(day, time(0), tzinfo=JST)
    return start, start + timedelta(days=1)
