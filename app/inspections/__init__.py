from flask import Blueprint

from app.core.models import labeller

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

from app.inspections import handlers, models, notices, routes  # noqa: E402,F401  (handlers and notices connect)
from app.inspections.workflow import OUTCOME_LABELS, STATUS_LABELS, TYPE_LABELS, Outcome, Status, Type  # noqa: E402

bp.add_app_template_global(labeller(STATUS_LABELS, Status), "inspection_status_label")
bp.add_app_template_global(labeller(TYPE_LABELS, Type), "inspection_type_label")
bp.add_app_template_global(labeller(OUTCOME_LABELS, Outcome), "inspection_outcome_label")
