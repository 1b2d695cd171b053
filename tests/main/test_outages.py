"""When Redis or the database is away: the app keeps serving what it can, and says so.

Real outages: a redis-server of the test's own, stopped for real; a database that cannot be reached.
"""

from __future__ import annotations

import re
import subprocess
import threading

import pytest
import requests

from tests.servers import (
    BIN,
    ROOT,
    OwnRedis,
    app_env,
    csrf_token,
    free_port,
    gunicorn,
    seed_demo,
    server_database,
    sign_in,
)

CHEFCHAOUEN = "01.151.01.01"
CATEGORY = re.compile(r'<option value="(\d+)"')


@pytest.fixture
def server_with_own_redis(request, tmp_path):
    redis = OwnRedis(tmp_path)
    log = tmp_path / "gunicorn.log"
    try:
        with server_database(request.config, tmp_path) as database:
            env = app_env(tmp_path, DATABASE_URL=database, REDIS_URL=redis.url, JAMAATI_AUTH_RATE_LIMIT="5 per minute")
            seed_demo(env)
            with gunicorn(env, log=log) as url:
                yield url, redis, log
    finally:
        redis.stop()


def _file_complaint(session: requests.Session, base: str) -> requests.Response:
    form_url = f"{base}/complaints/new?commune={CHEFCHAOUEN}"
    page = session.get(form_url, timeout=10).text
    data = {
        "csrf_token": csrf_token(session, form_url),
        "kind": "complaint",
        "category": CATEGORY.search(page).group(1),
        "description": "The street lamp in front of the school is out.",
        "location_text": "Hay Souika",
        "idempotency_key": "redis-down-1",
    }
    return session.post(form_url, data=data, timeout=10, allow_redirects=False)


def test_with_redis_stopped_people_sign_in_file_complaints_and_open311_answers(server_with_own_redis):
    base, redis, log = server_with_own_redis
    assert requests.get(base + "/healthz", timeout=10).json()["redis"] == "ok"

    redis.stop()

    citizen = requests.Session()
    assert sign_in(citizen, base, "citizen@demo.ma").status_code == 303
    filed = _file_complaint(citizen, base)
    assert filed.status_code == 303 and "/complaints/filed/" in filed.headers["Location"]
    assert requests.get(base + "/open311/v2/discovery.json", timeout=10).status_code == 200
    services = requests.get(f"{base}/open311/v2/services.json?jurisdiction_id={CHEFCHAOUEN}", timeout=10)
    assert services.status_code == 200 and services.json()

    # The limits still hold, counted by this server alone until Redis is back.
    stranger = requests.Session()
    refused = [sign_in(stranger, base, "citizen@demo.ma", "wrong").status_code for _ in range(6)]
    assert refused[-1] == 429 and 200 in refused

    health = requests.get(base + "/healthz", timeout=10)
    assert health.status_code == 200  # the app serves without Redis: no reason to take it out of rotation
    assert health.json()["status"] == "degraded" and health.json()["redis"] == "unreachable"
    assert "ERROR" in log.read_text() and "rate limits are counted by each app server alone" in log.read_text()


def test_the_worker_says_one_line_per_failure_and_waits_longer_each_time_while_the_database_is_away(tmp_path):
    env = app_env(tmp_path, DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/gone")
    worker = subprocess.Popen(
        [BIN / "flask", "--app", "wsgi", "notifications", "work", "--idle", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, failures = [], []

    def read_three_failures():
        for line in worker.stdout:
            output.append(line)
            if "database unreachable" in line:
                failures.append(line)
                if len(failures) == 3:
                    return

    reader = threading.Thread(target=read_three_failures, daemon=True)
    reader.start()
    try:
        reader.join(timeout=60)
    finally:
        worker.terminate()
        output.append(worker.communicate(timeout=10)[0])
    text = "".join(output)
    assert len(failures) == 3, text
    assert "Traceback" not in text, text
    assert [re.search(r"next try in (\d+) s", line).group(1) for line in failures] == ["1", "2", "4"]
    assert all("Connection refused" in line for line in failures), text


@pytest.fixture
def signed_in_on_a_server_whose_database_is_away(request, tmp_path):
    """A citizen signs in on one server; a second server with the same key has lost its database."""
    citizen = requests.Session()
    with server_database(request.config, tmp_path) as database:
        reachable = app_env(tmp_path, DATABASE_URL=database)
        seed_demo(reachable)
        with gunicorn(reachable) as first:
            assert sign_in(citizen, first, "citizen@demo.ma").status_code == 303
    away = {**reachable, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/gone"}
    log = tmp_path / "away.log"
    with gunicorn(away, log=log) as second:
        yield citizen, second, log


def test_a_signed_in_visitor_gets_the_apps_own_page_in_their_language_when_the_database_is_away(
    signed_in_on_a_server_whose_database_is_away,
):
    citizen, base, log = signed_in_on_a_server_whose_database_is_away
    pages = {
        "fr": citizen.get(base + "/", cookies={"lang": "fr"}, timeout=10),
        "en": citizen.get(base + "/complaints/new", headers={"Accept-Language": "en"}, timeout=10),
        "ar": citizen.get(base + "/account", timeout=10),
    }
    titles = {
        "fr": "Jamaati est momentanément indisponible",
        "en": "Jamaati is briefly unavailable",
        "ar": "جماعتي غير متاحة مؤقتًا",
    }
    for language, page in pages.items():
        assert page.status_code == 503, (language, page.text[:300])
        assert f'<html lang="{language}"' in page.text and titles[language] in page.text
        assert "Internal Server Error" not in page.text
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert page.headers["Retry-After"]

    health = citizen.get(base + "/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["database"] == "unreachable"
    worker_script = citizen.get(base + "/sw.js", timeout=10)
    assert worker_script.status_code == 200 and "text/javascript" in worker_script.headers["Content-Type"]
    assert "Traceback" not in log.read_text()  # one line per refused request, not a page of stack
