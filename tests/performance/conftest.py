"""Moving time for the figures' tests: cases are built on known days through the services."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core import dates


class Clock:
    """Sets the one seam in app/core/dates: every utcnow() and today() read it."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch

    def at(self, moment: str) -> None:
        """``moment`` in Morocco's time, e.g. "2026-03-02 10:00"."""
        local = datetime.fromisoformat(moment).replace(tzinfo=dates.MOROCCO)
        self.monkeypatch.setattr(dates, "frozen_at", local.astimezone(dates.UTC))


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def rolled_up(app, demo, clock):
    """The spring of tests/performance/scenario.py, rolled up on its last day."""
    from app.extensions import db
    from app.performance import rollup
    from tests.performance import scenario

    scenario.build(app, clock)
    with app.app_context():
        rollup.refresh_all()
        db.session.remove()
