"""Moments are stored in UTC; legal days turn at midnight in Casablanca."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in Morocco: legal days turn at midnight in Casablanca, not in UTC."""
    return datetime.now(MOROCCO).date()


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes even for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_day(moment: datetime) -> date:
    """The day in Morocco on which a stored moment fell."""
    return aware(moment).astimezone(MOROCCO).date()


def iso_day(value) -> date | None:
    """A day kept as an ISO string (a timeline entry's or a notice's params), or None."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
