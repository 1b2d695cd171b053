"""A first visit paints without waiting for a second download: the stylesheet comes inside the
page (allowed by its hash, not by 'unsafe-inline'); once the browser has it, pages link it."""

import base64
import hashlib
import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "build" / "app.css"
INLINE = re.compile(r"<style>(.*?)</style>", re.S)


def _inline_style(page: str) -> str | None:
    found = INLINE.search(page)
    return found.group(1) if found else None


def test_the_first_page_carries_the_stylesheet_allowed_by_its_hash(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    inline = _inline_style(page)
    assert inline == STYLESHEET.read_text(encoding="utf-8")  # the very file later pages link
    assert 'rel="stylesheet"' not in page
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "jamaati_css=" in response.headers["Set-Cookie"]


def test_the_next_pages_link_the_stylesheet_the_browser_now_keeps(client):
    client.get("/")
    for url in ("/", "/track", "/signin"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert _inline_style(page) is None and re.search(r'rel="stylesheet" href="/static/build/app\.css\?v=', page)
        assert "jamaati_css=" not in response.headers.get("Set-Cookie", "")


def test_a_browser_that_knew_an_older_stylesheet_gets_the_new_one_inline(client):
    client.raw.set_cookie("jamaati_css", "0123456789")
    assert _inline_style(client.get("/").get_data(as_text=True)) is not None


def test_a_boosted_navigation_carries_no_stylesheet(client):
    response = client.get("/track", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert _inline_style(response.get_data(as_text=True)) is None
    assert "jamaati_css=" not in response.headers.get("Set-Cookie", "")
