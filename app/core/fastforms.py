"""WTForms' html_params, the same attributes for a tenth of the cost.

Every widget of every form calls it, once per input and per <option>: WTForms builds each
attribute with Markup.format (a str.format parse per attribute), a third of the complaint form's
time. This one writes the same text with plain string joins; tests/main/test_fastforms.py holds
it to WTForms' own output."""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.widgets import core

wtforms_html_params = core.html_params


def html_params(**kwargs) -> Markup:
    params = []
    for key, value in sorted(kwargs.items()):
        key = core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{escape(value)}"')
    return Markup(" ".join(params))


def install() -> None:
    """In the module, the package that re-exports it (labels call it from there), and in the
    widget classes that keep their own reference to it."""
    core.html_params = html_params
    widgets.html_params = html_params
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(html_params)
