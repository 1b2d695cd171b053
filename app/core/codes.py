"""Codes people read aloud or type: tracking codes and case references."""

from __future__ import annotations

import secrets

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone
TRACKING_LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def reference(prefix: str, year: int, number: int) -> str:
    """P-2026-000123: the prefix says the kind of case, the number is the record's id."""
    return f"{prefix}-{year}-{number:06d}"


def same_code(expected: str | None, given: str) -> bool:
    """Compare a typed code with the stored one in constant time (no timing oracle)."""
    return secrets.compare_digest((expected or "").encode(), given.strip().upper().encode())
