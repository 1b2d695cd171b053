"""Reading the figures the roll-up left, and the one privacy rule every page and file applies:
a figure drawn from fewer than five cases is never shown, only "fewer than 5"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale

from app.core.dates import aware, local_day, today
from app.extensions import db
from app.i18n import gettext as _
from app.performance.measures import BY_CODE, FEWER_THAN, Measure
from app.performance.models import WINDOWS, PerformanceFigure

FEWER_THAN_TEXT = "fewer than 5"  # in the files: the same words in every language (their schema says so)
PER_INHABITANTS = 10_000


@dataclass(frozen=True)
class Figure:
    measure: Measure
    cases: int = 0
    value: float | None = None

    @property
    def hidden(self) -> bool:
        """Drawn from fewer than five cases (none included): shown as "fewer than 5"."""
        return self.cases < FEWER_THAN or self.value is None

    @property
    def public_value(self) -> float | None:
        return None if self.hidden else self.value

    def file_value(self) -> float | int | str:
        """As the CSV and JSON files give it."""
        if self.hidden:
            return FEWER_THAN_TEXT
        if self.measure.kind == "count":
            return int(self.value)
        return round(self.value, 4)


class Words:
    """Figures as a page writes them, in its language. Made once per page: the locale and the
    words are looked up once, not for each of the page's hundreds of figures."""

    def __init__(self) -> None:
        self.locale = get_locale()
        self.fewer = _("fewer than 5")
        self._months: dict[tuple[date, str], str] = {}

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def text(self, figure: Figure) -> str:
        if figure.hidden:
            return self.fewer
        kind = figure.measure.kind
        if kind == "count":
            return self.number(figure.value)
        if kind == "share":
            return format_percent(figure.value, locale=self.locale)
        if kind == "median":
            return _("%(days)s days", days=self.number(round(figure.value, 1)))
        return _("%(rating)s / 5", rating=self.number(round(figure.value, 1)))

    def short(self, figure: Figure) -> str:
        """Above a bar: the number alone."""
        if figure.hidden:
            return "<5"
        if figure.measure.kind == "share":
            return format_percent(figure.value, locale=self.locale)
        return self.number(round(figure.value, 1))

    def per_inhabitants(self, figure: Figure, population: int | None) -> str:
        """A count per 10,000 inhabitants, under the same rule."""
        if figure.hidden:
            return self.fewer
        if not population:
            return "—"
        return self.number(round(figure.value * PER_INHABITANTS / population, 1))

    def month(self, day: date, pattern: str) -> str:
        if (day, pattern) not in self._months:
            self._months[(day, pattern)] = format_date(day, pattern, locale=self.locale)
        return self._months[(day, pattern)]


class CommuneFigures:
    """All the figures of one commune, as stored by its last roll-up."""

    def __init__(self, rows: list) -> None:
        self.rows = {}
        self.keys: dict[tuple, list[str]] = defaultdict(list)  # (period, measure, dimension) -> keys
        for row in rows:
            self.rows[(row.period, row.measure, row.dimension, row.key)] = row
            self.keys[(row.period, row.measure, row.dimension)].append(row.key)
        self.refreshed_at: datetime | None = aware(max(r.refreshed_at for r in rows)) if rows else None

    @property
    def computed(self) -> bool:
        return self.refreshed_at is not None

    @property
    def day(self) -> date | None:
        """The day the figures are "as of"."""
        return local_day(self.refreshed_at) if self.refreshed_at else None

    def get(self, period: str, code: str, dimension: str = "", key: str = "") -> Figure:
        row = self.rows.get((period, code, dimension, key))
        return Figure(BY_CODE[code], row.cases, row.value) if row else Figure(BY_CODE[code])

    def breakdown(self, period: str, code: str, dimension: str) -> list[tuple[str, Figure]]:
        """(key, figure) of every key the commune has cases for, most cases first."""
        keys = self.keys.get((period, code, dimension), [])
        figures = [(key, self.get(period, code, dimension, key)) for key in keys]
        return sorted(figures, key=lambda pair: (-pair[1].cases, pair[0]))

    @cached_property
    def months(self) -> list[str]:
        """The twelve months of "the last 12 months", oldest first ("2025-06" … "2026-05")."""
        if not self.day:
            return []
        months, month = [], self.day.replace(day=1)
        for _month in range(12):
            months.insert(0, month.strftime("%Y-%m"))
            month = (month - timedelta(days=1)).replace(day=1)
        return months

    def periods(self) -> list[str]:
        """Every month the figures cover, oldest first."""
        return sorted({p for (p, *_rest) in self.rows if p not in WINDOWS})


COLUMNS = (
    PerformanceFigure.commune_id,
    PerformanceFigure.period,
    PerformanceFigure.measure,
    PerformanceFigure.dimension,
    PerformanceFigure.key,
    PerformanceFigure.cases,
    PerformanceFigure.value,
    PerformanceFigure.refreshed_at,
)


def _read(statement) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in db.session.execute(statement.execution_options(skip_commune_scope=True)):
        grouped.setdefault(row.commune_id, []).append(row)
    return grouped


def of_commune(commune_id: int) -> CommuneFigures:
    """What a commune's page shows: every figure of the three windows, the monthly totals of the
    last months (a year and a month back: the roll-up may be of yesterday)."""
    since = (today().replace(day=1) - timedelta(days=366)).strftime("%Y-%m")
    statement = sa.select(*COLUMNS).where(
        PerformanceFigure.commune_id == commune_id,
        sa.or_(
            PerformanceFigure.period.in_(WINDOWS),
            sa.and_(PerformanceFigure.dimension == "", PerformanceFigure.period >= since),
        ),
    )
    return CommuneFigures(_read(statement).get(commune_id, []))


def of_communes(commune_ids: list[int], period: str) -> dict[int, CommuneFigures]:
    """The totals of one window for several communes (the page of all communes)."""
    statement = sa.select(*COLUMNS).where(
        PerformanceFigure.commune_id.in_(commune_ids),
        PerformanceFigure.period == period,
        PerformanceFigure.dimension == "",
    )
    found = _read(statement)
    return {commune_id: CommuneFigures(found.get(commune_id, [])) for commune_id in commune_ids}
