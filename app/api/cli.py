"""flask open311 …: api_keys of Open311 client applications."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.api import services as api
from app.complaints.models import ApiClient
from app.extensions import db

open311_cli = AppGroup("open311", help="Open311 GeoReport v2: api keys of client applications.")


@open311_cli.command("issue-key")
@click.argument("name")
def issue_key(name: str) -> None:
    """Issue an api_key for the client application NAME; it is printed once, only its hash is kept."""
    try:
        client, key = api.issue_key(name)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"client {client.id}: {client.name}")
    click.echo(f"api_key: {key}")
    click.echo("Keep it now: it is stored hashed and cannot be shown again.")


@open311_cli.command("list-keys")
def list_keys() -> None:
    """The client applications and whether their key is active."""
    for client in db.session.scalars(sa.select(ApiClient).order_by(ApiClient.id)):
        click.echo(f"{client.id}\t{'active' if client.active else 'revoked'}\t{client.name}")


@open311_cli.command("revoke-key")
@click.argument("client_id", type=int)
def revoke_key(client_id: int) -> None:
    """Revoke the key of the client application with this id (see list-keys)."""
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise click.ClickException(f"no client application {client_id}")
    api.revoke_key(client)
    click.echo(f"revoked: {client.id} {client.name}")
