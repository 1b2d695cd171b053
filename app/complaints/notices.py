"""Who hears of what happens to a complaint, and the sentences they read (in their language,
when they read it). Announced through app.core.notices; the notifications area delivers."""

from __future__ import annotations

import sqlalchemy as sa

from app.complaints import signals
from app.complaints.models import Complaint, ComplaintEvent
from app.complaints.services import clock
from app.complaints.workflow import ACKNOWLEDGE_DAYS, ANSWER_DAYS, OPEN, STATUS_LABELS, TRANSITIONS, Status
from app.core import jobs
from app.core.models import labeller
from app.core.notices import Notice, announce, day, isolate, kind, path_for
from app.extensions import db
from app.i18n import gettext as _
from app.models.user import clerks_of

status_label = labeller(STATUS_LABELS, Status)

# Public transitions told as "the status is now …"; the answer has its own sentence.
STATUS_EVENTS = set(TRANSITIONS) - {"answer"}


@signals.complaint_event.connect
def tell_author_and_supporters(entry: ComplaintEvent, **_) -> None:
    """The author (with an account) hears of every public change made by someone else, and
    supporters with an account of the answer. Guests have their tracking code instead."""
    if not entry.public:
        return
    complaint, actor = entry.complaint, entry.actor
    params = {"reference": complaint.reference, "status": entry.status.value if entry.status else None}
    own_page = path_for("complaints.show", complaint_id=complaint.id)
    if entry.event == "received":
        if complaint.author_id is not None:
            announce([Notice(complaint.author_id, "complaint.received", own_page, params)])
        return
    if entry.event not in STATUS_EVENTS and entry.event != "answer":
        return
    told = {actor.id} if actor is not None else set()
    notices = []
    if complaint.author_id is not None and complaint.author_id not in told:
        what = "complaint.answer" if entry.event == "answer" else "complaint.status"
        notices.append(Notice(complaint.author_id, what, own_page, params))
        told.add(complaint.author_id)
    if entry.event == "answer":
        public_page = path_for("complaints.public", reference=complaint.reference)
        supporters = {s.user_id for s in complaint.supporters if s.user_id is not None} - told
        notices += [Notice(user_id, "complaint.followed_answer", public_page, params) for user_id in sorted(supporters)]
    announce(notices)


@jobs.remind_deadlines.connect
def remind_clerks(app, **_) -> int:
    """Clerks hear of complaints past their acknowledgment or answer deadline, once per
    complaint and threshold."""
    statement = sa.select(Complaint).where(Complaint.status.in_(OPEN)).execution_options(skip_commune_scope=True)
    notices = []
    for complaint in db.session.scalars(statement):
        clock_ = clock(complaint)
        passed = [("acknowledge", clock_.acknowledge_by)] if clock_.acknowledgment_overdue else []
        passed += [("answer", clock_.deadline)] if clock_.overdue else []
        url = path_for("complaints_desk.show", complaint_id=complaint.id)
        for threshold, deadline in passed:
            params = {"reference": complaint.reference, "date": deadline.isoformat()}
            once = f"complaint:{complaint.id}:{threshold}"
            notices += [
                Notice(clerk.id, f"deadline.complaint_{threshold}", url, params, once_key=once)
                for clerk in clerks_of(complaint.commune_id)
            ]
    told = announce(notices)
    db.session.commit()
    return told


@kind("complaint.received")
def _received(p: dict) -> str:
    return _(
        "Your complaint %(reference)s was received. This message is your receipt.",
        reference=isolate(p.get("reference")),
    )


@kind("complaint.status")
def _status_changed(p: dict) -> str:
    return _(
        "%(reference)s: the status is now “%(status)s”.",
        reference=isolate(p.get("reference")),
        status=status_label(p.get("status")),
    )


@kind("complaint.answer")
def _answered(p: dict) -> str:
    return _("Your complaint %(reference)s has an answer.", reference=isolate(p.get("reference")))


@kind("complaint.followed_answer")
def _followed_answered(p: dict) -> str:
    return _("A complaint you follow, %(reference)s, has an answer.", reference=isolate(p.get("reference")))


@kind("deadline.complaint_acknowledge")
def _acknowledge_late(p: dict) -> str:
    return _(
        "%(reference)s: the %(days)d-day deadline to acknowledge it passed on %(date)s.",
        reference=isolate(p.get("reference")),
        days=ACKNOWLEDGE_DAYS,
        date=day(p),
    )


@kind("deadline.complaint_answer")
def _answer_late(p: dict) -> str:
    return _(
        "%(reference)s: the %(days)d-day deadline to answer it passed on %(date)s.",
        reference=isolate(p.get("reference")),
        days=ANSWER_DAYS,
        date=day(p),
    )
