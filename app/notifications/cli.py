"""flask notifications work | deadlines"""

from __future__ import annotations

import click
from flask import current_app

from app.core import jobs
from app.notifications import bp, worker


@bp.cli.command("work")
@click.option("--once", is_flag=True, help="One pass (deadlines, then every push that is due), then exit.")
@click.option("--idle", default=5.0, show_default=True, help="Seconds to wait between passes.")
def work(once: bool, idle: float) -> None:
    """Send the pushes waiting in the outbox; look for deadlines every hour."""
    worker.run(once=once, idle_seconds=idle)


@bp.cli.command("deadlines")
def deadlines() -> None:
    """Tell clerks about legal deadlines about to pass or passed (once per case and threshold)."""
    click.echo(f"deadline reminders: {jobs.run(jobs.remind_deadlines, current_app._get_current_object())} sent")
