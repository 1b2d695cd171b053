"""An offline POST may arrive more than once: the phone's outbox replays it, a double tap sends it
twice, an answer lost on 2G makes the phone try again. Each form carries an idempotency key; the
record it made stores the key, in a unique column, so a second arrival finds the first one.

The key is stored scoped to whoever made it (an account, a browser, an API client): a key copied
from someone else's page, or typed on purpose, never finds their record. A replay is answered
exactly as the first success was — whenever the key's record exists, also when the two arrive at
the same moment and the second loses the race on the unique column.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

T = TypeVar("T")


def owner_key(owner: str, key: str | None) -> str | None:
    """The key as stored: a digest of who made it and what they sent (64 hex characters)."""
    if not key:
        return None
    return hashlib.sha256(f"{owner}\x00{key.strip()[:200]}".encode()).hexdigest()


class Submission(Generic[T]):
    """One POST that may arrive more than once. ``find(key)`` looks the stored key up; ``same(record)``
    says whether that record is what this POST would make (a saved copy of a used form sends its
    old key with new content: that is a new submission)."""

    def __init__(
        self, owner: str, key: str | None, find: Callable[[str], T | None], same: Callable[[T], bool] = lambda r: True
    ) -> None:
        self.owner, self.raw = owner, key
        self.key = owner_key(owner, key)
        self._find, self._same = find, same

    def earlier(self) -> T | None:
        """What the first arrival of this POST made, if this is a replay of it. A key that made
        something else is replaced by a fresh one, so what is made now is a record of its own."""
        found = self._find(self.key) if self.key else None
        if found is None:
            return None
        if self._same(found):
            return found
        self.raw = secrets.token_urlsafe(24)  # the page shown again carries it: a replay of it is this one
        self.key = owner_key(self.owner, self.raw)
        return None

    def make(self, create: Callable[[str | None], T]) -> tuple[T, bool]:
        """Make the record under this key: (record, False). If a parallel arrival of the same POST
        stored it first (the unique key, or the case's version, refused this one), that record:
        (record, True) — answered as the success it is, never as a failure."""
        try:
            return create(self.key), False
        except (sa.exc.IntegrityError, StaleDataError):
            db.session.rollback()
            found = self._find(self.key) if self.key else None
            if found is None:
                raise
            return found, True
