"""Bidirectional-text controls in what people type: a lone U+202E (right-to-left override) in a
name would reorder the app's own text after it (the CIN after a reversed name on a certificate).
Controls that open and close within a line are kept (they can be meant); the others are dropped."""

from __future__ import annotations

import re

EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
PDF, PDI = "\u202c", "\u2069"
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
PARAGRAPHS = re.compile(r"(\r\n|[\n\r\x1c-\x1e\x85\u2029])")  # a control's reach ends with its paragraph


def drop_unpaired_bidi(value):
    """``value`` without the bidi controls that do not open and close in the same line."""
    if not isinstance(value, str) or not CONTROLS.search(value):
        return value
    return "".join(_paired_only(part) for part in PARAGRAPHS.split(value))


def _paired_only(line: str) -> str:
    kept = list(line)
    opened: list[int] = []  # positions of the controls still open, innermost last
    for position, char in enumerate(line):
        if char in EMBEDDINGS or char in ISOLATES:
            opened.append(position)
        elif char == PDF:
            if opened and line[opened[-1]] in EMBEDDINGS:
                opened.pop()
            else:
                kept[position] = ""
        elif char == PDI:
            if any(line[p] in ISOLATES for p in opened):
                # A PDI also closes the embeddings opened inside its isolate: those were unpaired.
                while line[opened[-1]] not in ISOLATES:
                    kept[opened.pop()] = ""
                opened.pop()
            else:
                kept[position] = ""
    for position in opened:
        kept[position] = ""
    return "".join(kept)
