"""Small bar charts of monthly figures, drawn on the server as SVG (no script, no chart library).

Only the geometry is computed here; templates/performance/_macros.html draws it, with the same
figures in a table beside it. In Arabic time runs from right to left, like the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.performance.figures import CommuneFigures, Figure
from app.performance.measures import FEWER_THAN

WIDTH, HEIGHT = 320, 150
PAD = 6
TOP, BASELINE = 16, 112  # the tallest bar reaches the scale's line; month names below the baseline
LABEL_ROWS = (126, 142)  # month names alternate between two rows, so that long ones never overlap


@dataclass(frozen=True)
class Bar:
    month: str  # "2026-03"
    figure: Figure
    x: int
    width: int
    height: int
    centre: int
    label_y: int

    @property
    def y(self) -> int:
        return BASELINE - self.height

    @property
    def day(self) -> date:
        return month_start(self.month)


@dataclass(frozen=True)
class Chart:
    code: str
    title: str
    bars: list[Bar]
    tallest: float = 1.0  # the value of a full-height bar: the scale, written at the top
    right_to_left: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BASELINE
    top: int = TOP

    @property
    def scale_x(self) -> int:
        """The scale's number sits at the start of the line (the right, in Arabic)."""
        return WIDTH - 2 if self.right_to_left else 2

    def scale(self, words) -> str:
        return words.short(Figure(self.bars[0].figure.measure, FEWER_THAN, self.tallest)) if self.bars else ""

    @property
    def path(self) -> str:
        """Every bar in one path (fewer bytes than a rect each): up from the baseline, across, down."""
        return "".join(f"M{b.x} {BASELINE}v-{b.height}h{b.width}v{b.height}z" for b in self.bars if b.height)


def month_start(month: str) -> date:
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def monthly(figures: CommuneFigures, code: str, title: str, right_to_left: bool) -> Chart:
    months = figures.months
    shown = [figures.get(month, code) for month in months]
    share = bool(shown) and shown[0].measure.kind == "share"
    tallest = 1.0 if share else max((f.public_value or 0 for f in shown), default=0) or 1.0
    slot = (WIDTH - 2 * PAD) / max(len(months), 1)
    bars = []
    for index, (month, figure) in enumerate(zip(months, shown, strict=True)):
        place = len(months) - 1 - index if right_to_left else index
        left = PAD + place * slot
        height = (figure.public_value or 0) / tallest * (BASELINE - TOP)
        bars.append(
            Bar(
                month,
                figure,
                round(left + slot * 0.2),
                round(slot * 0.6),
                round(height),
                round(left + slot / 2),
                LABEL_ROWS[index % 2],
            )
        )
    return Chart(code, title, bars, tallest, right_to_left)
