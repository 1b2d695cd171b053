"""The rules of complaints: filing (once, even when a phone sends it twice), handling, answers."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from app.complaints.catalog import CATEGORIES
from app.complaints.models import Complaint, ComplaintCategory, ComplaintEvent, ComplaintPhoto
from app.complaints.workflow import Kind
from app.extensions import db
from app.models import Commune, User
from app.permits.services import TRACKING_ALPHABET, today
from app.uploads import store_upload, stored_path

MAX_PHOTOS = 3


def seed_categories(commune: Commune) -> None:
    """Give a commune the standard categories it does not have yet."""
    existing = set(db.session.scalars(
        sa.select(ComplaintCategory.code).where(ComplaintCategory.commune_id == commune.id).execution_options(skip_commune_scope=True)
    ))
    for position, (code, ar, fr, en, department) in enumerate(CATEGORIES):
        if code not in existing:
            db.session.add(ComplaintCategory(
                commune=commune, code=code, name_ar=ar, name_fr=fr, name_en=en, department=department, position=position,
            ))
    db.session.commit()


def log(complaint: Complaint, event: str, actor: User | None, *, public: bool = True, message: str | None = None, **params) -> ComplaintEvent:
    entry = ComplaintEvent(complaint=complaint, actor=actor, event=event, status=complaint.status, params=params, message=message, public=public)
    db.session.add(entry)
    return entry


def by_idempotency_key(key: str | None) -> Complaint | None:
    if not key:
        return None
    statement = sa.select(Complaint).where(Complaint.idempotency_key == key).execution_options(skip_commune_scope=True)
    return db.session.scalar(statement)


def file_complaint(
    commune: Commune,
    category: ComplaintCategory,
    kind: Kind,
    description: str,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    accuracy_m: float | None = None,
    location_text: str | None = None,
    outside_commune: bool = False,
    author: User | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    photos=(),
    source: str = "web",
    api_client=None,
    idempotency_key: str | None = None,
) -> Complaint:
    """File a complaint (already validated by its form or the API). The same idempotency key
    gives back the complaint already filed: a replayed submission is never a second record."""
    if (existing := by_idempotency_key(idempotency_key)) is not None:
        return existing
    stored = [store_upload(photo, ["image"]) for photo in list(photos)[:MAX_PHOTOS] if photo and photo.filename]
    complaint = Complaint(
        commune=commune, category=category, kind=kind, description=description.strip(),
        latitude=latitude, longitude=longitude, accuracy_m=accuracy_m, location_text=(location_text or "").strip() or None,
        outside_commune=outside_commune, author=author, contact_name=contact_name, contact_phone=contact_phone,
        contact_email=contact_email, source=source, api_client_id=api_client.id if api_client else None,
        idempotency_key=idempotency_key, department=category.department,
        tracking_code="".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8)),
    )
    db.session.add(complaint)
    for file in stored:
        db.session.add(ComplaintPhoto(complaint=complaint, storage_name=file.storage_name, size=file.size))
    try:
        db.session.flush()
        complaint.reference = f"C-{today().year}-{complaint.id:06d}"
        log(complaint, "received", author, reference=complaint.reference)
        db.session.commit()
    except sa.exc.IntegrityError:
        # The same key, committed a moment earlier by a parallel replay: that one is the complaint.
        db.session.rollback()
        for file in stored:
            stored_path(file.storage_name).unlink(missing_ok=True)
        if (existing := by_idempotency_key(idempotency_key)) is not None:
            return existing
        raise
    current_app.logger.info("complaint filed id=%s ref=%s source=%s", complaint.id, complaint.reference, source)
    return complaint


def by_tracking(reference: str, code: str) -> Complaint | None:
    statement = sa.select(Complaint).where(Complaint.reference == reference.strip().upper()).execution_options(skip_commune_scope=True)
    complaint = db.session.scalar(statement)
    if complaint is None or not secrets.compare_digest(complaint.tracking_code, code.strip().upper()):
        return None
    return complaint
