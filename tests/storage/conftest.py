"""A real S3 API server for the storage tests (moto's server, a dev dependency, started as a
process on a free port for the session), and a second, fresh install to restore backups into."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa

from app import config, create_app
from app.extensions import db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    port = _free_port()
    command = Path(sys.executable).parent / "moto_server"
    with subprocess.Popen(
        [str(command), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as server:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
        server.terminate()
        server.wait()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """boto3's usual settings, pointing at the test server."""
    for name, value in {
        "AWS_ENDPOINT_URL": s3_server,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return s3_server


@pytest.fixture
def bucket(s3_env, app, monkeypatch):
    """A new bucket, which the app stores its uploads in (JAMAATI_STORAGE=s3://bucket/uploads)."""
    name = "jamaati-" + secrets.token_hex(6)
    client = boto3.client("s3")
    client.create_bucket(Bucket=name)
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{name}/uploads")
    yield name
    stores = app.extensions.get("jamaati_s3_stores", {})
    for store in stores.values():
        store.client.close()
    stores.clear()
    client.close()


def keys(bucket: str) -> list[str]:
    client = boto3.client("s3")
    try:
        return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))
    finally:
        client.close()


@pytest.fixture
def fresh_install(app, tmp_path):
    """A second install: an empty database (a new SQLite file, or a new PostgreSQL database on
    the same server) and its own uploads folder. Returns a function that makes its app."""
    made = []
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        fresh_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        name = f"{url.database}_restore"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        fresh_url = url.set(database=name).render_as_string(hide_password=False)

    def make(**settings):
        fresh = create_app(config.TestConfig(fresh_url, UPLOAD_FOLDER=str(tmp_path / "restored-uploads"), **settings))
        made.append(fresh)
        return fresh

    yield make
    for fresh in made:
        with fresh.app_context():
            db.session.remove()
            db.engine.dispose()
    if url.get_backend_name() != "sqlite":
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
