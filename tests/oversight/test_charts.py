"""The SVG charts' geometry: round scale maxima and ticks, bars proportional to their values,
no bar for a withheld figure."""
import pytest

from portal.oversight.charts import columns, hbars, nice_max, tick_values
from portal.oversight.statistics import Figure


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (6, 10),
                                            (11, 20), (20, 20), (21, 50), (999, 1000)])
def test_nice_max(value, top):
    assert nice_max(value) == top


@pytest.mark.parametrize(("top", "ticks"), [(1, [0, 1]), (2, [0, 1, 2]), (5, [0, 1, 2, 3, 4, 5]),
                                            (10, [0, 2, 4, 6, 8, 10]), (20, [0, 4, 8, 12, 16, 20])])
def test_ticks_are_whole_numbers(top, ticks):
    assert tick_values(top) == ticks


def test_bars_are_proportional_and_withheld_ones_have_none():
    chart = hbars([Figure("a", 10), Figure("b", 5), Figure("c", None)])
    a, b, c = chart.bars
    assert chart.scale_max == 10 and a.width == pytest.approx(2 * b.width) and c.width == 0
    cols = columns([Figure("d1", 4), Figure("d2", None), Figure("d3", 2)])
    assert cols.bars[0].height == pytest.approx(2 * cols.bars[2].height) and cols.bars[1].height == 0
    assert all(bar.y + bar.height == pytest.approx(cols.bars[0].y + cols.bars[0].height) for bar in cols.bars)
