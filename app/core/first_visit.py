"""A first visit gets the stylesheet inside its page.

On 2G a separate stylesheet costs a round trip and its transfer before anything shows: about a
third of a second past the HTML at 300 ms latency. The page that inlines it sets a cookie naming
the stylesheet's version; by the next page the service worker has precached the stylesheet (and
the browser's cache holds it), so later pages link it and pay nothing. A phone without the
cookie, or one that knew an older stylesheet, gets it inline again.

The inline copy is allowed by its hash in the Content-Security-Policy, never by 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, g, request
from markupsafe import Markup

from app.core import cookies

COOKIE = "jamaati_css"
STYLESHEET = "build/app.css"


@cache
def _stylesheet(static_folder: str) -> tuple[str, str, str] | None:
    """(text, version, CSP source) of the built stylesheet; None before it is built."""
    path = Path(static_folder) / STYLESHEET
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if "</" in text:  # it could close its own <style> element: linked, never inlined
        return None
    digest = hashlib.sha256(text.encode()).digest()
    return text, digest.hex()[:10], f"'sha256-{base64.b64encode(digest).decode()}'"


def style_source() -> str:
    """What the Content-Security-Policy's style-src adds for the inline copy ('' if none)."""
    found = _stylesheet(current_app.static_folder)
    return found[2] if found else ""


def inline_stylesheet() -> Markup | None:
    """The stylesheet's text when this browser has not been sent this version yet, else None."""
    found = _stylesheet(current_app.static_folder)
    if found is None or current_app.debug or request.cookies.get(COOKIE) == found[1]:
        return None
    g.stylesheet_inlined = found[1]
    return Markup(found[0])


def remember_stylesheet(response):
    if version := g.get("stylesheet_inlined"):
        cookies.keep(response, COOKIE, version)
    return response
