"""Absolute links are built from the configured public address, never from the Host header a
request came with; outside demo mode, other hosts are refused."""

from __future__ import annotations

import json

import pytest

from app import create_app
from app.config import Config, MissingPublicUrl
from app.permits import services

PUBLIC = "https://jamaati.example.ma"


@pytest.fixture
def production(app, monkeypatch, database_url):  # app: the database is migrated
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("JAMAATI_PUBLIC_URL", PUBLIC + "/")
    monkeypatch.delenv("SERVER_NAME", raising=False)
    monkeypatch.setattr(Config, "DEMO_MODE", False)
    monkeypatch.setattr(Config, "SQLALCHEMY_DATABASE_URI", database_url)  # read when Config was imported
    return create_app(Config())


@pytest.mark.parametrize("path", ["/open311/v2/discovery.json", "/", "/signin", "/permits/1/certificate"])
def test_outside_demo_mode_another_host_is_refused(production, demo, path):
    response = production.test_client().get(path, base_url="http://evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.data


def test_a_forwarded_host_is_refused_too(production, demo, monkeypatch):
    client = production.test_client()
    response = client.get("/open311/v2/discovery.json", base_url=PUBLIC, headers={"Host": "evil.example:443"})
    assert response.status_code == 400


def test_discovery_names_the_public_address_whatever_the_scheme_the_proxy_used(production, demo):
    response = production.test_client().get("/open311/v2/discovery.json", base_url="http://jamaati.example.ma")
    assert response.status_code == 200
    [endpoint] = json.loads(response.data)["endpoints"]
    assert endpoint["url"] == f"{PUBLIC}/open311/v2"


def test_the_load_balancers_probe_by_address_is_answered(production, demo):
    assert production.test_client().get("/healthz", base_url="http://10.0.0.7:8000").status_code in (200, 503)


def test_outside_demo_mode_a_missing_public_address_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.delenv("JAMAATI_PUBLIC_URL", raising=False)
    monkeypatch.delenv("SERVER_NAME", raising=False)
    monkeypatch.setattr(Config, "DEMO_MODE", False)
    with pytest.raises(MissingPublicUrl, match="JAMAATI_PUBLIC_URL is not set"):
        Config()
    monkeypatch.setenv("SERVER_NAME", "jamaati.example.ma")  # Flask's own setting serves too
    assert Config().PUBLIC_URL == PUBLIC


def test_the_certificates_qr_code_carries_the_public_address(app, demo, files, make_client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    with app.app_context():
        case = files.submitted()
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, "White walls")
        services.issue(case, admin)
        case_id, code = case.id, case.verify_code
    client = make_client()
    client.raw.environ_base["HTTP_HOST"] = "evil.example"  # every request of this browser names it
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}/certificate")
    assert page.status_code == 200
    assert f"{PUBLIC}/verify/{code}" in page.get_data(as_text=True)
    assert "evil.example" not in page.get_data(as_text=True)


def test_demo_mode_keeps_the_address_in_use(app, demo):
    response = app.test_client().get("/open311/v2/discovery.json", base_url="http://127.0.0.1:5000")
    [endpoint] = json.loads(response.data)["endpoints"]
    assert endpoint["url"] == "http://127.0.0.1:5000/open311/v2"
