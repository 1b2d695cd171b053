from flask import Blueprint

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

from app.inspections import handlers, models, notices, routes  # noqa: E402,F401  (handlers and notices connect)
from app.inspections.workflow import OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS, Outcome, Status, Type  # noqa: E402


def _label(labels, enum_type):
    def label(value) -> str:
        try:
            return labels[enum_type(value)]
        except ValueError:
            return str(value or "")

    return label


bp.add_app_template_global(_label(STATUS_LABELS, Status), "inspection_status_label")
bp.add_app_template_global(_label(TYPE_LABELS, Type), "inspection_type_label")
bp.add_app_template_global(_label(OUTCOME_LABELS, Outcome), "inspection_outcome_label")
