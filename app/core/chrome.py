"""What surrounds every page's content: its <head>, the header, the footer (templates/chrome/).

They are the same for everyone who reads them in one language and state, but for a few values of
this visit: the CSRF token, the account's key, the page's title, the address to come back to after
choosing a language. Rendering them was a third of a public page's time (eighteen sentences
translated, sixteen addresses built on every page), so each is rendered once per state and each
page fills in its own values (app/core/copies.py). The state is all a part may depend on: it is
passed to its template explicitly, so a part cannot depend on anything else by mistake.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from app.core import first_visit
from app.core.copies import kept, render_with_holes
from app.core.practice import in_practice
from app.i18n import current_language


def _part(template: str, state: dict, per_visit: dict[str, str], **unchanging) -> Markup:
    """``template`` for this ``state``, with ``per_visit`` written in; ``unchanging``: what it
    shows that stays the same while the app runs (the stylesheet's text)."""
    key = (template, current_language(), *state.values())

    def render(markers: dict[str, str]) -> str:
        return render_template(template, hole=markers, **state, **unchanging)

    return kept(key, lambda: render_with_holes(render, per_visit)).fill(per_visit)


def page_head(title: Markup) -> Markup:
    """From <!doctype html> to <body>: the stylesheet inline on a first visit (app/core/first_visit.py)."""
    style = first_visit.inline_stylesheet()
    return _part("chrome/_head.html", {"inline": style is not None}, {"title": title}, inline_style=style)


@pass_context
def page_top(context) -> Markup:
    """The header, the practice and guide notices, down to where the content starts."""
    signed_in = current_user.is_authenticated
    state = {
        "signed_in": signed_in,
        "unread": context["unread_notifications"]() if signed_in else 0,
        "practice": in_practice(),
        "guide": context["page_guide"](),
    }
    return _part("chrome/_top.html", state, {"csrf_token": generate_csrf(), "account": context["account_key"]()})


def page_bottom() -> Markup:
    """The footer: the languages (back to this page once chosen) and the links every page has."""
    back = request.full_path.rstrip("?") if request.method == "GET" else url_for("main.home")
    return _part("chrome/_bottom.html", {}, {"csrf_token": generate_csrf(), "next": back})


GLOBALS = {"page_head": page_head, "page_top": page_top, "page_bottom": page_bottom}
