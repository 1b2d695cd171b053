"""Days as the roll-up counts them, in SQL: a day number for a date or a moment, and a calendar.

Every figure is about days in Morocco, counted like the case pages count them. The calendar is
built here, in Python, with the permit clock's own rule (``app.permits.clock.counts``: weekend
and public holidays), one row per day; the roll-up's SQL only adds and compares its numbers, so a
file's deadline in the figures is the deadline its page shows. It is a temporary table of the
roll-up's connection: nothing else reads it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.core.dates import MOROCCO
from app.permits.clock import counts

EPOCH = date(1970, 1, 1)
DAY_SECONDS = 86_400

CALENDAR = sa.Table(
    "performance_calendar",
    sa.MetaData(),
    sa.Column("day_number", sa.Integer, primary_key=True),  # days since 1970-01-01
    sa.Column("month", sa.String(7)),  # "2026-03"
    sa.Column("working_index", sa.Integer),  # working days up to and including this day
    sa.Column("counted", sa.Boolean),  # a working day: not a weekend day, not a holiday
    # Morocco's offset from UTC at the end of this UTC day: where a moment's local day begins
    # (SQLite has no time zones; offsets change at 02:00 UTC, never in the last hour of a day).
    sa.Column("shift_seconds", sa.Integer),
)

_CREATE = [
    "CREATE TEMPORARY TABLE IF NOT EXISTS performance_calendar (day_number INTEGER PRIMARY KEY, "
    "month VARCHAR(7) NOT NULL, working_index INTEGER NOT NULL, counted BOOLEAN NOT NULL, "
    "shift_seconds INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS performance_calendar_working ON performance_calendar (working_index)",
]


def day_number(day: date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


def calendar_rows(first: date, last: date, holidays: Collection[date]) -> list[dict]:
    rows, working_index, day = [], 0, first
    while day <= last:
        counted = counts(day, True, holidays)
        working_index += counted
        end_of_day = datetime.combine(day, time(23), UTC).astimezone(MOROCCO)
        rows.append(
            {
                "day_number": day_number(day),
                "month": day.strftime("%Y-%m"),
                "working_index": working_index,
                "counted": counted,
                "shift_seconds": int(end_of_day.utcoffset().total_seconds()),
            }
        )
        day += timedelta(days=1)
    return rows


def build(connection, first: date, last: date, holidays: Collection[date]) -> None:
    """(Re)fill this connection's calendar with every day from ``first`` to ``last``."""
    for statement in _CREATE:
        connection.execute(sa.text(statement))
    connection.execute(CALENDAR.delete())
    connection.execute(CALENDAR.insert(), calendar_rows(first, last, holidays))


# --- day numbers in SQL ----------------------------------------------------------------------


class day_of(FunctionElement):
    """The day number of a DATE column."""

    type = sa.Integer()
    inherit_cache = True


class local_day_of(FunctionElement):
    """The day number, in Morocco, of a moment stored in UTC (what ``local_day()`` gives in Python)."""

    type = sa.Integer()
    inherit_cache = True


@compiles(day_of)
def _day_of(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(local_day_of)
def _local_day_of(element, compiler, **kw):
    moment = compiler.process(element.clauses, **kw)
    return f"(CAST(({moment} AT TIME ZONE '{MOROCCO.key}') AS DATE) - DATE '1970-01-01')"


@compiles(local_day_of, "sqlite")
def _local_day_of_sqlite(element, compiler, **kw):
    # Whole seconds (fractions cut, never rounded up past midnight), shifted by the day's offset.
    seconds = f"CAST(strftime('%s', substr({compiler.process(element.clauses, **kw)}, 1, 19)) AS INTEGER)"
    shift = f"(SELECT shift_seconds FROM performance_calendar WHERE day_number = {seconds} / {DAY_SECONDS})"
    return f"(({seconds} + {shift}) / {DAY_SECONDS})"
