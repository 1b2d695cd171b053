"""Moments are stored in UTC; legal days turn at midnight in Casablanca."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")
# Times recorded on a phone (a report written on site, a complaint written offline) travel with the
# form. A phone's clock may be a few minutes off; a form may wait in its outbox for weeks, not months.
PHONE_CLOCK_SKEW = timedelta(minutes=5)
PHONE_TIME_MAX_AGE = timedelta(days=30)

# The one seam for moving time: tests that build cases "on" known days set it (and only tests);
# everything that asks the time goes through utcnow() and today().
frozen_at: datetime | None = None


def utcnow() -> datetime:
    return frozen_at or datetime.now(UTC)


def today() -> date:
    """Today in Morocco: legal days turn at midnight in Casablanca, not in UTC."""
    return utcnow().astimezone(MOROCCO).date()


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


def parse_phone_time(text: str | None) -> datetime | None:
    """A moment sent by a phone (ISO 8601 from its clock, e.g. 2026-03-12T09:50:00.000Z), or None
    when there is none or it cannot be read. Without a zone it is UTC."""
    try:
        return aware(datetime.fromisoformat(text.strip()[:40])) if text and text.strip() else None
    except ValueError:
        return None


def phone_time(claimed: datetime | None, received_at: datetime, not_before: datetime | None = None) -> datetime:
    """When the phone says it happened, if that is believable: not in the future (beyond a clock
    a little fast), not before ``not_before`` (what it is about did not exist yet), not absurdly old.
    Otherwise, and when the phone said nothing, the moment it reached us."""
    if claimed is None:
        return received_at
    claimed = aware(claimed)
    earliest = received_at - PHONE_TIME_MAX_AGE
    if not_before is not None:
        earliest = max(earliest, aware(not_before) - PHONE_CLOCK_SKEW)
    return claimed if earliest <= claimed <= received_at + PHONE_CLOCK_SKEW else received_at
