"""A form as it first shows, nothing typed and no error, is the same for everyone who reads it in
one language, but for its per-visit values (the CSRF token, an idempotency key). Rendering its
widgets is most of a form page's time (the complaint form: two thirds), so it is rendered once
per language and what it shows (a commune, its categories, signed in or not, the practice space),
with markers where those values go, and each visit gets a copy with its own values written in.
"""

from __future__ import annotations

import secrets

from flask import current_app, render_template
from flask_login import current_user
from markupsafe import Markup, escape

from app.core.practice import in_practice
from app.i18n import current_language

KEPT_AT_MOST = 512
_kept: dict[tuple, tuple[str, dict[str, str]]] = {}


def blank_form(template: str, make_form, shows: tuple, per_visit: dict[str, str], **context) -> Markup:
    """``template`` rendered with the form ``make_form()`` builds (and ``context``); ``shows``: what
    else its text depends on; ``per_visit``: this visit's value of each such field, by name. The
    form is built only when the copy is missing (a first visit in a language, a category renamed)."""
    key = (template, current_language(), in_practice(), current_user.is_authenticated, shows)
    found = None if current_app.debug else _kept.get(key)  # one read: another thread may clear it
    if found is None:
        found = _render_with_markers(template, make_form(), tuple(per_visit), context)
        if len(_kept) >= KEPT_AT_MOST:
            _kept.clear()
        _kept[key] = found
    html, markers = found
    for name, marker in markers.items():
        html = html.replace(marker, str(escape(per_visit[name])))
    return Markup(html)


def _render_with_markers(template: str, form, per_visit: tuple[str, ...], context: dict):
    markers = {name: f"blank-{name}-{secrets.token_hex(8)}" for name in per_visit}
    for name, marker in markers.items():
        _set_value(form[name], marker)
    return render_template(template, form=form, **context), markers


def _set_value(field, value: str) -> None:
    if hasattr(field, "current_token"):  # Flask-WTF's CSRF token field shows its current token
        field.current_token = value
    else:
        field.data = value
