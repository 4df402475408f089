"""Japan Standard Time: every business date of the portal is a calendar day in Japan.

The rules take dates, never moments; whoever holds a moment (a UTC timestamp from the
database, `clock.now_utc()`) turns it into the day in Japan here before asking a rule. Until
09:00 JST the UTC date is still the previous day, so `moment.date()` is always wrong.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def to_jst(moment: datetime) -> datetime:
    """The aware `moment` expressed in Japan Standard Time.

    Raises ValueError for a naive datetime (its zone is unknown) and TypeError for a value
    that is not a datetime.
    """
    if not isinstance(moment, datetime):
        raise TypeError(f"expected an aware datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no zone; pass an aware datetime (UTC or JST)")
    return moment.astimezone(JST)


def jst_date(moment: datetime) -> date:
    """The calendar day in Japan at the aware `moment`.

    2026-11-30 23:30 UTC is 2026-12-01 in Japan. Raises ValueError for a naive datetime and
    TypeError for a non-datetime. No clause: it is how every clause's "day" is read.
    """
    return to_jst(moment).date()
