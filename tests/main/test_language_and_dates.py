"""The browser's first language wins; English dates are written day first; holidays are named in
Arabic and French; every page describes itself to search engines and link previews."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.permits.models import Holiday
from tests.languages import in_each_language, said, speaks


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ar-MA,en;q=0.5", "ar"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("fr-MA,en-US;q=0.8,ar;q=0.7", "fr"),
        ("es-ES,en;q=0.5,ar;q=0.4", "en"),  # the first one we speak
        ("en-GB,ar;q=0.9", "en"),
        ("de-DE", "ar"),  # none we speak: the app's default
        ("AR_ma", "ar"),
    ],
)
def test_the_browsers_first_language_wins(client, header, language):
    page = client.raw.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{language}"' in page


@pytest.mark.parametrize(
    ("language", "day_first"),
    [
        ("en", r"\d{2}/\d{2}/\d{4}, \d{2}:\d{2}$"),  # 12/01/2026, 09:18, not 1/12/26, 9:18 AM
        ("fr", r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}$"),
        ("ar", r"\d{1,2}\u200f/\d{1,2}\u200f/\d{4}، \d{2}:\d{2}$"),  # marks keep the order right to left
    ],
)
def test_dates_are_written_day_first_in_every_language(app, client, demo, files, language, day_first):
    case_id = files.make(app)
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    times = re.findall(r"<time>([^<]+)</time>", page)
    assert times and all(re.match(day_first, t) for t in times), times


@pytest.mark.parametrize(
    ("language", "name"), [("ar", 'lang="ar">عيد العرش</span>'), ("fr", 'lang="fr">Fête du Trône</span>')]
)
def test_seeded_holidays_have_arabic_and_french_names(app, make_client, demo, language, name):
    with app.app_context():
        holidays = db.session.scalars(sa.select(Holiday)).all()
        assert holidays and all(h.name_ar and h.name for h in holidays)
    national = make_client()
    national.signin("national@demo.ma")
    page = national.get("/admin/holidays", **speaks(language)).get_data(as_text=True)
    assert name in page


@pytest.mark.parametrize("url", ["/", "/track", "/signin", "/about", "/performance"])
@in_each_language
def test_every_page_has_a_meta_description_in_its_language(app, client, url, language):
    page = client.raw.get(url, headers={"Accept-Language": language}).get_data(as_text=True)
    match = re.search(r'<meta name="description" content="([^"]+)">', page)
    described = (
        "Jamaati: your commune's services online. Apply for a permit, report a problem and follow your file, "
        "on any phone."
    )
    assert match and html.unescape(match.group(1)) == said(app, language, described)
