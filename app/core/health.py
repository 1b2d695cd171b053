"""What /healthz reports: the database, Redis (the shared rate-limit counters) and when the
notification worker last finished a pass. Only the database is needed to serve: without Redis
each server counts the limits alone, without a worker pushes wait in the outbox."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from app.core.dates import aware, utcnow
from app.extensions import db, limiter

log = logging.getLogger("jamaati.health")

NOTIFICATION_WORKER = "notifications"
# A pass waits 5 s between rounds; the hourly jobs may make one last a few minutes.
WORKER_LATE_AFTER = timedelta(minutes=10)
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError)


class WorkerBeat(db.Model):
    """When a worker last finished a pass: one row per kind of worker (several workers share it)."""

    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


def beat(name: str = NOTIFICATION_WORKER) -> None:
    """Record a finished pass (committed)."""
    now = utcnow()
    if not db.session.execute(sa.update(WorkerBeat).where(WorkerBeat.name == name).values(beat_at=now)).rowcount:
        try:
            db.session.add(WorkerBeat(name=name, beat_at=now))
            db.session.flush()
        except sa.exc.IntegrityError:  # another worker wrote the first beat at the same moment
            db.session.rollback()
    db.session.commit()


def database_answers() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        log.error("health check: database unreachable: %s", str(error).splitlines()[0])
        db.session.rollback()
        return False
    return True


def redis_status() -> str:
    """ "ok", "unreachable", or "not used" (a single server counting in memory)."""
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return "not used"
    return "ok" if limiter.storage.check() else "unreachable"


def worker_status(database_ok: bool) -> dict:
    if not database_ok:
        return {"status": "unknown", "last_beat": None}
    last = db.session.get(WorkerBeat, NOTIFICATION_WORKER)
    if last is None:
        return {"status": "never seen", "last_beat": None}
    moment = aware(last.beat_at)
    return {"status": "ok" if utcnow() - moment <= WORKER_LATE_AFTER else "late", "last_beat": moment.isoformat()}


def report() -> tuple[dict, int]:
    """The health report and its HTTP status: 503 only when this server cannot serve."""
    database_ok = database_answers()
    redis = redis_status()
    worker = worker_status(database_ok)
    degraded = redis == "unreachable" or worker["status"] != "ok"
    status = "error" if not database_ok else "degraded" if degraded else "ok"
    body = {
        "status": status,
        "database": "ok" if database_ok else "unreachable",
        "redis": redis,
        "worker": worker,
    }
    return body, 200 if database_ok else 503


class _LoudFallback(logging.Filter):
    """Flask-Limiter says a quiet warning when Redis goes away; operators need an error that says
    what it means."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "falling back to in-memory" in record.getMessage():
            record.levelno, record.levelname = logging.ERROR, "ERROR"
            record.msg, record.args = (
                "Redis unreachable: rate limits are counted by each app server alone until it is back",
                (),
            )
        return True


def init_app() -> None:
    if not any(isinstance(f, _LoudFallback) for f in limiter.logger.filters):
        limiter.logger.addFilter(_LoudFallback())
