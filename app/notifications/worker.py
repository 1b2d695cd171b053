"""The worker: empties the push outbox and, every hour, looks for deadlines about to pass (and,
once a day, refreshes the public performance figures and sweeps the uploads).

Each delivery is claimed in its own short transaction. On PostgreSQL the claim is
``SELECT … FOR UPDATE SKIP LOCKED``: several workers never take the same row, so a notification
reaches a device once. SQLite has no row locks: run a single worker there.
"""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import health, jobs
from app.core.dates import utcnow
from app.extensions import db
from app.notifications import push, services
from app.notifications.models import PushDelivery, PushSubscription

log = logging.getLogger("jamaati.notifications")

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
DEADLINES_EVERY_SECONDS = 3600
KEEP_SENT = timedelta(days=7)


def backoff(attempts: int, retry_after: float | None) -> timedelta:
    """Retry-After when the push service gave one; else 30 s, 1 min, 2 min … up to an hour."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, retry_after))
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def claim(now: datetime) -> PushDelivery | None:
    statement = (
        sa.select(PushDelivery)
        .where(PushDelivery.sent_at.is_(None), PushDelivery.failed_at.is_(None), PushDelivery.next_attempt_at <= now)
        .order_by(PushDelivery.next_attempt_at, PushDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(statement)


def deliver(delivery: PushDelivery, now: datetime) -> push.Result | None:
    """Send one claimed delivery and record the outcome (not committed)."""
    subscription, notification = delivery.subscription, delivery.notification
    user = subscription.user
    if (
        not user.active
        or subscription.session_version != user.session_version
        or subscription.user_id != notification.user_id
    ):
        # Signed out everywhere by a password change, or the account closed: this phone stops here.
        services.forget(PushSubscription.id == subscription.id)
        return None
    if not services.allowed_endpoint(subscription.endpoint):
        # Stored before the endpoint check was as strict as the sender: never posted to.
        log.warning("push subscription=%s has an endpoint that is not a push service: removed", subscription.id)
        services.forget(PushSubscription.id == subscription.id)
        return None
    delivery.attempts += 1
    outcome = push.send(subscription, services.push_payload(notification, subscription.language), now)
    if outcome.result is push.Result.SENT:
        delivery.sent_at, delivery.last_error = now, None
    elif outcome.result is push.Result.GONE:
        log.info("push subscription gone, removed subscription=%s (%s)", subscription.id, outcome.error)
        services.forget(PushSubscription.id == subscription.id)
    elif outcome.result is push.Result.RETRY:
        delivery.next_attempt_at = now + backoff(delivery.attempts, outcome.retry_after)
        delivery.last_error = outcome.error
        log.warning("push delayed delivery=%s attempt=%s: %s", delivery.id, delivery.attempts, outcome.error)
    else:
        delivery.failed_at, delivery.last_error = now, outcome.error
        log.error("push failed delivery=%s: %s", delivery.id, outcome.error)
    return outcome.result


def deliver_due(now: datetime | None = None) -> int:
    """Send every delivery that is due; returns how many were sent."""
    sent = 0
    while True:
        moment = now or utcnow()
        delivery = claim(moment)
        if delivery is None:
            db.session.commit()
            return sent
        delivery_id = delivery.id
        try:
            sent += deliver(delivery, moment) is push.Result.SENT
        except Exception as error:  # a bug or bad data: keep the row for inspection, go on with the others
            log.exception("push delivery=%s broke", delivery_id)
            db.session.rollback()
            db.session.execute(
                sa.update(PushDelivery)
                .where(PushDelivery.id == delivery_id)
                .values(failed_at=moment, last_error=repr(error)[:500])
            )
        db.session.commit()


def purge_sent(now: datetime | None = None) -> None:
    """Sent pushes are history (the inbox keeps the notification); refused ones stay for inspection."""
    db.session.execute(sa.delete(PushDelivery).where(PushDelivery.sent_at < (now or utcnow()) - KEEP_SENT))
    db.session.commit()


RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0


def one_pass(last_deadlines: float | None) -> float | None:
    """Deadlines and figures when an hour has passed, then every push that is due; returns when
    the hourly jobs last ran."""
    if last_deadlines is None or time.monotonic() - last_deadlines >= DEADLINES_EVERY_SECONDS:
        told = jobs.run(jobs.remind_deadlines, current_app._get_current_object())
        purge_sent()
        last_deadlines = time.monotonic()
        log.info("deadline reminders: %s clerks told", told)
        jobs.run(jobs.refresh_figures, current_app._get_current_object())
        jobs.run(jobs.tidy_uploads, current_app._get_current_object())
    deliver_due()
    health.beat()
    return last_deadlines


def run(once: bool = False, idle_seconds: float = 5.0) -> None:
    last_deadlines = None
    failures = 0
    while True:
        wait = idle_seconds
        try:
            last_deadlines = one_pass(last_deadlines)
        except Exception as error:
            if once:
                raise
            # The database or the network is down: nothing is lost, try again later, less and less
            # often; one line each time for an outage (a traceback every 5 s says nothing more),
            # the traceback for anything else (a bug).
            failures += 1
            wait = min(max(idle_seconds, RETRY_FIRST_SECONDS) * 2 ** (failures - 1), RETRY_MAX_SECONDS)
            if isinstance(error, health.DATABASE_DOWN):
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                log.error(
                    "notification worker: database unreachable (failure %s), next try in %.0f s: %s",
                    failures,
                    wait,
                    reason,
                )
            else:
                log.exception("notification worker pass failed (failure %s), next try in %.0f s", failures, wait)
            with contextlib.suppress(Exception):
                db.session.rollback()
        else:
            if failures:
                log.info("notification worker: working again after %s failed passes", failures)
            failures = 0
        finally:
            db.session.remove()
        if once:
            return
        time.sleep(wait)
