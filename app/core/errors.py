"""The one error a service raises when a rule is broken: it carries the message a person reads."""

from __future__ import annotations


class RuleError(Exception):
    """A rule was broken. ``message`` is for the person (translated lazily); ``field`` names the
    form field it belongs to, if any, so the page can show it there and keep what was typed."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
