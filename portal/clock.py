"""The only reader of the system clock.

Everything that needs "now" or "today" calls `now_utc()` or `today_jst()`; business dates are
days in Japan, so "today" is computed in Asia/Tokyo, never in UTC (until 09:00 JST the UTC
date is still yesterday). Tests freeze the clock with `frozen(...)`.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

from portal.rules.jst import JST, jst_date

_frozen: datetime | None = None


def now_utc() -> datetime:
    """The current moment as an aware UTC datetime (frozen in tests)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc)


def today_jst() -> date:
    """Today's date in Japan."""
    return jst_date(now_utc())


def now_jst() -> datetime:
    return now_utc().astimezone(JST)


@contextmanager
def frozen(moment: datetime):
    """Freeze `now_utc()` at an aware `moment` for the duration of the block."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, moment.astimezone(timezone.utc)
    try:
        yield
    finally:
        _frozen = previous


def set_frozen(moment: datetime | None) -> None:
    """Freeze (or with None, unfreeze) the clock; for test fixtures that span a server thread."""
    global _frozen
    _frozen = None if moment is None else moment.astimezone(timezone.utc)
