"""Inspections (site visits, end-of-works checks, complaint site checks, infractions), their
reports with photos, and each commune's checklists."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import enum_column, position_checks
from app.core.practice import Practiceable
from app.core.timeline import HasTimeline, TimelineEntry
from app.extensions import db
from app.i18n import current_language
from app.inspections import signals
from app.inspections.workflow import FAR_FROM_CASE_M, Outcome, Source, Status, Type
from app.models import Commune, User
from app.scoping import CommuneScoped

if TYPE_CHECKING:  # the complaints and permits areas import this one, never the other way round
    from app.complaints.models import Complaint
    from app.permits.models import PermitCase


class Checklist(CommuneScoped, db.Model):
    """The questions an agent answers for one type of inspection, edited by the commune admin.
    ``items``: [{"ar", "fr", "en"}], one question per entry."""

    __tablename__ = "inspection_checklists"
    __table_args__ = (sa.UniqueConstraint("commune_id", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    type: Mapped[Type] = mapped_column(enum_column(Type, 32))
    items: Mapped[list] = mapped_column(sa.JSON, default=list)

    def questions(self) -> list[str]:
        language = current_language()
        return [item.get(language) or item.get("fr") or "" for item in self.items]


class Inspection(Practiceable, HasTimeline, CommuneScoped, db.Model):
    """A visit an agent makes: from a permit file, from a complaint, or opened on the spot."""

    __tablename__ = "inspections"
    timeline_case = "inspection"
    timeline_signal = signals.inspection_event
    __table_args__ = (
        *position_checks(),
        # Where it comes from says which case it is about: exactly that one, or none on the spot.
        sa.CheckConstraint(
            "(source = 'permit' AND permit_case_id IS NOT NULL AND complaint_id IS NULL)"
            " OR (source = 'complaint' AND complaint_id IS NOT NULL AND permit_case_id IS NULL)"
            " OR (source = 'on_the_spot' AND permit_case_id IS NULL AND complaint_id IS NULL)",
            name="source_matches_case",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    source: Mapped[Source] = mapped_column(enum_column(Source, 16))
    type: Mapped[Type] = mapped_column(enum_column(Type, 32))
    status: Mapped[Status] = mapped_column(enum_column(Status, 16), default=Status.REQUESTED, index=True)
    permit_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("permit_cases.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    # Where the case is, when known: the agent's distance from it is checked on arrival.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.String(240))
    instructions: Mapped[str | None] = mapped_column(sa.Text)  # what the clerk wants checked
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    commune: Mapped[Commune] = relationship()
    permit_case: Mapped[PermitCase | None] = relationship()
    complaint: Mapped[Complaint | None] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    report: Mapped[InspectionReport | None] = relationship(back_populates="inspection", uselist=False)
    events: Mapped[list[InspectionEvent]] = relationship(back_populates="inspection", order_by="InspectionEvent.id")

    @property
    def reference(self) -> str:
        return f"I-{self.id:06d}"


class InspectionEvent(TimelineEntry, db.Model):
    """One line of an inspection's timeline: who requested, assigned, reported or cancelled it, and when."""

    __tablename__ = "inspection_events"

    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    status: Mapped[Status | None] = mapped_column(enum_column(Status, 16))

    inspection: Mapped[Inspection] = relationship(back_populates="events")


Inspection.timeline_entry = InspectionEvent


class InspectionReport(Practiceable, CommuneScoped, db.Model):
    """What the agent saw. One per inspection; ``filed_at`` is the time on site (from the phone),
    ``received_at`` when it reached the server (later, when it waited in the outbox)."""

    __tablename__ = "inspection_reports"
    __table_args__ = (
        *position_checks(),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),
        sa.CheckConstraint("distance_m IS NULL OR distance_m >= 0", name="distance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id"), unique=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # A report without position is accepted and marked so (no signal for GPS, a refused permission).
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]  # from the case's position, when both are known
    checklist: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"question", "answer": yes|no|na}]
    findings: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, 16))
    public_summary: Mapped[str | None] = mapped_column(sa.Text)
    # A phone replaying its outbox sends the same key again: the same report, never a second one.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="report")
    agent: Mapped[User] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(back_populates="report", order_by="ReportPhoto.id")

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def far_from_case(self) -> bool:
        return self.distance_m is not None and self.distance_m > FAR_FROM_CASE_M


class ReportPhoto(db.Model):
    __tablename__ = "inspection_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_reports.id"), index=True)
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    report: Mapped[InspectionReport] = relationship(back_populates="photos")
