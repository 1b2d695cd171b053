"""What the public pages and every timeline need: labels for people and opinions, masked names."""

from __future__ import annotations

from app.core.dates import iso_day
from app.core.models import labeller
from app.i18n import current_language
from app.i18n import lazy_gettext as _l
from app.models import Role
from app.permits.models import VERDICT_LABELS, Verdict
from app.permits.workflow import STATUS_LABELS, Status

# Who did a step, as the timeline names them: a role, never a clerk's name on public pages.
ACTOR_LABELS = {
    Role.CITIZEN: _l("Applicant"),
    Role.AGENT: _l("Field agent"),
    Role.CLERK: _l("Commune clerk"),
    Role.REVIEWER: _l("Instruction commission"),
    Role.ADMIN: _l("Commune administration"),
    Role.NATIONAL_ADMIN: _l("National administration"),
}


status_label = labeller(STATUS_LABELS, Status)
verdict_label = labeller(VERDICT_LABELS, Verdict)


def actor_label(user) -> str:
    return ACTOR_LABELS.get(user.role, "") if user is not None else _l("Jamaati")


def mask_name(name: str | None) -> str:
    """'Mohamed El Amrani' → 'Mo***** El Am****': the first two letters of each word stay."""
    return " ".join(word[:2] + "*" * (len(word) - 2) for word in (name or "").split())


def template_globals() -> dict:
    """Plain functions the timeline macro calls: it is imported without the page's context."""
    return {
        "permit_status_label": status_label,
        "verdict_label": verdict_label,
        "actor_label": actor_label,
        "iso_day": iso_day,
        "page_language": current_language,
    }
