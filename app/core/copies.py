"""Rendered once, filled in on each visit.

Much of what a page shows is the same for everyone who reads it in one language and state (a
blank form, the header and footer around every page) but for a few values of this visit: the
CSRF token, an idempotency key, the address to come back to. Such a part is rendered once with a
marker where each of those values goes, kept, and every visit gets the copy with its own values
written in: a join of a few strings instead of a template's hundred calls.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping

from flask import current_app
from markupsafe import Markup, escape

# Cleared when full (a miss only costs a render): the page chrome has a few dozen keys, the blank
# complaint form one per commune, language and state that is visited (about 8 KB each).
KEPT_AT_MOST = 2048


class Copy:
    """A rendered text with named holes where each visit's values go."""

    __slots__ = ("_parts",)

    def __init__(self, text: str, markers: Mapping[str, str]) -> None:
        name_of = {marker: name for name, marker in markers.items()}
        pieces = re.split("(" + "|".join(map(re.escape, name_of)) + ")", text) if name_of else [text]
        # Even places hold text, odd places the name of a hole: a value is never searched again,
        # so what a visitor typed can never be taken for a marker.
        self._parts = tuple(name_of[piece] if place % 2 else piece for place, piece in enumerate(pieces))

    def fill(self, values: Mapping[str, str]) -> Markup:
        """The copy with ``values`` written in, escaped (a Markup value goes in as it is)."""
        parts = list(self._parts)
        for place in range(1, len(parts), 2):
            parts[place] = str(escape(values[parts[place]]))
        return Markup("".join(parts))


def render_with_holes(render: Callable[[dict[str, str]], str], names: Iterable[str]) -> Copy:
    """What ``render`` writes when given a marker for each of ``names``: letters and digits only,
    so the template's escaping leaves them as they are wherever they go (an attribute, JSON)."""
    markers = {name: f"hole{secrets.token_hex(8)}" for name in names}
    return Copy(render(markers), markers)


def kept(key: Hashable, make: Callable[[], Copy]) -> Copy:
    """The copy kept under ``key``, made by ``make()`` when missing (and on every request in
    debug mode, where templates change on disk)."""
    kept_here = current_app.extensions.setdefault("kept copies", {})  # each app its own (tests make several)
    found = None if current_app.debug else kept_here.get(key)  # one read: another thread may clear it
    if found is None:
        found = make()
        if len(kept_here) >= KEPT_AT_MOST:
            kept_here.clear()
        kept_here[key] = found
    return found
