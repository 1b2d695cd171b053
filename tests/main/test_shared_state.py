"""What several app servers must share lives in Redis (rate limits) or the database (lockouts).

Two real gunicorn servers, one database, one Redis: a client that uses up the sign-in limit on
one server is refused by the other.
"""

import os
import re

import pytest
import redis
import requests

from tests.servers import app_env, flask, gunicorn

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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


@pytest.fixture
def two_servers(tmp_path, redis_url):
    env = app_env(tmp_path, REDIS_URL=redis_url, JAMAATI_AUTH_RATE_LIMIT="5 per minute")
    flask(env, "db", "upgrade")
    with gunicorn(env) as first, gunicorn(env) as second:
        yield first, second


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
