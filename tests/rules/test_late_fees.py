"""Late-payment damages, §8(3): 14.6% a year from the day after the due date (「翌年」 read as
「翌日」) to the payment date, on a 365-day year even across 29 February; yen fractions dropped.
"""
from datetime import date

import pytest

from portal.rules.late_fees import LateDamages, late_damages, late_damages_detail

D = date


@pytest.mark.parametrize(
    ("amount", "due", "paid", "expected"),
    [
        # 100,000 × 14.6% = 14,600 a year = 40 a day; 30 days → 1,200.
        pytest.param(100_000, D(2026, 6, 30), D(2026, 7, 30), 1_200, id="30 days late"),
        pytest.param(100_000, D(2026, 6, 30), D(2026, 7, 1), 40, id="one day late"),
        pytest.param(100_000, D(2026, 6, 30), D(2026, 6, 30), 0, id="paid on the due date"),
        pytest.param(100_000, D(2026, 6, 30), D(2026, 6, 1), 0, id="paid early"),
        # 365,000 × 14.6% / 365 = 146 a day; 29 Feb and 1 Mar are 2 days, not 2/366 of a year.
        pytest.param(365_000, D(2028, 2, 28), D(2028, 3, 1), 292, id="across feb 29 2028"),
        # A whole leap year is 366 days at 1/365 each: 40 × 366 = 14,640 (not 14,600).
        pytest.param(100_000, D(2027, 12, 31), D(2028, 12, 31), 14_640, id="leap year 366/365"),
        pytest.param(0, D(2026, 6, 30), D(2026, 12, 31), 0, id="amount 0"),
        # 1 yen: 0.146 × 30 / 365 = 0.012 → 0.
        pytest.param(1, D(2026, 6, 30), D(2026, 7, 30), 0, id="1 yen for 30 days"),
        # 1 yen × 0.146 × 2,500 / 365 = 1.0 exactly; one day less is 0.9996 → 0.
        pytest.param(1, D(2026, 1, 1), D(2032, 11, 5), 1, id="1 yen for 2500 days"),
        pytest.param(1, D(2026, 1, 1), D(2032, 11, 4), 0, id="1 yen for 2499 days"),
        # 12,345 × 0.146 × 17 / 365 = 83.946… → 83 (fractions dropped, not rounded).
        pytest.param(12_345, D(2026, 3, 31), D(2026, 4, 17), 83, id="fraction dropped"),
        # 10,000,000 × 0.146 × 61 / 365 = 244,000 exactly.
        pytest.param(10_000_000, D(2026, 10, 31), D(2026, 12, 31), 244_000, id="large amount"),
    ],
)
def test_late_damages(amount, due, paid, expected):
    assert late_damages(amount, due, paid) == expected


def test_detail_shows_the_day_count_and_clause():
    assert late_damages_detail(100_000, D(2026, 6, 30), D(2026, 7, 30)) == LateDamages(
        amount=100_000, due=D(2026, 6, 30), paid=D(2026, 7, 30), days=30, damages=1_200,
        clauses=("§8(3)",))


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        pytest.param(-1, ValueError, id="negative"),
        pytest.param(100.0, TypeError, id="float"),
        pytest.param(True, TypeError, id="bool"),
    ],
)
def test_bad_amounts_are_refused(amount, error):
    with pytest.raises(error):
        late_damages(amount, D(2026, 6, 30), D(2026, 7, 30))
