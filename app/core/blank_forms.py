"""A form as it first shows, nothing typed and no error, is the same for everyone who reads it in
one language, but for its per-visit values (the CSRF token, an idempotency key). Rendering its
widgets is most of a form page's time (the complaint form: two thirds), so it is rendered once
per language and what it shows (a commune, its categories, signed in or not, the practice space),
and each visit gets a copy with its own values written in (app/core/copies.py).
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from app.core.copies import kept, render_with_holes
from app.core.practice import in_practice
from app.i18n import current_language


def blank_form(template: str, make_form, shows: tuple, per_visit: dict[str, str], **context) -> Markup:
    """``template`` rendered with the form ``make_form()`` builds (and ``context``); ``shows``: what
    else its text depends on; ``per_visit``: this visit's value of each such field, by name. The
    form is built only when the copy is missing (a first visit in a language, a category renamed)."""

    def render(markers: dict[str, str]) -> str:
        form = make_form()
        for name, marker in markers.items():
            _set_value(form[name], marker)
        return render_template(template, form=form, **context)

    key = ("blank form", template, current_language(), in_practice(), current_user.is_authenticated, shows)
    return kept(key, lambda: render_with_holes(render, per_visit)).fill(per_visit)


def _set_value(field, value: str) -> None:
    if hasattr(field, "current_token"):  # Flask-WTF's CSRF token field shows its current token
        field.current_token = value
    else:
        field.data = value
