"""Normalising what people type: phone numbers, e-mail addresses, CIN numbers."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

_SEPARATORS = re.compile(r"[\s\-.()/]")
# Moroccan mobile numbers: 06xxxxxxxx or 07xxxxxxxx, written nationally or with +212 / 00212.
_MOBILE = re.compile(r"^0([67][0-9]{8})$")
_CIN = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")


def _ascii_digits(text: str) -> str:
    """Arabic-Indic and any other decimal digits become 0-9, as people may type either."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


class InvalidIdentifier(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """Return the number as E.164 (+2126…), or raise InvalidIdentifier."""
    digits = _SEPARATORS.sub("", _ascii_digits(raw))
    for prefix in ("+212", "00212", "212"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    match = _MOBILE.match(digits)
    if not match:
        raise InvalidIdentifier(raw)
    return "+212" + match.group(1)


def normalize_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidIdentifier(raw) from error


def parse_login(raw: str) -> tuple[str, str]:
    """('email' | 'phone', normalised value) for what someone typed to identify themselves."""
    raw = raw.strip()
    if "@" in raw:
        return "email", normalize_email(raw)
    return "phone", normalize_phone(raw)


def normalize_cin(raw: str) -> str:
    """Uppercase with spaces removed; 1–2 letters then up to 6 digits."""
    cin = re.sub(r"\s+", "", _ascii_digits(raw)).upper()
    if not _CIN.match(cin):
        raise InvalidIdentifier(raw)
    return cin


def format_phone(e164: str) -> str:
    """+212612345678 → 06 12 34 56 78, as people write it."""
    national = "0" + e164.removeprefix("+212")
    return " ".join([national[:2], national[2:4], national[4:6], national[6:8], national[8:]])


def typed_digits(raw: str) -> str:
    """The digits of a code as typed or read out: Arabic-Indic ones too, spaces and dashes dropped."""
    return re.sub(r"\D", "", _ascii_digits(raw or ""))
