"""The cap of the provider's liability for damages (損害賠償の制限, §27(1)).

The cap is one month's fee, averaged over the fees that arose for the service: ① over the 12
months counted back from the last day of the month before the month of the event (that day
counted, 初日算入); ② when the service started less than 12 months but at least one month
before that day, over the whole months since the start (a remainder under a month dropped);
③ otherwise the average daily fee up to the day before the event × 30. "Fees that arose" are
the billed monthly fees, each counted on the first day of its billing month; the staff page
feeds it from issued invoices. Averages drop fractions of a yen.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .terms import require_date, require_int

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class LiabilityCap:
    """cap: yen; method: "①", "②" or "③"; window: (first, last) of the fees averaged;
    months: the months averaged over (① 12, ② 1–11) or None for ③; days: the days averaged
    over for ③; total: the fees in the window; clauses: ("§27(1)",)."""

    cap: int
    method: str
    window: tuple[date, date]
    total: int
    months: int | None = None
    days: int | None = None
    clauses: tuple[str, ...] = ("§27(1)",)


def _months_back(end: date, months: int) -> date:
    """The first day of the period of `months` months that ends on `end` (counted back, end
    counted as its first day): end + 1 day − `months` months, clamped to the month's end."""
    after = end + _ONE_DAY
    index = after.year * 12 + after.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(after.day, calendar.monthrange(year, month + 1)[1]))


def cap(service_start: date, event_day: date, fees: list[tuple[date, int]]) -> LiabilityCap:
    """The §27(1) cap for an event on `event_day` of a service started on `service_start`.

    Inputs: `service_start` (the service's start date), `event_day` (the day the cause arose,
    in Japan), `fees` as (day the fee arose, yen excluding tax), e.g. each billed month's first
    day and fee. Result: LiabilityCap. ①: the sum of fees in the 12 months ending on the last
    day of the previous month, // 12; ②: at least one whole month from the start to that day
    but fewer than 12: the sum over those whole months // their number; ③: the fees from the
    start to the day before the event // its days × 30 (0 when the event is on the first day).
    Errors: TypeError for non-date/non-int input; ValueError for a negative fee.
    Clause: §27(1)①②③.
    """
    require_date(service_start, "service_start")
    require_date(event_day, "event_day")
    for day, amount in fees:
        require_date(day, "fee day")
        if require_int(amount, "fee") < 0:
            raise ValueError(f"a fee must not be negative, got {amount}")
    previous_month_end = event_day.replace(day=1) - _ONE_DAY

    def total(first: date, last: date) -> int:
        return sum(amount for day, amount in fees if first <= day <= last)

    twelve = _months_back(previous_month_end, 12)
    if service_start <= twelve:
        window = (twelve, previous_month_end)
        return LiabilityCap(cap=total(*window) // 12, method="①", window=window,
                            total=total(*window), months=12)
    whole = 0
    while whole < 11 and _months_back(previous_month_end, whole + 1) >= service_start:
        whole += 1
    if whole >= 1:
        window = (_months_back(previous_month_end, whole), previous_month_end)
        return LiabilityCap(cap=total(*window) // whole, method="②", window=window,
                            total=total(*window), months=whole)
    window = (service_start, event_day - _ONE_DAY)
    days = max((event_day - service_start).days, 0)
    amount = total(*window) if days else 0
    return LiabilityCap(cap=amount * 30 // days if days else 0, method="③", window=window,
                        total=amount, days=days)
