"""Notifications: an inbox on every page's header, and web push to the phones that opted in.
`flask notifications work` runs the worker that sends the pushes (make run starts it)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications", cli_group="notifications")

from app.notifications import (  # noqa: E402,F401  (they attach to bp)
    cli,
    routes,
    services,  # noqa: E402,F401  (connects to app.core.notices.announced)
)

__all__ = ["bp"]
