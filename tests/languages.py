"""What a page says in Arabic and in French, taken from the catalogue the pages use.

``in_each_language`` runs a test once per language a Moroccan reader picks (the project is read in
Arabic first, then French); ``said`` is the sentence such a page shows, and refuses a sentence the
catalogue leaves in English, so a test built on it fails when a page shows English; ``shown`` is
the page's text with HTML entities read back (form messages are escaped whole: ``&#39;``)."""

from __future__ import annotations

import html
from datetime import date

import pytest
from flask_babel import format_date, gettext, ngettext

READER_LANGUAGES = ("ar", "fr")
in_each_language = pytest.mark.parametrize("language", READER_LANGUAGES)


def speaks(language: str, **headers) -> dict:
    """The request headers of a browser set to ``language`` (the pages pick it from them)."""
    return {"headers": {"Accept-Language": language, **headers}}


def said(app, language: str, message: str, plural: str | None = None, num: int | None = None, **params) -> str:
    """``message`` as a page in ``language`` says it, ``params`` filled in as the page fills them."""
    with app.test_request_context(**speaks(language)):
        text = ngettext(message, plural, num, **params) if plural else gettext(message, **params)
        english = (
            (plural if plural and num != 1 else message) % ({"num": num} | params) if (params or plural) else message
        )
    assert text != english, f"the catalogue leaves {message!r} in English for {language}"
    return text


def opening(app, language: str, message: str, placeholder: str) -> str:
    """The words of ``message`` before ``placeholder`` is filled in: to check that a sentence is not
    on a page, whatever would fill it."""
    return said(app, language, message, **{placeholder: "\0"}).split("\0")[0].strip()


def written(app, language: str, day: date, style: str = "medium") -> str:
    """A day as a page in ``language`` writes it (the ``date`` filter: Babel, for Morocco)."""
    with app.test_request_context(**speaks(language)):
        return format_date(day, style)


def shown(response) -> str:
    return html.unescape(response.get_data(as_text=True))
