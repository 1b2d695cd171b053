"""Complaints, observations and suggestions, their categories, photos and timeline."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.complaints import signals
from app.complaints.workflow import Kind, Outcome, Status
from app.core.channels import Channel
from app.core.dates import utcnow
from app.core.models import Localized, enum_column, partial_index, position_checks
from app.core.practice import Practiceable
from app.core.timeline import HasTimeline, TimelineEntry
from app.extensions import db
from app.models import Commune, User
from app.scoping import CommuneScoped


class ComplaintCategory(Localized, CommuneScoped, db.Model):
    """A commune's category (roads, lighting, waste…), routed to one of its departments."""

    __tablename__ = "complaint_categories"
    __table_args__ = (sa.UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name_ar: Mapped[str] = mapped_column(sa.String(120))
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    department: Mapped[str] = mapped_column(sa.String(120))  # the commune department it goes to
    duplicate_radius_m: Mapped[int] = mapped_column(default=150)
    answer_templates: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"title", "text"}]
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    commune: Mapped[Commune] = relationship()


OPEN_SQL = "status IN ('received', 'acknowledged', 'in_progress')"


class Complaint(Practiceable, HasTimeline, CommuneScoped, db.Model):
    """A complaint, observation or suggestion, from receipt to answer (decree 2-17-265)."""

    __tablename__ = "complaints"
    timeline_case = "complaint"
    timeline_signal = signals.complaint_event
    __table_args__ = (
        *position_checks(),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_not_negative"),
        sa.CheckConstraint("reopen_count BETWEEN 0 AND 1", name="reopened_at_most_once"),
        # The desk's queue (open first, oldest first; then closed, latest first), its status
        # filter and counts; Open311's newest first, by category too. Every query of cases names
        # the commune and the practice flag (app/scoping.py, app/core/practice.py): both lead.
        partial_index("ix_complaints_open_queue", ["commune_id", "practice", "received_at", "id"], OPEN_SQL),
        partial_index(
            "ix_complaints_closed_queue", ["commune_id", "practice", "updated_at", "id"], f"NOT ({OPEN_SQL})"
        ),
        sa.Index("ix_complaints_commune_status", "commune_id", "practice", "status", "received_at"),
        sa.Index(
            "ix_complaints_commune_category",
            *("commune_id", "practice", "category_id", "received_at"),
            postgresql_include=["status", "reference"],  # Open311's service_code and status, on the index alone
        ),
        partial_index("ix_complaints_public", ["commune_id", "practice", "received_at", "id"], "reference IS NOT NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint_categories.id"), index=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, 16), default=Kind.COMPLAINT)
    status: Mapped[Status] = mapped_column(enum_column(Status, 16), default=Status.RECEIVED, index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(12))
    description: Mapped[str] = mapped_column(sa.Text)  # the citizen's words: never public
    # The one public text of a complaint: a summary a clerk wrote and published (None until then).
    # The public sees the category, the rounded position and this; never the description or the
    # address the citizen typed (services.public_words).
    public_summary: Mapped[str | None] = mapped_column(sa.Text)
    # Where: a position from the phone (with its accuracy), or words, or both.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    location_text: Mapped[str | None] = mapped_column(sa.String(240))
    outside_commune: Mapped[bool] = mapped_column(default=False)  # flagged, not refused
    # Who: an account is optional; contact details are for clerks only, never public.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(16))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_cin: Mapped[str | None] = mapped_column(sa.String(8))  # at the counter: to claim it later
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the clerk, at the counter
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16), default=Channel.WEB, server_default="web")
    api_client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_clients.id"))
    # A phone replaying its outbox sends the same key again: same complaint, same reference.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    # When it was written, by the phone's clock (checked; it may have waited in the outbox). None
    # when the phone said nothing (no JavaScript, Open311).
    written_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    department: Mapped[str | None] = mapped_column(sa.String(120))
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, 16))
    answer: Mapped[str | None] = mapped_column(sa.Text)  # public
    rating: Mapped[int | None]  # 1–5, after the answer
    rating_comment: Mapped[str | None] = mapped_column(sa.Text)
    reopen_count: Mapped[int] = mapped_column(default=0)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    commune: Mapped[Commune] = relationship()
    category: Mapped[ComplaintCategory] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    photos: Mapped[list[ComplaintPhoto]] = relationship(back_populates="complaint", order_by="ComplaintPhoto.id")
    events: Mapped[list[ComplaintEvent]] = relationship(back_populates="complaint", order_by="ComplaintEvent.id")
    supporters: Mapped[list[ComplaintSupporter]] = relationship(back_populates="complaint")


class ComplaintPhoto(db.Model):
    __tablename__ = "complaint_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    size: Mapped[int]
    public: Mapped[bool] = mapped_column(default=False)  # shown publicly once a clerk approves it
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="photos")


class ComplaintEvent(TimelineEntry, db.Model):
    """One line of a complaint's timeline (see app.core.timeline)."""

    __tablename__ = "complaint_events"

    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    status: Mapped[Status | None] = mapped_column(enum_column(Status, 16))

    complaint: Mapped[Complaint] = relationship(back_populates="events")


Complaint.timeline_entry = ComplaintEvent


class ComplaintSupporter(db.Model):
    """Someone who reported the same problem and follows this complaint instead."""

    __tablename__ = "complaint_supporters"
    __table_args__ = (sa.UniqueConstraint("complaint_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    contact: Mapped[str | None] = mapped_column(sa.String(254))  # a guest's phone or e-mail
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="supporters")


class ApiClient(db.Model):
    """An application allowed to post reports through Open311, with its api_key (stored hashed)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the key
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
