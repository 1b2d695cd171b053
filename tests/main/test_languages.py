"""Arabic first, right to left; French and English; nothing left untranslated."""

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from app.extensions import db
from app.models import User

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_string_of_the_app_is_translated(language):
    missing = [
        m.id
        for m in catalog(language)
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert missing == []


def english_fragments(language):
    """Literal English pieces of each msgid whose translation differs from it."""
    fragments = set()
    for message in catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if ids[0] in strings:
            continue
        for piece in PLACEHOLDER.split(ids[0]):
            piece = piece.strip(" .,:;“”")
            if len(piece) >= 4 and re.search("[a-z]", piece) and not any(piece in t for t in strings):
                fragments.add(piece)
    return fragments


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def pages_of_every_role(client, app):
    """(who, url) pairs covering every page, including forms with errors and error pages."""
    with app.app_context():
        clerk_id = db.session.scalar(sa.select(User.id).where(User.email == "clerk@demo.ma"))
    anonymous = ["/", "/signin", "/signup", "/communes/", "/communes/?q=zzzz", "/about", "/no-such-page"]
    return {
        None: anonymous,
        "citizen": ["/", "/account", "/account/password", "/staff/"],
        "clerk": ["/", "/staff/", f"/staff/{clerk_id}"],
        "admin": ["/", "/staff/new", "/admin/agencies", f"/staff/{clerk_id}"],
        "national": ["/", "/admin/communes", "/admin/communes?q=tanger", "/staff/"],
    }


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_no_page_shows_an_untranslated_string(make_client, app, demo, language):
    fragments = english_fragments(language)
    for who, urls in pages_of_every_role(None, app).items():
        client = make_client()
        if who:
            client.signin(f"{who}@demo.ma")
            client.post("/language", {"lang": language}, form_url="/")
        headers = {"Accept-Language": language}
        bodies = {url: client.get(url, headers=headers).get_data(as_text=True) for url in urls}
        if who is None:
            bodies["signin with errors"] = client.post("/signin", {"login": "x"}, headers=headers).get_data(
                as_text=True
            )
            bodies["signup with errors"] = client.post("/signup", {"login": "05"}, headers=headers).get_data(
                as_text=True
            )
        for url, body in bodies.items():
            text = visible_text(body)
            left = sorted(f for f in fragments if re.search(rf"\b{re.escape(f)}\b", text))
            assert left == [], f"{who or 'visitor'} {url} ({language}): {left}"
            assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in body


@pytest.mark.parametrize(
    "accept, lang, direction",
    [
        ("ar-MA,ar;q=0.9", "ar", "rtl"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "ltr"),
        ("en-US", "en", "ltr"),
        ("de-DE", "ar", "rtl"),
        ("", "ar", "rtl"),
    ],
)
def test_the_browser_language_is_used_until_the_user_chooses(client, accept, lang, direction):
    page = client.raw.get("/signin", headers={"Accept-Language": accept} if accept else {}).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_a_visitors_choice_is_kept_in_a_cookie(client):
    response = client.post("/language", {"lang": "fr", "next": "/signin"}, form_url="/")
    assert response.status_code == 303 and response.headers["Location"] == "/signin"
    page = client.raw.get("/signin", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "Se connecter" in page


def test_a_signed_in_users_choice_follows_them_to_another_device(make_client, app, demo):
    phone = make_client()
    phone.signin("citizen@demo.ma")
    phone.post("/language", {"lang": "fr"}, form_url="/")
    laptop = make_client()
    laptop.signin("citizen@demo.ma")
    page = laptop.raw.get("/account", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page


def test_an_unknown_language_is_refused(client):
    assert client.post("/language", {"lang": "xx"}, form_url="/").status_code == 400


def test_dates_are_formatted_for_morocco(client, app, demo):
    client.signin("citizen@demo.ma")
    client.post("/language", {"lang": "fr"}, form_url="/")
    page = client.raw.get("/account").get_data(as_text=True)
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    assert any(f" {m} " in page for m in months)


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """A string added to the code but not to the catalogues would show in English."""
    import subprocess
    import sys

    root = TRANSLATIONS.parent
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "app",
            "templates",
        ],
        cwd=root,
        check=True,
    )
    with open(pot, "rb") as f:
        in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    for language in ("ar", "fr"):
        in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(language) if m.id}
        assert in_code - in_catalogue == set(), f"run `flask translate update` and translate ({language})"
