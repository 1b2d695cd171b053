"""Permit types, permit files and what happens to them."""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.core.channels import Channel
from app.core.dates import utcnow
from app.core.models import Localized, enum_column, partial_index, position_checks
from app.core.practice import Practiceable
from app.core.timeline import HasTimeline, TimelineEntry
from app.extensions import db
from app.i18n import current_language
from app.i18n import lazy_gettext as _l
from app.models import Agency, AgencyKind, Commune, User
from app.permits import signals
from app.permits.clock import Clock
from app.permits.workflow import OPEN, Status
from app.scoping import CommuneScoped


class PermitType(Localized, db.Model):
    """A kind of permit, with its fields, checklist, commission and legal deadline.

    ``fields``: [{"name", "kind": "int"|"decimal"|"text"|"choice", "required", "label": {ar, fr, en},
    "choices": [{"value", "label": {…}}]}]; ``documents``: [{"code", "required", "kinds":
    ["pdf", "image"], "label": {…}}]; ``agency_kinds``: AgencyKind values that must give an opinion.
    """

    __tablename__ = "permit_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ar: Mapped[str] = mapped_column(sa.String(160))
    name_fr: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    documents: Mapped[list] = mapped_column(sa.JSON, default=list)
    agency_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    deadline_days: Mapped[int]
    working_days: Mapped[bool] = mapped_column(default=False)
    silence_is_approval: Mapped[bool] = mapped_column(default=True)
    validity_months: Mapped[int] = mapped_column(default=12)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def document(self, code: str) -> dict | None:
        return next((d for d in self.documents if d["code"] == code), None)


class Holiday(db.Model):
    """A public holiday: not a working day for the legal clock. Admins keep the list."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))  # in French
    name_ar: Mapped[str | None] = mapped_column(sa.String(120))

    @property
    def local_name(self) -> str:
        """Arabic on Arabic pages when it is known; French otherwise."""
        return (self.name_ar if current_language() == "ar" else None) or self.name


QUEUE_INCLUDE = [
    *("paused_since", "working_days", "legal_days", "due_on", "submitted_at", "updated_at"),
    *("reference", "id"),  # what the desk filters on and the key it reads: never the table
]
SENT = ["reference"]  # the desk's queries keep files with a reference: on the index, not the table
# The queue's parts as the partial indexes say them: written out, so that SQLite (which compares a
# query's terms with an index's, parameters unknown) uses the index too.
OPEN_SQL = "status IN ('submitted', 'documents_requested', 'under_review', 'site_visit', 'decision_pending')"
WAITING_SQL = f"clock_started_on IS NULL AND {OPEN_SQL}"
CLOSED_SQL = "status IN ('approved', 'refused', 'issued', 'revoked', 'withdrawn')"


class PermitCase(Practiceable, HasTimeline, CommuneScoped, db.Model):
    """One application for a permit, from draft to issued permit."""

    __tablename__ = "permit_cases"
    timeline_case = "case"
    timeline_signal = signals.file_event
    __table_args__ = (
        *position_checks(),
        sa.CheckConstraint("paused_days >= 0", name="paused_days_not_negative"),
        sa.CheckConstraint("legal_days IS NULL OR legal_days > 0", name="legal_days_positive"),
        # The queue's parts (services.desk_queue), each in the order of its own index, and its counts;
        # the commune and the practice flag lead, as every query of files names both.
        sa.Index(
            "ix_permit_cases_queue",
            "commune_id",
            "practice",
            "status",
            "clock_started_on",
            "due_number",
            postgresql_include=QUEUE_INCLUDE,  # the days left and the order, on the index alone
        ),
        partial_index("ix_permit_cases_waiting", ["commune_id", "practice", "submitted_at"], WAITING_SQL, SENT),
        partial_index("ix_permit_cases_closed", ["commune_id", "practice", "updated_at", "id"], CLOSED_SQL, SENT),
        # An application made at the counter has no account until its person claims it.
        sa.CheckConstraint("applicant_id IS NOT NULL OR filed_by_id IS NOT NULL", name="applicant_or_filed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("permit_types.id"))
    applicant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the clerk, at the counter
    status: Mapped[Status] = mapped_column(enum_column(Status, 24), default=Status.DRAFT, index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    tracking_code: Mapped[str | None] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16), default=Channel.WEB, server_default="web")
    # The key the phone sent with the application that created it: a replay is the same case.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    # The applicant, as on the signed request (may differ from the account holder's name).
    applicant_name: Mapped[str | None] = mapped_column(sa.String(120))
    applicant_cin: Mapped[str | None] = mapped_column(sa.String(8))
    applicant_phone: Mapped[str | None] = mapped_column(sa.String(16))
    applicant_address: Mapped[str | None] = mapped_column(sa.String(240))
    # The parcel.
    land_title: Mapped[str | None] = mapped_column(sa.String(40))
    not_titled: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(sa.String(240))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Type-specific answers, keyed by the type's field names.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    steps_done: Mapped[list] = mapped_column(sa.JSON, default=list)

    # The legal clock (see clock.py).
    clock_started_on: Mapped[date | None] = mapped_column(sa.Date)
    paused_since: Mapped[date | None] = mapped_column(sa.Date)
    paused_days: Mapped[int] = mapped_column(default=0)
    # The rule in force when the clock started (copied from the type then).
    legal_days: Mapped[int | None]
    working_days: Mapped[bool | None]
    silence_is_approval: Mapped[bool | None]
    # Kept with the clock, in the same flush, whenever it or the holidays change (keep_due_dates):
    # the legal due date, and the number the queue sorts by in SQL (Clock.due_number).
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    due_number: Mapped[int | None]
    # Two tabs or two clerks acting at once: the second write fails instead of both landing.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    # Decision and permit.
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    conditions: Mapped[str | None] = mapped_column(sa.Text)
    refusal_reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    permit_number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    verify_code: Mapped[str | None] = mapped_column(sa.String(24), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    commune: Mapped[Commune] = relationship()
    type: Mapped[PermitType] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    documents: Mapped[list[CaseDocument]] = relationship(back_populates="case", order_by="CaseDocument.id")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")
    opinions: Mapped[list[Opinion]] = relationship(back_populates="case", order_by="Opinion.id")
    document_requests: Mapped[list[DocumentRequest]] = relationship(
        back_populates="case", order_by="DocumentRequest.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def required_agencies(self) -> list[Agency]:
        """The commune's agencies of the kinds this type of permit needs an opinion from."""
        statement = sa.select(Agency).where(
            Agency.commune_id == self.commune_id, Agency.kind.in_([AgencyKind(k) for k in self.type.agency_kinds])
        )
        return list(db.session.scalars(statement.order_by(Agency.name_fr)))

    def awaited_agencies(self) -> list[Agency]:
        given = {opinion.agency_id for opinion in self.opinions}
        return [agency for agency in self.required_agencies() if agency.id not in given]

    @property
    def silence_counts(self) -> bool:
        return self.silence_is_approval if self.silence_is_approval is not None else self.type.silence_is_approval

    @property
    def clock(self) -> Clock:
        legal_days = self.legal_days if self.legal_days is not None else self.type.deadline_days
        working_days = self.working_days if self.working_days is not None else self.type.working_days
        return Clock(self.clock_started_on, legal_days, working_days, self.paused_days, self.paused_since)

    def keep_due(self, holidays: Collection[date]) -> None:
        clock = self.clock
        self.due_on, self.due_number = clock.due_on(holidays), clock.due_number(holidays)

    @property
    def open_request(self) -> DocumentRequest | None:
        return next((r for r in reversed(self.document_requests) if r.answered_at is None), None)

    def documents_for(self, code: str) -> list[CaseDocument]:
        return [d for d in self.documents if d.item_code == code]


class CaseDocument(db.Model):
    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("permit_cases.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(40))  # checklist code, or "site_visit"
    original_name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    internal: Mapped[bool] = mapped_column(default=False)  # e.g. site-visit photos
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    case: Mapped[PermitCase] = relationship(back_populates="documents")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CaseEvent(TimelineEntry, db.Model):
    """One line of a permit file's timeline (see app.core.timeline)."""

    __tablename__ = "case_events"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("permit_cases.id"), index=True)
    status: Mapped[Status | None] = mapped_column(enum_column(Status, 24))  # status after the event

    case: Mapped[PermitCase] = relationship(back_populates="events")


class DocumentRequest(db.Model):
    """Documents a clerk asked for, item by item with the reason."""

    __tablename__ = "document_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("permit_cases.id"), index=True)
    items: Mapped[list] = mapped_column(sa.JSON)  # [{"code": checklist code or "other", "reason": str}]
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    case: Mapped[PermitCase] = relationship(back_populates="document_requests")


class Verdict(enum.StrEnum):
    FAVOURABLE = "favourable"
    FAVOURABLE_WITH_CONDITIONS = "favourable_with_conditions"
    UNFAVOURABLE = "unfavourable"


VERDICT_LABELS = {
    Verdict.FAVOURABLE: _l("Favourable"),
    Verdict.FAVOURABLE_WITH_CONDITIONS: _l("Favourable with conditions"),
    Verdict.UNFAVOURABLE: _l("Unfavourable"),
}


class Opinion(db.Model):
    """An agency's opinion in the instruction commission; one per agency and file."""

    __tablename__ = "opinions"
    __table_args__ = (sa.UniqueConstraint("case_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("permit_cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, 32))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    on_paper: Mapped[bool] = mapped_column(default=False)  # entered by a clerk from a paper opinion
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    case: Mapped[PermitCase] = relationship(back_populates="opinions")
    agency: Mapped[Agency] = relationship()
    recorded_by: Mapped[User] = relationship()


PermitCase.timeline_entry = CaseEvent

CLOCK_FIELDS = ("clock_started_on", "paused_since", "paused_days", "legal_days", "working_days")


def _clock_changed(case: PermitCase) -> bool:
    if case.clock_started_on is None and case.due_on is None:
        return False  # no clock yet, nothing kept
    state = sa.inspect(case)
    return state.pending or any(state.attrs[name].history.has_changes() for name in CLOCK_FIELDS)


@sa.event.listens_for(Session, "before_flush")
def keep_due_dates(session: Session, flush_context, instances) -> None:
    """The stored due dates follow every change of a clock (started, paused, resumed, its rule)
    and of the holidays, in the transaction that makes it: the queue never reads a stale one."""
    changed = [o for o in [*session.new, *session.dirty] if isinstance(o, PermitCase) and _clock_changed(o)]
    added = {o.day for o in session.new if isinstance(o, Holiday)}
    removed = {o.day for o in session.deleted if isinstance(o, Holiday)}
    if not (changed or added or removed):
        return
    with session.no_autoflush:
        holidays = (set(session.scalars(sa.select(Holiday.day))) - removed) | added
        if added or removed:
            changed += _moved_by(session, min(added | removed))
    for case in changed:
        case.keep_due(holidays)


def _moved_by(session: Session, day: date) -> list[PermitCase]:
    """The open working-day files a holiday on ``day`` (or later) concerns: those due then or
    later (their count of days moves), and those paused since (their days left may change)."""
    statement = sa.select(PermitCase).where(
        PermitCase.status.in_(OPEN),
        PermitCase.clock_started_on.is_not(None),
        PermitCase.working_days.is_(True),
        sa.or_(PermitCase.due_on >= day, PermitCase.paused_since >= day),
    )
    return list(session.scalars(statement.execution_options(skip_commune_scope=True)))
