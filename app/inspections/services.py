"""The rules of inspections: requesting and assigning them, filing a report once (even when a
phone replays it), and landing it on its case's timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from app.core.dates import MOROCCO, phone_time, today, utcnow
from app.core.errors import RuleError
from app.core.geo import distance_m
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.inspections import signals, workflow
from app.inspections.catalog import CHECKLISTS
from app.inspections.models import Checklist, Inspection, InspectionReport, ReportPhoto
from app.inspections.workflow import (
    INFRACTION_TYPES,
    OPEN,
    PERMIT_TYPES,
    Outcome,
    Source,
    Status,
    Type,
)
from app.models import Commune, Role, User
from app.uploads import store_upload

if TYPE_CHECKING:  # the areas inspections come from call in; inspections never imports them
    from app.complaints.models import Complaint
    from app.permits.models import PermitCase

MAX_PHOTOS = 10


# --- checklists ---------------------------------------------------------------------------


def seed_checklists(commune: Commune) -> None:
    """Give a commune the default checklist of every inspection type it does not have yet."""
    existing = set(
        db.session.scalars(
            sa.select(Checklist.type)
            .where(Checklist.commune_id == commune.id)
            .execution_options(skip_commune_scope=True)
        )
    )
    for kind, items in CHECKLISTS.items():
        if kind not in existing:
            db.session.add(Checklist(commune_id=commune.id, type=kind, items=[dict(item) for item in items]))
    db.session.commit()


def checklists() -> list[Checklist]:
    """The checklists of the staff member's commune (the commune wall filters them)."""
    found = {c.type: c for c in db.session.scalars(sa.select(Checklist))}
    return [found[t] for t in Type if t in found]


def checklist_for(commune_id: int, kind: Type) -> Checklist | None:
    return db.session.scalar(sa.select(Checklist).where(Checklist.commune_id == commune_id, Checklist.type == kind))


def save_checklist(checklist: Checklist, ar: list[str], fr: list[str], en: list[str]) -> None:
    if not (len(ar) == len(fr) == len(en)):
        raise RuleError(
            _l("Write each question in the three languages: the lists must have the same number of lines."), "fr"
        )
    checklist.items = [{"ar": a, "fr": f, "en": e} for a, f, e in zip(ar, fr, en, strict=False)]
    db.session.commit()


# --- requesting and assigning ---------------------------------------------------------------


def field_agents(commune_id: int) -> list[User]:
    statement = sa.select(User).where(User.commune_id == commune_id, User.role == Role.AGENT, User.active.is_(True))
    return list(db.session.scalars(statement.order_by(User.full_name)))


def pick_agent(commune_id: int, agent_id: int | None) -> User | None:
    """The agent chosen in a form: nobody (0 or empty), or a field agent of the commune."""
    if not agent_id:
        return None
    agent = next((u for u in field_agents(commune_id) if u.id == agent_id), None)
    if agent is None:
        raise RuleError(_l("Choose a field agent of the commune."), "agent")
    return agent


def _agent_of(commune_id: int, agent: User | None) -> User | None:
    if agent is not None and (agent.role is not Role.AGENT or agent.commune_id != commune_id):
        raise RuleError(_l("Choose a field agent of the commune."), "agent")
    return agent


def _new(
    commune_id: int, source: Source, kind: Type, actor: User, agent: User | None, due_on: date | None, **where
) -> Inspection:
    """A new inspection, waiting for an agent; with an agent chosen at once, assigned to them
    (two entries on its timeline: who asked for it, who assigned it)."""
    inspection = Inspection(commune_id=commune_id, source=source, type=kind, requested_by=actor, due_on=due_on, **where)
    db.session.add(inspection)
    db.session.flush()  # the reference is made of the id
    inspection.record("requested", actor, message=where.get("instructions"))
    if agent is not None:
        _assign(inspection, actor, agent)
    return inspection


def _assign(inspection: Inspection, clerk: User, agent: User) -> None:
    inspection.assigned_to = _agent_of(inspection.commune_id, agent)
    workflow.MACHINE.apply(inspection, "assign", clerk, agent=agent.full_name, agent_id=agent.id)


def request_for_permit(
    case: PermitCase, clerk: User, kind: Type, agent: User | None, due_on: date | None, message: str | None = None
) -> Inspection:
    """A site visit or an end-of-works check of a permit file (the file's area moves the file
    itself; committed by the caller)."""
    if kind not in PERMIT_TYPES:
        raise RuleError(_l("Choose a site visit or an end-of-works check."), "visit_type")
    return _new(
        case.commune_id,
        Source.PERMIT,
        kind,
        clerk,
        agent,
        due_on,
        permit_case_id=case.id,
        latitude=case.latitude,
        longitude=case.longitude,
        address=case.address,
        instructions=message,
    )


def request_for_complaint(
    complaint: Complaint, clerk: User, agent: User | None, due_on: date | None, instructions: str | None = None
) -> Inspection:
    """A site check of a complaint (committed by the caller, with the complaint's own entry)."""
    return _new(
        complaint.commune_id,
        Source.COMPLAINT,
        Type.COMPLAINT_CHECK,
        clerk,
        agent,
        due_on,
        complaint_id=complaint.id,
        latitude=complaint.latitude,
        longitude=complaint.longitude,
        address=complaint.location_text,
        instructions=instructions,
    )


def assign(inspection: Inspection, clerk: User, agent: User | None, due_on: date | None) -> None:
    if agent is None:
        raise RuleError(_l("Choose a field agent of the commune."), "agent")
    inspection.due_on = due_on or inspection.due_on
    _assign(inspection, clerk, agent)
    db.session.commit()


def cancel(inspection: Inspection, clerk: User) -> None:
    workflow.MACHINE.apply(inspection, "cancel", clerk)
    db.session.commit()


def settle_for_permit(case_id: int, actor: User) -> None:
    """The visit was recorded at the desk (a paper report): the file's open inspections are done
    with, so they leave the agent's day instead of waiting there for a report nobody will send.
    Not committed: the caller commits it with the visit."""
    for inspection in of_permit(case_id):
        if inspection.status in OPEN:
            workflow.MACHINE.apply(inspection, "settle", actor)


# --- reports --------------------------------------------------------------------------------


@dataclass
class ReportInput:
    """A report as the form gives it (already validated)."""

    findings: str
    outcome: Outcome
    idempotency_key: str
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    checklist: list[dict] = field(default_factory=list)
    public_summary: str | None = None
    photos: list = field(default_factory=list)
    filed_at: datetime | None = None


def by_idempotency_key(key: str) -> InspectionReport | None:
    statement = (
        sa.select(InspectionReport)
        .where(InspectionReport.idempotency_key == key)
        .execution_options(skip_commune_scope=True)
    )
    return db.session.scalar(statement)


def is_replay(report: InspectionReport, inspection: Inspection | None, findings: str | None) -> bool:
    """Whether a report sent with ``report``'s key is that report sent again (the outbox replaying
    it), not another one written in a copy of the form that kept an already used key. An on-the-spot
    report (``inspection`` None) opened its own inspection."""
    if inspection is not None and report.inspection_id != inspection.id:
        return False
    return report.findings == (findings or "").strip()


def on_site_time(inspection: Inspection, filed_at: datetime | None, received_at: datetime) -> datetime:
    """The phone's time of the report, when believable (never before the inspection was requested;
    one found on the spot is opened with its report); else the time it reached us."""
    requested = None if inspection.source is Source.ON_THE_SPOT else inspection.created_at
    return phone_time(filed_at, received_at, not_before=requested)


def distance_from_case(inspection: Inspection, latitude: float | None, longitude: float | None) -> float | None:
    if None in (latitude, longitude, inspection.latitude, inspection.longitude):
        return None
    return distance_m(latitude, longitude, inspection.latitude, inspection.longitude)


class NotYourInspection(RuleError):
    """An agent tried to file the report of an inspection assigned to someone else."""


def report_refusal(inspection: Inspection, user: User):
    """Why this person may not file this inspection's report (None: they may). A field agent
    files only the inspections assigned to them; clerks record paper reports for anyone."""
    if user.role is Role.AGENT and (inspection.assigned_to is None or inspection.assigned_to.id != user.id):
        return _l(
            "This inspection is not assigned to you: only its agent files its report. Ask a clerk to assign it to you."
        )
    return None


def file_report(inspection: Inspection, agent: User, data: ReportInput) -> InspectionReport:
    """Store the report and move the case on, in one transaction. ``data.idempotency_key`` is the
    scoped key of app.core.replay: a second report with it raises IntegrityError, answered there
    with the report already stored (a phone replaying its outbox never files twice)."""
    if (refusal := report_refusal(inspection, agent)) is not None:
        raise NotYourInspection(refusal)
    workflow.check("report", inspection.status, agent.role)
    received_at = utcnow()
    stored = []
    try:
        for photo in [p for p in data.photos if p and p.filename][:MAX_PHOTOS]:
            stored.append(store_upload(photo, ["image"]))
        report = InspectionReport(
            commune_id=inspection.commune_id,
            inspection=inspection,
            agent=agent,
            latitude=data.latitude,
            longitude=data.longitude,
            accuracy_m=data.accuracy_m,
            checklist=data.checklist,
            distance_m=distance_from_case(inspection, data.latitude, data.longitude),
            findings=data.findings.strip(),
            outcome=data.outcome,
            public_summary=(data.public_summary or "").strip() or None,
            idempotency_key=data.idempotency_key,
            filed_at=on_site_time(inspection, data.filed_at, received_at),
            received_at=received_at,
        )
        db.session.add(report)
        for file in stored:
            db.session.add(ReportPhoto(report=report, storage_name=file.storage_name, size=file.size))
        workflow.MACHINE.apply(inspection, "report", agent, outcome=report.outcome.value)
        # The case's own area lands the report on the case's timeline (and moves a permit on).
        signals.report_filed.send(report, agent=agent)
        db.session.commit()
    except Exception:
        db.session.rollback()  # the photos staged for it go too
        raise
    current_app.logger.info(
        "inspection report id=%s inspection=%s outcome=%s", report.id, inspection.id, report.outcome
    )
    return report


def open_on_the_spot(
    agent: User, kind: Type, address: str | None, latitude: float | None, longitude: float | None
) -> Inspection:
    """An infraction the agent found: its inspection, opened there and then (committed with its report)."""
    if kind not in INFRACTION_TYPES:
        raise RuleError(_l("Choose the kind of infraction."), "infraction")
    # Opened by the agent who does it: it starts assigned to them (no clerk assigns it).
    inspection = Inspection(
        commune_id=agent.commune_id,
        source=Source.ON_THE_SPOT,
        type=kind,
        requested_by=agent,
        assigned_to=agent,
        status=Status.ASSIGNED,
        due_on=today(),
        latitude=latitude,
        longitude=longitude,
        address=(address or "").strip() or None,
    )
    db.session.add(inspection)
    inspection.record("opened_on_the_spot", agent)
    return inspection


# --- finding inspections --------------------------------------------------------------------


def _by_due_date(statement):
    return statement.order_by(sa.case((Inspection.due_on.is_(None), 1), else_=0), Inspection.due_on, Inspection.id)


def my_day(agent: User) -> list[Inspection]:
    """The agent's open inspections: overdue and today's first, then by due date, undated last."""
    statement = sa.select(Inspection).where(Inspection.assigned_to_id == agent.id, Inspection.status.in_(OPEN))
    return list(db.session.scalars(_by_due_date(statement)))


def reported_today(agent: User) -> list[InspectionReport]:
    start = datetime.combine(today(), time.min, MOROCCO).astimezone(UTC)  # stored in UTC
    statement = sa.select(InspectionReport).where(
        InspectionReport.agent_id == agent.id, InspectionReport.received_at >= start
    )
    return list(db.session.scalars(statement.order_by(InspectionReport.id.desc())))


QUEUE_PER_PAGE = 50


def queue(status: str = "", page: int = 1):
    """The commune's inspections (the wall filters them): open ones first, by due date; a page of them."""
    statement = sa.select(Inspection)
    if status:
        statement = statement.where(Inspection.status == Status(status))
    open_first = sa.case((Inspection.status.in_(OPEN), 0), else_=1)
    statement = statement.order_by(
        open_first, sa.case((Inspection.due_on.is_(None), 1), else_=0), Inspection.due_on, Inspection.id.desc()
    )
    return db.paginate(statement, page=min(max(page, 1), 10_000), per_page=QUEUE_PER_PAGE, error_out=False)


def of_permit(case_id: int) -> list[Inspection]:
    return list(
        db.session.scalars(sa.select(Inspection).where(Inspection.permit_case_id == case_id).order_by(Inspection.id))
    )


def of_complaint(complaint_id: int) -> list[Inspection]:
    return list(
        db.session.scalars(sa.select(Inspection).where(Inspection.complaint_id == complaint_id).order_by(Inspection.id))
    )
