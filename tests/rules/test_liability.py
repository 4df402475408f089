"""§27(1): the liability cap from the fees that arose — ① 12 months up to the end of the
previous month, ② the whole months since the start when fewer, ③ the daily average × 30."""
from datetime import date

import pytest

from portal.rules.liability import cap

D = date


def monthly(first: date, count: int, fee: int):
    """`count` monthly fees of `fee` arising on the 1st from `first` on."""
    out = []
    y, m = first.year, first.month
    for _ in range(count):
        out.append((D(y, m, 1), fee))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@pytest.mark.parametrize(("start", "event", "fees", "method", "expected", "window"), [
    # ①: 12 months 2025-12-01..2026-11-30, fees 60,000 each → 60,000.
    pytest.param(D(2025, 1, 1), D(2026, 12, 15), monthly(D(2025, 1, 1), 24, 60_000), "①",
                 60_000, (D(2025, 12, 1), D(2026, 11, 30)), id="twelve months"),
    # ①: a fee change inside the window is averaged: 6 × 60,000 + 6 × 99,000 → 79,500.
    pytest.param(D(2025, 1, 1), D(2027, 1, 10),
                 monthly(D(2026, 1, 1), 6, 60_000) + monthly(D(2026, 7, 1), 6, 99_000),
                 "①", 79_500, (D(2026, 1, 1), D(2026, 12, 31)), id="fee change averaged"),
    # ①: the window starts exactly on the service start.
    pytest.param(D(2025, 12, 1), D(2026, 12, 1), monthly(D(2025, 12, 1), 12, 10_000), "①",
                 10_000, (D(2025, 12, 1), D(2026, 11, 30)), id="exactly twelve months"),
    # ②: started 2026-06-01, event in December → 6 whole months (Jun..Nov).
    pytest.param(D(2026, 6, 1), D(2026, 12, 20), monthly(D(2026, 6, 1), 7, 30_000), "②",
                 30_000, (D(2026, 6, 1), D(2026, 11, 30)), id="six whole months"),
    # ②: started 2026-06-15: Jun 15..Nov 30 is 5 whole months + a remainder dropped.
    pytest.param(D(2026, 6, 15), D(2026, 12, 1), [(D(2026, 6, 15), 10_000)] + [
        (D(2026, m, 15), 10_000) for m in range(7, 12)], "②", 10_000,
                 (D(2026, 7, 1), D(2026, 11, 30)), id="remainder under a month dropped"),
    # ②: leap year: started 2028-01-31, event in March → Feb 1..Feb 29 is one whole month.
    pytest.param(D(2028, 1, 31), D(2028, 3, 5), [(D(2028, 1, 31), 5_000), (D(2028, 2, 29), 7_000)],
                 "②", 7_000, (D(2028, 2, 1), D(2028, 2, 29)), id="leap february one month"),
    # ③: started 2026-11-20, event 2026-12-10: Nov 20..Dec 9 = 20 days, fee 20,000 → ×30/20.
    pytest.param(D(2026, 11, 20), D(2026, 12, 10), [(D(2026, 11, 20), 20_000)], "③", 30_000,
                 (D(2026, 11, 20), D(2026, 12, 9)), id="daily average times thirty"),
    # ③: the daily average drops fractions: 10,000 × 30 // 7 = 42,857.
    pytest.param(D(2026, 12, 1), D(2026, 12, 8), [(D(2026, 12, 1), 10_000)], "③", 42_857,
                 (D(2026, 12, 1), D(2026, 12, 7)), id="fraction dropped"),
    pytest.param(D(2026, 12, 8), D(2026, 12, 8), [(D(2026, 12, 8), 10_000)], "③", 0,
                 (D(2026, 12, 8), D(2026, 12, 7)), id="event on the first day"),
])
def test_cap(start, event, fees, method, expected, window):
    result = cap(start, event, fees)
    assert (result.method, result.cap, result.window) == (method, expected, window)
    assert result.clauses == ("§27(1)",)


def test_cap_refuses_negative_fees():
    with pytest.raises(ValueError):
        cap(D(2026, 1, 1), D(2026, 12, 1), [(D(2026, 1, 1), -1)])
