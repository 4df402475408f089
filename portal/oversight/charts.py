"""The geometry of the statistics page's SVG charts (drawn by templates/oversight/_charts.html
as inline SVG: no script, no inline style — the CSP allows neither — colours from portal.css).

`hbars` lays out one horizontal bar per figure (organizations by plan), `columns` one column
per day (sign-ins); suppressed figures get no bar, only their label. A "nice" scale maximum
(1, 2 or 5 × 10ⁿ) keeps the axis ticks round.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    group: str
    value: int | None
    x: float
    y: float
    width: float
    height: float


def nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at least `value` (at least 1)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def tick_values(top: int) -> list[int]:
    """Round ticks from 0 to `top` (a `nice_max`): five steps when they are whole numbers."""
    steps = 5 if top % 5 == 0 else (4 if top % 4 == 0 else top)
    return [top * k // steps for k in range(steps + 1)]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    scale_max: int
    ticks: list[tuple[float, int]]   # (position, value) along the value axis


def hbars(figures, *, width: int = 640, label_width: int = 230, row: int = 30) -> Chart:
    values = [f.value for f in figures if f.value is not None]
    top = nice_max(max(values, default=0))
    area = width - label_width - 60
    bars = [Bar(f.label, f.group, f.value, label_width, 24 + i * row,
                0 if f.value is None else area * f.value / top, row - 10)
            for i, f in enumerate(figures)]
    ticks = [(label_width + area * v / top, v) for v in tick_values(top)]
    return Chart(width, 24 + len(figures) * row + 10, bars, top, ticks)


def columns(figures, *, width: int = 640, height: int = 240, left: int = 48, bottom: int = 34) -> Chart:
    values = [f.value for f in figures if f.value is not None]
    top = nice_max(max(values, default=0))
    area_w, area_h = width - left - 10, height - bottom - 16
    slot = area_w / max(len(figures), 1)
    bars = []
    for i, f in enumerate(figures):
        h = 0 if f.value is None else area_h * f.value / top
        bars.append(Bar(f.label, f.group, f.value, left + i * slot + slot * 0.15,
                        16 + area_h - h, slot * 0.7, h))
    ticks = [(16 + area_h - area_h * v / top, v) for v in tick_values(top)]
    return Chart(width, height, bars, top, ticks)
