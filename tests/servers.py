"""Real servers the outage and deployment tests run: gunicorn serving the app, a Redis of the
test's own (so stopping it disturbs nobody), on free ports of this machine."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s"
        time.sleep(0.2)


def app_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """A demo instance of its own in tmp_path (SQLite there unless DATABASE_URL is given)."""
    return {
        **os.environ,
        "JAMAATI_DEMO": "1",
        "JAMAATI_INSTANCE": str(tmp_path),
        "SECRET_KEY": uuid.uuid4().hex,
        **settings,
    }


@contextlib.contextmanager
def server_database(config, folder: Path):
    """A database of its own for servers a test starts: on the PostgreSQL server the suite runs on
    (--database-url), a new database dropped afterwards; else an SQLite file in ``folder``."""
    base = config.getoption("--database-url")
    if not base:
        yield f"sqlite:///{folder / 'server.sqlite'}"
        return
    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_srv_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def seed_demo(env: dict[str, str]) -> None:
    for command in (("db", "upgrade"), ("communes", "import"), ("permits", "seed"), ("demo", "seed")):
        flask(env, *command)


def answers(url: str, **kwargs) -> bool:
    try:
        requests.get(url + "/healthz", timeout=5, **kwargs)
    except requests.RequestException:
        return False
    return True


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int | None = None, log: Path | None = None):
    """One app server; yields its URL. Its log (stderr) goes to ``log`` when given."""
    port = port or free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is not None or answers(url), "gunicorn answering")
        assert server.poll() is None, f"gunicorn stopped: see {log}"
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        if log:
            out.close()


class OwnRedis:
    """A redis-server for one test, on a free port: ``stop()`` really stops it."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("REQUIRE_REDIS"):
                pytest.fail("redis-server is not installed")
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, "redis-server answering", 10)

    def _answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def csrf_token(session: requests.Session, url: str, **kwargs) -> str:
    match = CSRF_FIELD.search(session.get(url, timeout=10, **kwargs).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(session: requests.Session, base: str, login: str, password: str = "jamaati-demo", headers=None):
    token = csrf_token(session, base + "/signin", headers=headers)
    return session.post(
        base + "/signin",
        data={"csrf_token": token, "login": login, "password": password},
        # As a browser sends it: over HTTPS the CSRF check wants a same-site Referer.
        headers={"Referer": base + "/signin", **(headers or {})},
        timeout=10,
        allow_redirects=False,
    )
