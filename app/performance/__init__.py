"""Transparency: every commune's performance in public (/communes/<code>/performance, /performance)
and its data open to download (/open-data), from the figures the daily roll-up leaves.
`flask performance refresh` runs the roll-up by hand; the notification worker sends the daily
job signal it listens to (app.core.jobs.refresh_figures)."""

from flask import Blueprint

bp = Blueprint("performance", __name__, cli_group=None)  # flask performance …

from app.performance import jobs, routes  # noqa: E402,F401  (they attach to bp and to the job signal)
from app.performance.cli import performance_cli  # noqa: E402

bp.cli.add_command(performance_cli)
