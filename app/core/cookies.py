"""Long-lived cookies the app gives a browser (its id, the stylesheet it has): HttpOnly, Lax, and
Secure outside demo mode (or whenever the request came over HTTPS)."""

from __future__ import annotations

from flask import current_app, request

YEAR = 365 * 24 * 3600


def keep(response, name: str, value: str, max_age: int = YEAR) -> None:
    secure = not current_app.config["DEMO_MODE"] or request.is_secure
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=secure)
