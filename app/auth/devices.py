"""Known devices: a signed cookie, set when an account signs in, naming this browser and the
accounts that signed in on it. It grants nothing by itself; it only lets failed sign-ins on
this browser count apart from everyone else's (app.auth.throttle). It survives sign-out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.core import cookies

COOKIE = "known_device"
MAX_ACCOUNTS = 5  # a family phone


@dataclass(frozen=True)
class KnownDevice:
    id: str
    accounts: tuple[int, ...]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def this_device() -> KnownDevice | None:
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 500:
        return None
    try:
        data = _serializer().loads(raw)
        return KnownDevice(str(data["d"])[:64], tuple(int(u) for u in data["u"][:MAX_ACCOUNTS]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def device_for(user_id: int, device: KnownDevice | None) -> str | None:
    """This browser's id when the account signed in on it before, else None."""
    return device.id if device is not None and user_id in device.accounts else None


def remember_device(response: Response, user_id: int) -> Response:
    device = this_device()
    device_id = device.id if device else secrets.token_urlsafe(16)
    accounts = [user_id, *(a for a in (device.accounts if device else ()) if a != user_id)][:MAX_ACCOUNTS]
    cookies.keep(response, COOKIE, _serializer().dumps({"d": device_id, "u": accounts}), max_age=2 * cookies.YEAR)
    return response
