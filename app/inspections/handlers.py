"""How inspections react to what other areas announce."""

from __future__ import annotations

from app.communes.signals import commune_opened
from app.inspections.services import seed_checklists


@commune_opened.connect
def give_standard_checklists(commune, **_) -> None:
    seed_checklists(commune)
