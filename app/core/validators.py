"""Form checks every area shares, each with its message in the reader's language.

WTForms' own messages are not ours to word (and its Arabic catalogue lacks the plural forms, so
"Field cannot be longer than 240 characters." reached Arabic pages in English)."""

from __future__ import annotations

from wtforms.validators import Length

from app.i18n import lazy_gettext as _l


class MaxLength(Length):
    """At most ``max`` characters. The field gets no ``maxlength`` attribute: a browser cuts what
    is pasted past it without a word, where the server says so and keeps all that was typed."""

    def __init__(self, max: int, message=None) -> None:
        super().__init__(max=max, message=message or _l("Write %(max)d characters or fewer: this has %(length)d."))
        self.field_flags = {}
