import gzip
import pathlib

import pytest

from app import create_app
from app.config import Config, MissingSecretKey


def test_a_form_sent_without_its_csrf_token_is_refused(client, demo):
    response = client.raw.post(
        "/signin", data={"login": "citizen@demo.ma", "password": "jamaati-demo"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_an_htmx_request_without_the_csrf_header_is_refused_and_with_it_accepted(client, demo):
    client.signin("citizen@demo.ma")
    headers = {"HX-Request": "true"}
    assert client.raw.post("/language", data={"lang": "fr"}, headers=headers).status_code == 400
    token = client.token("/")
    assert (
        client.raw.post("/language", data={"lang": "fr"}, headers={**headers, "X-CSRFToken": token}).status_code == 303
    )


def test_an_htmx_request_that_needs_sign_in_is_redirected_by_htmx(client):
    response = client.get("/account", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/signin?next=/account"
    assert response.get_data() == b""


def test_a_plain_request_that_needs_sign_in_goes_to_the_sign_in_page(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=/account"


def test_pages_carry_a_strict_content_security_policy_and_the_usual_headers(client):
    response = client.get("/signin")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_no_inline_script_on_a_page(client):
    page = client.get("/signup").get_data(as_text=True)
    assert "<script>" not in page and " on" + "click=" not in page
    assert all("src=" in tag for tag in page.split("<script")[1:])


def test_session_cookie_is_http_only_and_same_site(client, demo):
    response = client.signin("citizen@demo.ma")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_outside_demo_mode_cookies_are_secure(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("JAMAATI_PUBLIC_URL", "https://jamaati.example.ma")
    monkeypatch.setattr(Config, "DEMO_MODE", False)
    app = create_app(Config())
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/signin", base_url="https://jamaati.example.ma")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_outside_demo_mode_a_missing_secret_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "DEMO_MODE", False)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        Config()


def test_sign_in_attempts_are_rate_limited_per_connection(client, app, monkeypatch):
    page = client.token("/signin")
    statuses = [
        client.raw.post("/signin", data={"csrf_token": page, "login": f"user{i}@demo.ma", "password": "x"}).status_code
        for i in range(25)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[-1] == 429


def test_fingerprinted_static_files_are_cached_for_a_year_and_compressed(client):
    client.get("/")  # the first visit has the stylesheet inline (tests/main/test_first_visit.py)
    page = client.get("/").get_data(as_text=True)
    css_url = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in css_url
    response = client.get(css_url, headers={"Accept-Encoding": "br"})
    response.close()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br"


def test_static_files_are_compressed_at_brotlis_best_and_revalidate(client):
    import brotli

    original = pathlib.Path("static/js/outbox.js").read_bytes()
    response = client.get("/static/js/outbox.js", headers={"Accept-Encoding": "gzip, br"})
    response.close()
    assert brotli.decompress(response.data) == original
    assert len(response.data) <= len(brotli.compress(original, quality=5))  # smaller than a quick per-request level
    again = client.get(
        "/static/js/outbox.js", headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]}
    )
    again.close()
    assert again.status_code == 304
    old_phone = client.get("/static/js/outbox.js", headers={"Accept-Encoding": "gzip"})
    old_phone.close()
    assert old_phone.headers["Content-Encoding"] == "gzip" and gzip.decompress(old_phone.data) == original
    # A phone without brotli (plain http, an old WebView) revalidates its copy too: no second download.
    again = client.get(
        "/static/js/outbox.js", headers={"Accept-Encoding": "gzip", "If-None-Match": old_phone.headers["ETag"]}
    )
    again.close()
    assert again.status_code == 304 and not again.data


def test_pages_are_compressed(client):
    response = client.get("/signup", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_static_files_carry_only_the_headers_that_matter_for_them(client):
    css = client.get("/static/css/app.css")
    css.close()
    assert css.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in css.headers
    svg = client.get("/static/icons/icon.svg")
    svg.close()
    assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_outside_demo_mode_the_long_lived_cookies_are_secure_behind_a_proxy_that_hides_https(monkeypatch, database_url):
    """A front server that ends TLS without saying so (no X-Forwarded-Proto): the app sees plain
    http, yet the phone's cookies must never travel unencrypted (app/core/cookies.py)."""
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("JAMAATI_PUBLIC_URL", "https://jamaati.example.ma")
    monkeypatch.setattr(Config, "DEMO_MODE", False)
    config = Config()
    config.WTF_CSRF_ENABLED = False
    client = create_app(config).test_client()
    chosen = client.post("/language", data={"lang": "fr", "next": "/"}, base_url="http://jamaati.example.ma")
    language = next(c for c in chosen.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert chosen.status_code in (302, 303) and "Secure" in language and "HttpOnly" in language
