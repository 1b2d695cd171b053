"""A real S3 API server for the storage tests: moto's server (a dev dependency), started as a
process on a free port for the session."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest


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
