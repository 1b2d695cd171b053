"""The legal deadline clock: calendar or working days, Moroccan weekend, public holidays, pauses.

Day 0 is the day the file was found complete. While documents are requested the clock is
paused, and the days it stood still push the deadline back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

WEEKEND = {5, 6}  # Saturday and Sunday (date.weekday())
# Where day_number counts working days from: before any file (a Saturday, so weeks line up).
EPOCH = date(2000, 1, 1)


def counts(day: date, working_days: bool, holidays: Collection[date]) -> bool:
    return not working_days or (day.weekday() not in WEEKEND and day not in holidays)


def days_between(start: date, end: date, working_days: bool, holidays: Collection[date]) -> int:
    """Counted days after ``start`` up to and including ``end`` (0 when end <= start)."""
    total, day = 0, start
    while day < end:
        day += timedelta(days=1)
        total += counts(day, working_days, holidays)
    return total


def advance(start: date, days: int, working_days: bool, holidays: Collection[date]) -> date:
    """The day on which ``days`` counted days after ``start`` have passed."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= counts(day, working_days, holidays)
    return day


def day_number(day: date, working_days: bool, holidays: Collection[date]) -> int:
    """The day's place on a clock's count: its ordinal in calendar days, else the working days
    since EPOCH. Between two days it moves by the days a clock counts, so a stored due date's
    number less today's is the days left, for SQL to sort by (see Clock.due_number)."""
    if not working_days:
        return day.toordinal()
    weeks, rest = divmod((day - EPOCH).days, 7)
    weekdays = weeks * 5 + sum((EPOCH + timedelta(days=n)).weekday() not in WEEKEND for n in range(1, rest + 1))
    return weekdays - sum(EPOCH < h <= day and h.weekday() not in WEEKEND for h in holidays)


@dataclass(frozen=True)
class Clock:
    started_on: date | None
    legal_days: int
    working_days: bool
    paused_days: int = 0  # counted days spent paused in earlier pauses
    paused_since: date | None = None

    def used(self, today: date, holidays: Collection[date]) -> int:
        if self.started_on is None:
            return 0
        until = self.paused_since or today
        return max(0, days_between(self.started_on, until, self.working_days, holidays) - self.paused_days)

    def left(self, today: date, holidays: Collection[date]) -> int | None:
        """Counted days left (negative once overdue); None before the clock starts."""
        if self.started_on is None:
            return None
        left = self.legal_days - self.used(today, holidays)
        if left >= 0 and self.paused_since is None and today > self.deadline(today, holidays):
            return -1  # a weekend or holiday after the last day: already late, not "0 days left"
        return left

    def deadline(self, today: date, holidays: Collection[date]) -> date | None:
        """The last day for an answer, as things stand today."""
        if self.started_on is None:
            return None
        if self.paused_since is not None:
            # Paused: the deadline moves a day for every counted day of the pause.
            extra = days_between(self.paused_since, max(today, self.paused_since), self.working_days, holidays)
            return advance(self.started_on, self.legal_days + self.paused_days + extra, self.working_days, holidays)
        return advance(self.started_on, self.legal_days + self.paused_days, self.working_days, holidays)

    def due_on(self, holidays: Collection[date]) -> date | None:
        """The legal due date as the clock stands; while paused, as it stood on the day it paused."""
        if self.started_on is None:
            return None
        return advance(self.started_on, self.legal_days + self.paused_days, self.working_days, holidays)

    def due_number(self, holidays: Collection[date]) -> int | None:
        """What the queue sorts by: days left = this less today's day_number on the clock's own
        count. While paused the days left stand still: then it is the days left themselves."""
        if self.started_on is None:
            return None
        if self.paused_since is not None:
            return self.left(self.paused_since, holidays)
        return day_number(self.due_on(holidays), self.working_days, holidays)

    def pause_length(self, resumed_on: date, holidays: Collection[date]) -> int:
        return days_between(self.paused_since, resumed_on, self.working_days, holidays) if self.paused_since else 0
