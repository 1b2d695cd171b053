"""api_keys: issued by a national admin (page or command), shown once, stored as sha256, revocable."""

import hashlib
import re

import sqlalchemy as sa

from app.complaints.models import ApiClient
from app.extensions import db
from tests.api.helpers import BASE, report

KEY = re.compile(r'<code dir="ltr" class="api-key">([^<]+)</code>')


def test_national_admin_issues_a_key_shown_once(client, app, demo):
    client.signin("national@demo.ma")
    response = client.post("/admin/api-keys", {"name": "FixMyStreet Maroc"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    key = KEY.search(page).group(1)
    assert "FixMyStreet Maroc" in page
    with app.app_context():
        stored = db.session.scalar(sa.select(ApiClient))
        assert stored.name == "FixMyStreet Maroc" and stored.active
        assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in stored.key_hash
    again = client.get("/admin/api-keys").get_data(as_text=True)
    assert "FixMyStreet Maroc" in again and key not in again
    assert client.raw.post(f"{BASE}/requests.json", data=report(key)).status_code == 201


def test_an_empty_name_is_refused_with_a_message(client, app, demo):
    client.signin("national@demo.ma")
    response = client.post("/admin/api-keys", {"name": " "})
    assert "Enter the name of the client application." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0


def test_national_admin_revokes_a_key(client, app, demo):
    client.signin("national@demo.ma")
    key = KEY.search(client.post("/admin/api-keys", {"name": "App"}).get_data(as_text=True)).group(1)
    with app.app_context():
        client_id = db.session.scalar(sa.select(ApiClient.id))
    response = client.post(f"/admin/api-keys/{client_id}/revoke", form_url="/admin/api-keys")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(ApiClient, client_id).active is False
    assert client.raw.post(f"{BASE}/requests.json", data=report(key)).status_code == 403
    assert "Revoked" in client.get("/admin/api-keys").get_data(as_text=True)


def test_only_national_admins(client, make_client, demo):
    assert client.get("/admin/api-keys").status_code == 302  # to sign-in
    for login in ("admin@demo.ma", "clerk@demo.ma", "citizen@demo.ma"):
        other = make_client()
        other.signin(login)
        assert other.get("/admin/api-keys").status_code == 403
        assert other.raw.post("/admin/api-keys", data={"name": "x"}).status_code in (400, 403)


def test_issue_key_command(app, api, demo):
    result = app.test_cli_runner().invoke(args=["open311", "issue-key", "Chikaya bridge"])
    assert result.exit_code == 0, result.output
    key = re.search(r"api_key: (\S+)", result.output).group(1)
    assert api.post(f"{BASE}/requests.json", data=report(key)).status_code == 201
    listed = app.test_cli_runner().invoke(args=["open311", "list-keys"])
    assert "active\tChikaya bridge" in listed.output
    client_id = listed.output.split("\t")[0]
    assert app.test_cli_runner().invoke(args=["open311", "revoke-key", client_id]).exit_code == 0
    assert api.post(f"{BASE}/requests.json", data=report(key)).status_code == 403
    assert app.test_cli_runner().invoke(args=["open311", "issue-key", " "]).exit_code != 0
