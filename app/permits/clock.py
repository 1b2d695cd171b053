"""The legal deadline clock: calendar or working days, Moroccan weekend, public holidays, pauses.

Day 0 is the day the file was found complete. While documents are requested the clock is
paused, and the days it stood still push the deadline back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

WEEKEND = {5, 6}  # Saturday and Sunday (date.weekday())


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

    def pause_length(self, resumed_on: date, holidays: Collection[date]) -> int:
        return days_between(self.paused_since, resumed_on, self.working_days, holidays) if self.paused_since else 0
