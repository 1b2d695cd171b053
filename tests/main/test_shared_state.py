"""What several app servers must share lives in Redis (rate limits, failed sign-in counts) or the
database (sessions).

Two real gunicorn servers, one database, one Redis: a client that uses up the sign-in limit on
one server is refused by the other, and failed sign-ins counted on one slow the other down.
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
def two_servers(request, tmp_path, redis_url):
    overrides = {"JAMAATI_AUTH_RATE_LIMIT": "5 per minute", **getattr(request, "param", {})}
    env = app_env(tmp_path, REDIS_URL=redis_url, **overrides)
    flask(env, "db", "upgrade")
    with gunicorn(env) as first, gunicorn(env) as second:
        yield first, second


def _failed_sign_in(session: requests.Session, url: str, login: str = "someone@demo.ma") -> requests.Response:
    page = session.get(url + "/signin").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return session.post(url + "/signin", data={"csrf_token": token, "login": login, "password": "wrong"}, timeout=5)


def test_two_app_servers_share_the_sign_in_rate_limit_through_redis(two_servers):
    first, second = two_servers
    session = requests.Session()  # the same session cookie works on both: one SECRET_KEY
    assert [_failed_sign_in(session, first).status_code for _ in range(5)] == [200] * 5
    assert _failed_sign_in(session, second).status_code == 429


SLOWED = "Too many failed attempts with this identifier"


@pytest.mark.parametrize("two_servers", [{"JAMAATI_AUTH_RATE_LIMIT": "100 per minute"}], indirect=True)
def test_failed_sign_ins_counted_on_one_server_slow_the_other_down(two_servers):
    first, second = two_servers
    pages = [_failed_sign_in(_english(), first, "clerk@demo.ma").text for _ in range(4)]
    assert not any(SLOWED in page for page in pages)
    assert SLOWED in _failed_sign_in(_english(), second, "clerk@demo.ma").text  # the fifth, elsewhere
    assert SLOWED not in _failed_sign_in(_english(), second, "agent@demo.ma").text


def _english() -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session
