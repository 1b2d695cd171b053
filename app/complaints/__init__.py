from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from app.complaints import categories, handlers, models, notices, routes, workflow  # noqa: E402,F401
from app.complaints.workflow import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS  # noqa: E402


def _label(labels, enum_type):
    def label(value) -> str:
        try:
            return labels[enum_type(value)]
        except ValueError:
            return str(value or "")

    return label


bp.add_app_template_global(_label(STATUS_LABELS, workflow.Status), "complaint_status_label")
bp.add_app_template_global(_label(OUTCOME_LABELS, workflow.Outcome), "complaint_outcome_label")
bp.add_app_template_global(_label(KIND_LABELS, workflow.Kind), "complaint_kind_label")
