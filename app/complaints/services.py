"""The rules of complaints: filing (once, even when a phone sends it twice), handling, answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.complaints import workflow
from app.complaints.catalog import CATEGORIES
from app.complaints.models import OPEN_SQL, Complaint, ComplaintCategory, ComplaintPhoto, ComplaintSupporter
from app.complaints.workflow import ACKNOWLEDGE_DAYS, ANSWER_DAYS, OPEN, Kind, Outcome, Status
from app.core.channels import Channel
from app.core.codes import new_tracking_code, reference, same_code
from app.core.dates import aware, local_day, phone_time, today, utcnow
from app.core.errors import RuleError
from app.core.geo import box_around, distance_m, outside_commune
from app.core.models import name_in_page_language
from app.core.paging import paginate_parts
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.inspections import services as inspections
from app.inspections.models import Inspection
from app.models import Commune, Role, User
from app.uploads import UploadError, discard, store_upload

MAX_PHOTOS = 3


def seed_categories(commune: Commune) -> None:
    """Give a commune the standard categories it does not have yet."""
    existing = set(
        db.session.scalars(
            sa.select(ComplaintCategory.code)
            .where(ComplaintCategory.commune_id == commune.id)
            .execution_options(skip_commune_scope=True)
        )
    )
    for position, (code, ar, fr, en, department) in enumerate(CATEGORIES):
        if code not in existing:
            db.session.add(
                ComplaintCategory(
                    commune=commune,
                    code=code,
                    name_ar=ar,
                    name_fr=fr,
                    name_en=en,
                    department=department,
                    position=position,
                )
            )
    db.session.commit()


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
    author: User | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    contact_cin: str | None = None,
    filed_by: User | None = None,
    photos=(),
    channel: Channel = Channel.WEB,
    api_client=None,
    idempotency_key: str | None = None,
    written_at: datetime | None = None,
) -> Complaint:
    """File a complaint (already validated by its form or the API). ``idempotency_key`` is the
    scoped key of app.core.replay: a replay of it raises IntegrityError, answered there.
    ``written_at`` is the phone's time of writing: kept when believable, else the receipt time.
    ``filed_by``: the clerk who typed it in for the person (at the counter, from a letter or a
    call); the person's CIN lets them claim it later (app/counter)."""
    received_at = utcnow()
    stored = []
    try:
        for photo in [p for p in list(photos)[:MAX_PHOTOS] if p and p.filename]:
            stored.append(store_upload(photo, ["image"]))
    except UploadError:  # one photo refused (or no turn to be decoded in time): keep none
        discard(stored)
        raise
    complaint = Complaint(
        commune=commune,
        category=category,
        kind=kind,
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        location_text=(location_text or "").strip() or None,
        outside_commune=outside_commune(commune, latitude, longitude),
        author=author,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        contact_cin=contact_cin,
        filed_by=filed_by,
        channel=channel,
        api_client_id=api_client.id if api_client else None,
        idempotency_key=idempotency_key,
        received_at=received_at,
        written_at=phone_time(written_at, received_at) if written_at else None,
        department=category.department,
        tracking_code=new_tracking_code(),
    )
    db.session.add(complaint)
    for file in stored:
        db.session.add(ComplaintPhoto(complaint=complaint, storage_name=file.storage_name, size=file.size))
    try:
        db.session.flush()
        complaint.reference = reference("C", today().year, complaint.id)
        marks = {"at_counter": True} if filed_by else {}
        complaint.record("received", author or filed_by, reference=complaint.reference, **marks)
        db.session.commit()
    except sa.exc.IntegrityError:
        # The same key, stored a moment earlier by a parallel replay (app.core.replay answers it).
        db.session.rollback()  # the photos staged for it go too
        raise
    current_app.logger.info("complaint filed id=%s ref=%s channel=%s", complaint.id, complaint.reference, channel)
    return complaint


def author_complaints(user: User) -> list[Complaint]:
    statement = sa.select(Complaint).where(Complaint.author_id == user.id).order_by(Complaint.received_at.desc())
    return list(db.session.scalars(statement))


def by_tracking(reference: str, code: str) -> Complaint | None:
    statement = (
        sa.select(Complaint)
        .where(Complaint.reference == reference.strip().upper())
        .execution_options(skip_commune_scope=True)
    )
    complaint = db.session.scalar(statement)
    if complaint is None or not same_code(complaint.tracking_code, code):
        return None
    return complaint


# --- where: Morocco, distances, duplicates ------------------------------------------------


def _offered(statement: sa.Select) -> sa.Select:
    """``statement`` limited to the categories a commune offers, in its order (one rule for the
    objects and for the form's plain rows)."""
    return statement.where(
        ComplaintCategory.commune_id == sa.bindparam("commune_id"), ComplaintCategory.active.is_(True)
    ).order_by(ComplaintCategory.position, ComplaintCategory.id)


_ACTIVE = _offered(sa.select(ComplaintCategory)).execution_options(skip_commune_scope=True)
_ACTIVE_CHOICES = _offered(
    sa.select(ComplaintCategory.id, ComplaintCategory.name_ar, ComplaintCategory.name_fr, ComplaintCategory.name_en)
)


def active_categories(commune: Commune) -> list[ComplaintCategory]:
    return list(db.session.scalars(_ACTIVE, {"commune_id": commune.id}))


def category_choices(commune: Commune) -> list[tuple[int, str]]:
    """(id, name in the page's language) of the commune's active categories, in the order of
    active_categories: what the complaint form offers on every visit. Read as plain rows (the
    query is the commune's own, categories hold no practice cases): building an object per
    category cost more than the rest of the form's database work."""
    rows = db.session.connection().execute(_ACTIVE_CHOICES, {"commune_id": commune.id})
    return [(row.id, name_in_page_language(row)) for row in rows]


def nearby_open(
    category: ComplaintCategory, latitude: float | None, longitude: float | None, *, not_key: str | None = None
) -> list[Complaint]:
    """Open complaints of the same category within the category's radius, nearest first; never
    the one this very submission made (``not_key``: a replay racing its first arrival)."""
    if latitude is None or longitude is None:
        return []
    (south, north), (west, east) = box_around(latitude, longitude, category.duplicate_radius_m)
    statement = (
        sa.select(Complaint)
        .where(
            Complaint.category_id == category.id,
            Complaint.status.in_(OPEN),
            Complaint.latitude.between(south, north),
            Complaint.longitude.between(west, east),
        )
        .execution_options(skip_commune_scope=True)
    )
    if not_key:
        statement = statement.where(sa.or_(Complaint.idempotency_key.is_(None), Complaint.idempotency_key != not_key))
    found = [(distance_m(latitude, longitude, c.latitude, c.longitude), c) for c in db.session.scalars(statement)]
    return [c for d, c in sorted(found, key=lambda pair: pair[0]) if d <= category.duplicate_radius_m]


def support(complaint: Complaint, user: User | None = None, contact: str | None = None) -> ComplaintSupporter:
    """Follow a complaint already reported instead of filing the same one again (once per account)."""
    if user is not None:
        existing = db.session.scalar(
            sa.select(ComplaintSupporter).where(
                ComplaintSupporter.complaint_id == complaint.id,
                ComplaintSupporter.user_id == user.id,
            )
        )
        if existing is not None:
            return existing
    supporter = ComplaintSupporter(
        complaint=complaint, user_id=user.id if user else None, contact=(contact or "").strip() or None
    )
    db.session.add(supporter)
    db.session.commit()
    return supporter


def by_reference(reference: str) -> Complaint | None:
    statement = (
        sa.select(Complaint)
        .where(Complaint.reference == reference.strip().upper())
        .execution_options(skip_commune_scope=True)
    )
    return db.session.scalar(statement)


# --- the clock ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """The 60-day answer clock and the 15-day acknowledgment clock, from the day of receipt."""

    received_on: date
    deadline: date
    acknowledge_by: date
    days_left: int | None  # None once answered or closed
    acknowledge_days_left: int | None  # None once acknowledged

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def acknowledgment_overdue(self) -> bool:
        return self.acknowledge_days_left is not None and self.acknowledge_days_left < 0


def received_on(complaint: Complaint) -> date:
    return local_day(complaint.received_at)


def clock(complaint: Complaint, on: date | None = None) -> Clock:
    on = on or today()
    start = received_on(complaint)
    deadline = start + timedelta(days=ANSWER_DAYS)
    acknowledge_by = start + timedelta(days=ACKNOWLEDGE_DAYS)
    running = complaint.status in OPEN
    return Clock(
        start,
        deadline,
        acknowledge_by,
        (deadline - on).days if running else None,
        (acknowledge_by - on).days if complaint.status is Status.RECEIVED else None,
    )


# --- handling -------------------------------------------------------------------------------


def acknowledge(complaint: Complaint, actor: User, department: str) -> None:
    department = (department or "").strip() or complaint.category.department
    workflow.MACHINE.apply(complaint, "acknowledge", actor, department=department)
    complaint.department = department
    complaint.acknowledged_at = utcnow()
    db.session.commit()


def start(complaint: Complaint, actor: User) -> None:
    workflow.MACHINE.apply(
        complaint,
        "start",
        actor,
    )
    db.session.commit()


def answer(complaint: Complaint, actor: User, outcome: Outcome, text: str) -> None:
    text = (text or "").strip()
    if not text:
        raise RuleError(_l("Write the answer the citizen will read."), "answer")
    workflow.MACHINE.apply(complaint, "answer", actor, message=text, outcome=outcome.value)
    complaint.outcome = outcome
    complaint.answer = text
    complaint.answered_at = utcnow()
    db.session.commit()


def close(complaint: Complaint, actor: User) -> None:
    workflow.MACHINE.apply(
        complaint,
        "close",
        actor,
    )
    complaint.closed_at = utcnow()
    db.session.commit()


def close_out_of_scope(complaint: Complaint, actor: User, message: str) -> None:
    message = (message or "").strip()
    if not message:
        raise RuleError(_l("Tell the citizen where to go instead."), "message")
    workflow.MACHINE.apply(complaint, "close_out_of_scope", actor, message=message)
    complaint.answer = message
    complaint.closed_at = utcnow()
    db.session.commit()


def reopen_days() -> int:
    return int(current_app.config.get("COMPLAINT_REOPEN_DAYS", 30))


def can_reopen(complaint: Complaint, on: datetime | None = None) -> bool:
    """Once, within the configured days of the answer, if answered or closed after an answer."""
    if (
        complaint.reopen_count >= 1
        or complaint.answered_at is None
        or complaint.status not in (Status.ANSWERED, Status.CLOSED)
    ):
        return False
    return (on or utcnow()) <= aware(complaint.answered_at) + timedelta(days=reopen_days())


def can_rate(complaint: Complaint) -> bool:
    return complaint.status in (Status.ANSWERED, Status.CLOSED) and complaint.answered_at is not None


def reopen(complaint: Complaint, actor: User | None, reason: str | None = None) -> None:
    if complaint.reopen_count >= 1:
        raise RuleError(_l("This complaint was already reopened once."))
    if not can_reopen(complaint):
        raise RuleError(_l("A complaint can be reopened only within %(days)d days of its answer.", days=reopen_days()))
    workflow.MACHINE.apply(complaint, "reopen", actor, role=Role.CITIZEN, message=(reason or "").strip() or None)
    complaint.reopen_count += 1
    db.session.commit()


def rate(complaint: Complaint, rating: int, comment: str | None) -> None:
    if not can_rate(complaint):
        raise RuleError(_l("A complaint can be rated once it is answered."))
    if rating not in range(1, 6):
        raise RuleError(_l("Choose a rating from 1 to 5."), "rating")
    complaint.rating = rating
    complaint.rating_comment = (comment or "").strip() or None
    complaint.record("rated", None, public=False, rating=rating)
    db.session.commit()


def assign(complaint: Complaint, actor: User, agent: User | None) -> None:
    complaint.assigned_to = agent
    complaint.record("assigned", actor, public=False, agent=agent.full_name if agent else None)
    db.session.commit()


def add_note(complaint: Complaint, actor: User, text: str) -> None:
    complaint.record("note", actor, public=False, message=text.strip())
    db.session.commit()


def request_site_check(
    complaint: Complaint, clerk: User, agent: User | None, due_on: date | None, instructions: str | None = None
) -> Inspection:
    """A field agent goes and looks: an inspection from the complaint, noted on its timeline."""
    if complaint.status not in OPEN:
        raise RuleError(_l("A site check can be requested while the complaint is open."))
    inspection = inspections.request_for_complaint(complaint, clerk, agent, due_on, instructions)
    complaint.record(
        "site_check_requested", clerk, public=False, message=instructions, agent=agent.full_name if agent else None
    )
    db.session.commit()
    return inspection


MAX_PUBLIC_SUMMARY = 500


def public_words(public_summary: str | None) -> dict:
    """The one public rule for a complaint's text, wherever it shows (public page, the nearby
    complaints on the filing form, Open311, open data): the citizen's description and typed
    address are never public; the summary a clerk wrote and published stands for them."""
    return {"description": public_summary or None, "address": None}


def set_public_summary(complaint: Complaint, clerk: User, summary: str | None) -> None:
    """Publish what the public may read of this complaint (empty: withdraw it), like a photo is
    approved: written by the clerk, so nothing personal the citizen wrote goes out by accident."""
    text = (summary or "").strip()
    if len(text) > MAX_PUBLIC_SUMMARY:
        raise RuleError(_l("Write at most %(num)d characters.", num=MAX_PUBLIC_SUMMARY), "summary")
    complaint.public_summary = text or None
    db.session.commit()
    current_app.logger.info(
        "complaint public summary %s id=%s by=%s", "set" if text else "withdrawn", complaint.id, clerk.id
    )


def set_photo_public(complaint: Complaint, photo_id: int, public: bool) -> None:
    photo = next((p for p in complaint.photos if p.id == photo_id), None)
    if photo is None:
        raise RuleError(_l("This photo is not part of the complaint."))
    photo.public = public
    db.session.commit()


def merge(complaint: Complaint, actor: User, target: Complaint | None) -> None:
    """A duplicate closed with a public pointer to the other complaint; its author (or contact)
    becomes a supporter of the other one. Both rows are locked (in id order, so two merges of
    the same pair never deadlock) and both are written: of two clerks merging two complaints into
    each other at the same moment, one wins and the other is told the target is closed."""
    if target is None or target.id == complaint.id or target.commune_id != complaint.commune_id:
        raise RuleError(_l("No other complaint of this commune has this reference."), "target")
    _lock_fresh(complaint, target)
    if target.status not in OPEN:
        raise RuleError(_l("Merge into a complaint that is still open."), "target")
    workflow.MACHINE.apply(complaint, "close_out_of_scope", actor, merged_into=target.reference)
    complaint.merged_into_id = target.id
    complaint.closed_at = utcnow()
    contact = complaint.contact_phone or complaint.contact_email
    if complaint.author_id or contact:
        already = complaint.author_id and any(s.user_id == complaint.author_id for s in target.supporters)
        if not already and not (complaint.author_id and complaint.author_id == target.author_id):
            db.session.add(ComplaintSupporter(complaint=target, user_id=complaint.author_id, contact=contact))
    target.record("merged", actor, reference=complaint.reference)
    target.updated_at = utcnow()  # the target's version moves too: a merge the other way fails
    db.session.commit()


def _lock_fresh(*complaints: Complaint) -> None:
    """Lock these rows (PostgreSQL; SQLite serialises writers anyway) and read them again."""
    ids = sorted(c.id for c in complaints)
    statement = sa.select(Complaint).where(Complaint.id.in_(ids)).order_by(Complaint.id).with_for_update()
    db.session.scalars(statement.execution_options(populate_existing=True)).all()


# --- what staff see -------------------------------------------------------------------------

QUEUE_PER_PAGE = 25


def staff_complaints():
    """The commune wall filters this for staff (app/scoping.py)."""
    return sa.select(Complaint)


def queue(status: str = "", category_id: int | None = None, department: str = "", page: int = 1):
    statement = staff_complaints()
    if status:
        statement = statement.where(Complaint.status == Status(status))
    if category_id:
        statement = statement.where(Complaint.category_id == category_id)
    if department:
        statement = statement.where(Complaint.department == department)
    # Open complaints first, the oldest received first (the fewest days left on the 60-day clock);
    # then the others, the latest touched first. Each part is read in its own index's order.
    latest = [Complaint.updated_at.desc(), Complaint.id.desc()]
    parts = [
        (sa.text(OPEN_SQL), [Complaint.received_at, *latest]),  # as the partial indexes say it
        (sa.text(f"NOT ({OPEN_SQL})"), latest),
    ]
    return paginate_parts(statement, Complaint.id, parts, min(max(page, 1), 10_000), QUEUE_PER_PAGE)


def agents_of(commune_id: int) -> list[User]:
    statement = (
        sa.select(User)
        .where(
            User.commune_id == commune_id,
            User.role.in_([Role.AGENT, Role.CLERK, Role.ADMIN]),
        )
        .order_by(User.full_name)
    )
    return list(db.session.scalars(statement))
