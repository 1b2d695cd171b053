"""What several app servers must share lives in Redis (rate limits) or the database (lockouts).

Two real gunicorn servers, one database, one Redis: a client that uses up the sign-in limit on
one server is refused by the other.
"""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BIN = Path(sys.executable).parent


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is not answering at {REDIS_URL}")
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(tmp_path, redis_url):
    env = {
        **os.environ,
        "JAMAATI_DEMO": "1",
        "JAMAATI_INSTANCE": str(tmp_path),
        "REDIS_URL": redis_url,
        "JAMAATI_AUTH_RATE_LIMIT": "5 per minute",
        "SECRET_KEY": uuid.uuid4().hex,
    }
    subprocess.run(
        [BIN / "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 30
        while not all(_answers(url) for url in urls):
            assert time.monotonic() < deadline, "servers did not start"
            time.sleep(0.2)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url + "/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _failed_sign_in(session: requests.Session, url: str) -> int:
    page = session.get(url + "/signin").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return session.post(
        url + "/signin", data={"csrf_token": token, "login": "someone@demo.ma", "password": "wrong"}, timeout=5
    ).status_code


def test_two_app_servers_share_the_sign_in_rate_limit_through_redis(two_servers):
    first, second = two_servers
    session = requests.Session()  # the same session cookie works on both: one SECRET_KEY
    assert [_failed_sign_in(session, first) for _ in range(5)] == [200] * 5
    assert _failed_sign_in(session, second) == 429
