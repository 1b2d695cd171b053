from flask import Blueprint

from app.core.models import labeller

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from app.complaints import categories, handlers, models, notices, routes, workflow  # noqa: E402,F401
from app.complaints.workflow import KIND_LABELS, OUTCOME_LABELS, STATUS_LABELS  # noqa: E402

bp.add_app_template_global(labeller(STATUS_LABELS, workflow.Status), "complaint_status_label")
bp.add_app_template_global(labeller(OUTCOME_LABELS, workflow.Outcome), "complaint_outcome_label")
bp.add_app_template_global(labeller(KIND_LABELS, workflow.Kind), "complaint_kind_label")
