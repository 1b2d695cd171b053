from flask import Blueprint

bp = Blueprint("permits", __name__, url_prefix="/permits")

from app.permits import handlers, models, notices, routes  # noqa: E402,F401  (handlers and notices connect to signals)
from app.permits.workflow import STATUS_LABELS  # noqa: E402


@bp.app_context_processor
def _permit_labels() -> dict:
    return {"status_labels": STATUS_LABELS}
