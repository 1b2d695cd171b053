"""The inspection desk, at /desk/inspections: the commune's inspections for its clerks, who assign
them to agents or cancel them (each inspection's own page is shared with the agents)."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.core.dates import today
from app.i18n import gettext as _
from app.inspections import services
from app.inspections.forms import ActionForm, AssignForm, agent_choices
from app.inspections.models import Inspection
from app.inspections.routes import field_required, inspection_or_404, page_for_clerk
from app.inspections.workflow import STATUS_LABELS, Status
from app.models import Role
from app.web import desk_step, page_number, render

bp = Blueprint("inspections_desk", __name__, url_prefix="/desk/inspections")

handlers_required = roles_required(Role.CLERK, Role.ADMIN)


@bp.get("")
@field_required
def queue():
    chosen = request.args.get("status", "")
    chosen = chosen if chosen in {s.value for s in Status} else ""
    page = services.queue(chosen, page_number())
    return render(
        "inspections/desk_queue.html",
        page=page,
        chosen=chosen,
        today=today(),
        filters={"status": chosen} if chosen else {},
        statuses=[(s.value, STATUS_LABELS[s]) for s in Status],
    )


def _act(inspection: Inspection, form, do, success: str):
    """Take one step on the inspection (see web.desk_step)."""
    return desk_step(
        form,
        do,
        success=success,
        redirect_to=url_for("inspections.show", inspection_id=inspection.id),
        show_again=lambda: page_for_clerk(inspection, form if isinstance(form, AssignForm) else None),
        not_now=lambda: _(
            "This inspection is “%(status)s”: this step is not possible now.",
            status=STATUS_LABELS[inspection.status],
        ),
    )


@bp.post("/<id:inspection_id>/assign")
@handlers_required
def assign(inspection_id: int):
    inspection = inspection_or_404(inspection_id)
    form = AssignForm()
    form.agent.choices = agent_choices(services.field_agents(inspection.commune_id), "")
    user = current_user._get_current_object()
    return _act(
        inspection,
        form,
        lambda: services.assign(
            inspection, user, services.pick_agent(inspection.commune_id, form.agent.data), form.due_on.data
        ),
        _("The inspection is assigned."),
    )


@bp.post("/<id:inspection_id>/cancel")
@handlers_required
def cancel(inspection_id: int):
    inspection = inspection_or_404(inspection_id)
    user = current_user._get_current_object()
    return _act(inspection, ActionForm(), lambda: services.cancel(inspection, user), _("The inspection is cancelled."))
