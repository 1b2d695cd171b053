"""Who hears of what happens to a permit file, and the sentences they read (in their language,
when they read it). Announced through app.core.notices; the notifications area delivers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.core import jobs
from app.core.models import labeller
from app.core.notices import Notice, announce, day, isolate, kind, path_for
from app.extensions import db
from app.i18n import gettext as _
from app.models.user import clerks_of
from app.permits import signals
from app.permits.models import CaseEvent, PermitCase
from app.permits.services import clock_summary
from app.permits.workflow import OPEN, STATUS_LABELS, TRANSITIONS, Status

status_label = labeller(STATUS_LABELS, Status)

# Public transitions told as "the status is now …"; the others have their own sentence.
STATUS_EVENTS = set(TRANSITIONS) - {"submit", "request_documents", "issue"}


@signals.file_event.connect
def tell_applicant(entry: CaseEvent, **_) -> None:
    """The applicant hears of every public change made by someone else, and gets the receipt of
    their own submission."""
    case, actor = entry.case, entry.actor
    if not entry.public or case.applicant_id is None:
        return
    if entry.event == "submit":
        what = "permit.submit"
    elif actor is not None and actor.id == case.applicant_id:
        return
    elif entry.event in ("request_documents", "issue", "message"):
        what = f"permit.{entry.event}"
    elif entry.event in STATUS_EVENTS:
        what = "permit.status"
    else:
        return
    params = {"reference": case.reference, "status": entry.status.value if entry.status else None}
    if "number" in entry.params:
        params["number"] = entry.params["number"]
    announce([Notice(case.applicant_id, what, path_for("permits.show", case_id=case.id), params)])


@jobs.remind_deadlines.connect
def remind_clerks(app, **_) -> int:
    """Clerks hear of files whose legal clock ends within the configured days or has passed,
    once per file and threshold."""
    warn_days = current_app.config["DEADLINE_WARNING_DAYS"]
    statement = sa.select(PermitCase).where(
        PermitCase.status.in_(OPEN), PermitCase.clock_started_on.is_not(None), PermitCase.paused_since.is_(None)
    )
    notices = []
    for case in db.session.scalars(statement.execution_options(skip_commune_scope=True)):
        clock = clock_summary(case)
        left = clock["days_left"]
        if left is None or left > warn_days:
            continue
        threshold = "passed" if left < 0 else "soon"
        params = {"reference": case.reference, "date": clock["deadline"].isoformat()}
        url = path_for("permits_desk.show", case_id=case.id)
        notices += [
            Notice(clerk.id, f"deadline.permit_{threshold}", url, params, once_key=f"permit:{case.id}:{threshold}")
            for clerk in clerks_of(case.commune_id)
        ]
    told = announce(notices)
    db.session.commit()
    return told


@kind("permit.submit")
def _submitted(p: dict) -> str:
    return _(
        "Your application %(reference)s was received. This message is your receipt.",
        reference=isolate(p.get("reference")),
    )


@kind("permit.request_documents")
def _documents_requested(p: dict) -> str:
    return _(
        "The commune asks for documents for your application %(reference)s.", reference=isolate(p.get("reference"))
    )


@kind("permit.issue")
def _issued(p: dict) -> str:
    return _("Your permit %(number)s is issued.", number=isolate(p.get("number") or p.get("reference")))


@kind("permit.message")
def _message(p: dict) -> str:
    return _("New message from the commune about %(reference)s.", reference=isolate(p.get("reference")))


@kind("permit.status")
def _status_changed(p: dict) -> str:
    return _(
        "%(reference)s: the status is now “%(status)s”.",
        reference=isolate(p.get("reference")),
        status=status_label(p.get("status")),
    )


@kind("deadline.permit_soon")
def _deadline_soon(p: dict) -> str:
    return _("%(reference)s: the legal deadline ends on %(date)s.", reference=isolate(p.get("reference")), date=day(p))


@kind("deadline.permit_passed")
def _deadline_passed(p: dict) -> str:
    return _(
        "%(reference)s: the legal deadline passed on %(date)s.", reference=isolate(p.get("reference")), date=day(p)
    )
