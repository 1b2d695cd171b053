"""Notifications: an inbox on every page's header, and web push to the phones that opted in.
`flask notifications work` runs the worker that sends the pushes (make run starts it)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications", cli_group="notifications")

from app.notifications import cli, routes  # noqa: E402,F401  (they attach to bp)
from app.notifications.services import notify, on_complaint_event, on_permit_event  # noqa: E402

__all__ = ["bp", "notify", "on_complaint_event", "on_permit_event"]
