"""Notifications (the inbox, one row per person told) and web push (one subscription per
device, one delivery row per notification and device: the outbox the worker empties)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.extensions import db
from app.models import User


class Notification(db.Model):
    """What happened, stored as a kind and the parameters its sentence needs (a reference, a
    status…): the text is written when it is read or pushed, in the reader's language (each area
    declares its kinds, app.core.notices). Per person, not per commune (no CommuneScoped)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # "Once per case per threshold" for deadline reminders: the same key is never told twice.
        sa.UniqueConstraint("user_id", "once_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    url: Mapped[str] = mapped_column(sa.String(300))
    once_key: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()


class PushSubscription(db.Model):
    """A phone's browser, signed in as ``user``: where to push and in which language."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    language: Mapped[str] = mapped_column(sa.String(5))
    # The device's cookie: sign-out on this phone removes this phone's subscription only.
    device: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # A password change signs other devices out: their subscriptions stop with it.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class PushDelivery(db.Model):
    """One notification to one device. Written with the notification, in the transaction of the
    event; the worker claims due rows, sends, and records what the push service said."""

    __tablename__ = "push_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("push_subscriptions.id", ondelete="CASCADE"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # given up: kept for inspection
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    notification: Mapped[Notification] = relationship()
    subscription: Mapped[PushSubscription] = relationship()

    __table_args__ = (sa.Index("ix_push_deliveries_due", "sent_at", "failed_at", "next_attempt_at"),)
