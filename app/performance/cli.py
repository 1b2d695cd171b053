"""flask performance refresh [--commune CODE]: the daily roll-up, by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.communes.services import get_by_code
from app.performance import rollup

performance_cli = AppGroup("performance", help="Public performance figures.")


@performance_cli.command("refresh")
@click.option("--commune", "code", help="HCP code of one open commune (default: every open commune).")
def refresh(code: str | None) -> None:
    """Recompute the public figures (the notification worker does it once a day)."""
    if code:
        commune = get_by_code(code)
        if commune is None or not commune.is_open:
            raise click.ClickException(f"no open commune with code {code}")
        click.echo(f"{commune.code}: {rollup.refresh(commune)} figures")
        return
    click.echo(f"{rollup.refresh_all()} communes refreshed")
