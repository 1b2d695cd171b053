"""Who hears of what happens to an inspection: the agent it is assigned to."""

from __future__ import annotations

from app.core.notices import Notice, announce, isolate, kind, path_for
from app.i18n import gettext as _
from app.inspections import signals
from app.inspections.models import InspectionEvent


@signals.inspection_event.connect
def tell_agent(entry: InspectionEvent, **_) -> None:
    """The agent hears of an inspection assigned to them (in the inbox and on the phone), unless
    they assigned it themselves."""
    agent_id = entry.params.get("agent_id")
    if entry.event != "assign" or agent_id is None or (entry.actor is not None and entry.actor.id == agent_id):
        return
    inspection = entry.inspection
    url = path_for("inspections.show", inspection_id=inspection.id)
    announce([Notice(agent_id, "inspection.assigned", url, {"reference": inspection.reference})])


@kind("inspection.assigned")
def _assigned(p: dict) -> str:
    return _("An inspection was assigned to you: %(reference)s.", reference=isolate(p.get("reference")))
