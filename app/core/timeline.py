"""What every case's timeline shares: the columns of an entry, and ``record``, which writes one
and announces it (the area's blinker signal) in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from blinker import Signal
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.dates import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.core.statemachine import Transition
    from app.models import User


class TimelineEntry:
    """One line of a case's timeline: who, when, what. Texts are rendered in the reader's
    language from ``event`` and ``params``; ``message`` is what a person wrote. Each area's
    table adds the key of its case and a ``status`` column (the status after the entry)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    message: Mapped[str | None] = mapped_column(sa.Text)
    public: Mapped[bool] = mapped_column(default=True)

    @declared_attr
    def actor(cls) -> Mapped[User | None]:
        return relationship("User")


class HasTimeline:
    """A case with a timeline. Subclasses name their entry model, the entry's attribute that
    holds the case, and the signal their area announces each entry with."""

    timeline_entry: ClassVar[type]
    timeline_case: ClassVar[str]
    timeline_signal: ClassVar[Signal]

    def record(
        self,
        event: str,
        actor: User | None,
        *,
        public: bool = True,
        message: str | None = None,
        transition: Transition | None = None,
        previous=None,
        **params,
    ):
        """Write a timeline entry and announce it. Receivers run now, in this transaction (the
        caller commits): what they add lands with the entry, or not at all."""
        entry = self.timeline_entry(
            **{self.timeline_case: self},
            actor=actor,
            event=event,
            status=self.status,
            params=params,
            message=message,
            public=public,
        )
        db.session.add(entry)
        with db.session.no_autoflush:  # a flush error belongs to the caller's commit, not to a receiver
            self.timeline_signal.send(entry, case=self, transition=transition, previous=previous)
        return entry
