"""The roll-up on the worker's clock: refreshed once a day (app.core.jobs.refresh_figures)."""

from __future__ import annotations

from app.core import jobs
from app.performance import rollup


@jobs.refresh_figures.connect
def refresh_once_a_day(app) -> int:
    return rollup.refresh_once_a_day()
