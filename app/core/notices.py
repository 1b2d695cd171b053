"""Who is told what — the meeting point of the areas and the notifications area, so that
neither imports the other.

Each area declares its kinds of notice (the sentence, written in the reader's language when
read or pushed) with ``@kind``, and announces who should hear of an event with ``announce``;
the notifications area listens to ``announced`` and writes the inbox items and pushes in the
same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from blinker import Namespace
from flask import current_app
from flask_babel import format_date

from app.core.dates import iso_day
from app.core.practice import in_practice

_signals = Namespace()

announced = _signals.signal(
    "notices-announced",
    doc="Some people should hear of something. Sender: None; ``notices``: the list of Notice. "
    "A receiver returns how many of them it told.",
)

# kind → the sentence for a notice of that kind, from its params (called under the reader's locale).
KINDS: dict[str, Callable[[dict], str]] = {}


@dataclass(frozen=True)
class Notice:
    """One person to tell. ``params`` hold what the sentence needs (a reference, a status value…);
    with ``once_key``, a person is told a given thing once only (deadline reminders)."""

    user_id: int
    kind: str
    url: str
    params: dict = field(default_factory=dict)
    once_key: str | None = None


def kind(name: str):
    """Declare a kind of notice: the decorated function writes its sentence from its params."""

    def register(sentence: Callable[[dict], str]) -> Callable[[dict], str]:
        KINDS[name] = sentence
        return sentence

    return register


def announce(notices: Iterable[Notice]) -> int:
    """Hand the notices to whoever delivers them; returns how many people were told (a notice
    with a ``once_key`` already told counts nothing)."""
    notices = list(notices)
    for notice in notices:
        if notice.kind not in KINDS:
            raise KeyError(f"notice kind {notice.kind!r} is not declared (app.core.notices.kind)")
    if not notices or in_practice():  # the practice space's files are fictitious: nobody hears of them
        return 0
    return sum(told or 0 for _receiver, told in announced.send(None, notices=notices))


def path_for(endpoint: str, **values) -> str:
    """A URL path that can be built without a request (the worker has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def day(params: dict, key: str = "date") -> str:
    """A day kept in a notice's params, written in the reader's language."""
    found = iso_day(params.get(key))
    return format_date(found, "medium") if found else ""


def isolate(text: str | None) -> str:
    """A Latin reference inside an Arabic sentence keeps its own direction (first-strong isolate)."""
    return f"\u2068{text}\u2069" if text else ""
