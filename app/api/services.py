"""Open311 GeoReport v2 over the commune's complaints: what the API shows and accepts.

Everything shown is public: never a name, phone, e-mail, account or tracking code, and of a
complaint's words only the summary a clerk published (complaints.services.public_words).
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.complaints import services as complaint_services
from app.complaints.models import ApiClient, Complaint, ComplaintCategory
from app.complaints.workflow import OPEN, Kind, Status
from app.core.bidi import drop_unpaired_bidi
from app.core.channels import Channel
from app.core.dates import aware
from app.core.geo import in_morocco, public_coordinate
from app.core.paging import count_limit, count_of
from app.core.replay import Submission
from app.extensions import db
from app.models import Commune

ANSWER_DAYS = 60  # decree 2-17-265: an answer within 60 days
OPEN311_KIND = Kind.COMPLAINT  # a report from an Open311 client is filed as a complaint
MAX_DESCRIPTION = 4000  # the Open311 request schema's maxLength
MAX_ADDRESS = 240  # Complaint.location_text
MAX_NAME = 120  # Complaint.contact_name
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # the spec's suggested ceiling for one answer
SERVICE_NOTICE = "The commune acknowledges a report within 15 days and answers it within 60 days."
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,40}$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,20}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class ApiError(Exception):
    """An Open311 error: HTTP status and a description, sent as [{code, description}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- api keys ---------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name: str) -> tuple[ApiClient, str]:
    """A new client application and its api_key, returned once: only its sha256 is stored."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("the name must have 1 to 120 characters")
    key = secrets.token_urlsafe(32)
    client = ApiClient(name=name, key_hash=hash_key(key), active=True)
    db.session.add(client)
    db.session.commit()
    current_app.logger.info("open311 api key issued client=%s", client.id)
    return client, key


def revoke_key(client: ApiClient) -> None:
    client.active = False
    db.session.commit()
    current_app.logger.info("open311 api key revoked client=%s", client.id)


def client_for_key(key: str | None) -> ApiClient | None:
    if not key or len(key) > 200:
        return None
    client = db.session.scalar(sa.select(ApiClient).where(ApiClient.key_hash == hash_key(key)))
    return client if client is not None and client.active else None


# -- jurisdictions ----------------------------------------------------------------------


def open_communes() -> list[Commune]:
    return list(db.session.scalars(sa.select(Commune).where(Commune.opened_at.is_not(None)).order_by(Commune.code)))


def resolve_jurisdiction(jurisdiction_id: str | None) -> Commune:
    """The commune a request is about: ``jurisdiction_id`` is its HCP code. It may be left out
    only while a single commune is open on the platform; a closed or unknown commune is a 404."""
    jurisdiction_id = (jurisdiction_id or "").strip()
    if jurisdiction_id:
        commune = db.session.scalar(
            sa.select(Commune).where(Commune.code == jurisdiction_id, Commune.opened_at.is_not(None))
        )
        if commune is None:
            raise ApiError(404, f"jurisdiction_id {jurisdiction_id} is not a commune open on this server")
        return commune
    communes = db.session.scalars(sa.select(Commune).where(Commune.opened_at.is_not(None)).limit(2)).all()
    if len(communes) == 1:
        return communes[0]
    if not communes:
        raise ApiError(404, "no commune is open on this server")
    raise ApiError(400, "jurisdiction_id is required: the HCP code of the commune (see discovery)")


# -- services ---------------------------------------------------------------------------


def categories(commune: Commune) -> list[ComplaintCategory]:
    statement = (
        sa.select(ComplaintCategory)
        .where(ComplaintCategory.commune_id == commune.id, ComplaintCategory.active.is_(True))
        .order_by(ComplaintCategory.position, ComplaintCategory.id)
    )
    return list(db.session.scalars(statement))


def category(commune: Commune, code: str) -> ComplaintCategory:
    found = db.session.scalar(
        sa.select(ComplaintCategory).where(
            ComplaintCategory.commune_id == commune.id,
            ComplaintCategory.code == code,
            ComplaintCategory.active.is_(True),
        )
    )
    if found is None:
        raise ApiError(404, f"service_code {code} is not a service of this jurisdiction")
    return found


def service_dict(item: ComplaintCategory) -> dict:
    # No description or keywords columns on categories: described by department, keyworded
    # by its code and its names in the three languages (so a search in any of them finds it).
    keywords = list(dict.fromkeys([item.code, item.name_ar, item.name_fr, item.name_en]))
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": f"{item.name} — {item.department}",
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": item.department,
    }


def service_definition(item: ComplaintCategory) -> dict:
    return {"service_code": item.code, "attributes": []}


# -- requests ---------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    return aware(moment).astimezone(UTC).isoformat(timespec="seconds") if moment else None


def open311_status(complaint: Complaint) -> str:
    return "open" if complaint.status in OPEN else "closed"


# What request_dict reads: a page of 100 reads only these (not the citizen's words or contact).
PUBLIC_COLUMNS = [
    *(Complaint.reference, Complaint.status, Complaint.answer, Complaint.public_summary, Complaint.department),
    *(Complaint.received_at, Complaint.updated_at, Complaint.answered_at, Complaint.closed_at),
    *(Complaint.latitude, Complaint.longitude, Complaint.category_id, Complaint.commune_id),
]


def request_dict(complaint: Complaint) -> dict:
    """One complaint as an Open311 request: public fields only, by construction."""
    closed = complaint.status not in OPEN
    updated = (complaint.closed_at if complaint.status == Status.CLOSED else complaint.answered_at) if closed else None
    return {
        "service_request_id": complaint.reference,
        "status": open311_status(complaint),
        "status_notes": complaint.answer if closed else None,
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        **complaint_services.public_words(complaint.public_summary),  # the one public rule for its text
        "agency_responsible": complaint.department or complaint.category.department,
        "service_notice": None,
        "requested_datetime": iso(complaint.received_at),
        "updated_datetime": iso(updated or complaint.updated_at or complaint.received_at),
        "expected_datetime": iso(aware(complaint.received_at) + timedelta(days=ANSWER_DAYS)),
        "address_id": None,
        "zipcode": None,
        "lat": public_coordinate(complaint.latitude),
        "long": public_coordinate(complaint.longitude),
        "media_url": None,
    }


def _base_query(commune: Commune):
    return sa.select(Complaint).where(Complaint.commune_id == commune.id, Complaint.reference.is_not(None))


def find_request(reference: str, commune: Commune | None) -> Complaint:
    statement = sa.select(Complaint).where(Complaint.reference == reference.strip().upper())
    if commune is not None:
        statement = statement.where(Complaint.commune_id == commune.id)
    complaint = db.session.scalar(statement)
    if complaint is None or complaint.commune.opened_at is None:
        raise ApiError(404, f"service_request_id {reference} is not known")
    return complaint


def _parse_datetime(name: str, value: str, *, end: bool = False) -> datetime:
    """W3C date-time (2026-11-01T00:00:00Z, with an offset) or a date; no offset means UTC."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).date()
            moment = datetime.combine(day, time.max if end else time.min)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
        return aware(moment).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ApiError(400, f"{name} must be a date-time such as 2026-11-01T00:00:00Z") from None


def _positive_int(name: str, value: str | None, default: int, maximum: int) -> int:
    if value is None or value.strip() == "":
        return default
    text = value.strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= maximum:
        raise ApiError(400, f"{name} must be a whole number from 1 to {maximum}")
    return int(text)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass
class Page:
    items: list[Complaint]
    page: int
    page_size: int
    total: int  # counted no further than counted_to + 1
    counted_to: int  # COUNT_LIMIT, or this page's end when it lies further

    @property
    def counted_all(self) -> bool:
        return self.total <= self.counted_to

    @property
    def has_next(self) -> bool:
        return self.total > self.page * self.page_size


def search_requests(commune: Commune, args) -> Page:
    """GET requests: the spec's filters plus page / page_size. Newest first. An empty
    parameter counts as absent; with service_request_id, the other filters are ignored."""
    page = _positive_int("page", args.get("page"), 1, 100_000)
    page_size = _positive_int("page_size", args.get("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    statement = _base_query(commune)
    if ids := _split(args.get("service_request_id") or ""):
        if len(ids) > MAX_PAGE_SIZE:
            raise ApiError(400, f"service_request_id takes at most {MAX_PAGE_SIZE} ids")
        statement = statement.where(Complaint.reference.in_([i.upper() for i in ids]))
    else:
        if codes := _split(args.get("service_code") or ""):
            # The commune's own categories first (a handful of rows), then its complaints by category:
            # not a join through every commune's categories of the same code.
            own = sa.select(ComplaintCategory.id).where(
                ComplaintCategory.commune_id == commune.id, ComplaintCategory.code.in_(codes)
            )
            statement = statement.where(Complaint.category_id.in_(list(db.session.scalars(own))))
        if statuses := _split(args.get("status") or ""):
            unknown = set(statuses) - {"open", "closed"}
            if unknown:
                raise ApiError(400, "status must be open, closed or both separated by a comma")
            if statuses and set(statuses) != {"open", "closed"}:
                wanted = OPEN if statuses[0] == "open" else set(Status) - OPEN
                statement = statement.where(Complaint.status.in_(sorted(wanted)))
        if channels := _split(args.get("channel") or ""):
            # An extension: how the requests reached the commune (web, open311, counter, letter, phone).
            if set(channels) - {c.value for c in Channel}:
                raise ApiError(400, "channel must be among " + ", ".join(c.value for c in Channel))
            statement = statement.where(Complaint.channel.in_([Channel(c) for c in channels]))
        start = args.get("start_date") or ""
        end = args.get("end_date") or ""
        start_at = _parse_datetime("start_date", start) if start.strip() else None
        end_at = _parse_datetime("end_date", end, end=True) if end.strip() else None
        if start_at and end_at and end_at < start_at:
            raise ApiError(400, "end_date must not be before start_date")
        if start_at:
            statement = statement.where(Complaint.received_at >= start_at)
        if end_at:
            statement = statement.where(Complaint.received_at <= end_at)
    # Exact up to COUNT_LIMIT: past it a count over a big commune grows with every case it holds.
    counted_to = max(count_limit(), page * page_size)
    total = count_of(statement, counted_to)
    items = db.session.scalars(
        statement.options(sa.orm.joinedload(Complaint.category), sa.orm.load_only(*PUBLIC_COLUMNS))
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(list(items), page, page_size, total, counted_to)


def _float(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ApiError(400, f"{name} must be between {low:g} and {high:g}")
    return number


def _text(form, name: str) -> str:
    """A text parameter as the web forms take it: trimmed, without unpaired bidi controls."""
    return drop_unpaired_bidi(form.get(name) or "").strip()


def _optional(form, name: str, maximum: int) -> str | None:
    value = _text(form, name)
    if len(value) > maximum:
        raise ApiError(400, f"{name} must have at most {maximum} characters")
    return value or None


def post_request(commune: Commune, form, client: ApiClient, idempotency_key: str | None) -> tuple[Complaint, bool]:
    """POST requests: validate like the web form does, then file through the same service.
    Returns the complaint and whether it was created now (False: a replay of the same key)."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise ApiError(400, "service_code is required")
    item = category(commune, code)
    description = _text(form, "description")
    if not description:
        raise ApiError(400, "description is required")
    if len(description) > MAX_DESCRIPTION:
        raise ApiError(400, f"description must have at most {MAX_DESCRIPTION} characters")
    lat, lon = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    if bool(lat) != bool(lon):
        raise ApiError(400, "lat and long go together")
    latitude = _float("lat", lat, -90, 90) if lat else None
    longitude = _float("long", lon, -180, 180) if lon else None
    if latitude is not None and not in_morocco(latitude, longitude):
        raise ApiError(400, "lat and long are outside Morocco")
    address = _optional(form, "address_string", MAX_ADDRESS)
    if latitude is None and address is None:
        if (form.get("address_id") or "").strip():
            raise ApiError(400, "address_id is not supported: send lat and long, or address_string")
        raise ApiError(400, "a location is required: lat and long, or address_string")
    email = _optional(form, "email", 254)
    if email and not EMAIL.match(email):
        raise ApiError(400, "email is not an e-mail address")
    phone = _optional(form, "phone", 20)
    if phone and not PHONE.match(phone):
        raise ApiError(400, "phone is not a phone number")
    phone = re.sub(r"[^0-9+]", "", phone)[:16] if phone else None
    names = [n for n in (_optional(form, "first_name", MAX_NAME), _optional(form, "last_name", MAX_NAME)) if n]
    contact_name = " ".join(names)[:MAX_NAME] or None
    if idempotency_key is not None and idempotency_key.strip() and not IDEMPOTENCY_KEY.match(idempotency_key.strip()):
        raise ApiError(400, "Idempotency-Key must have 1 to 40 letters, digits, '.', '_', ':' or '-'")
    # Scoped to the client application: one client can never reach another's complaint.
    submission = Submission(f"api:{client.id}", idempotency_key, complaint_services.by_idempotency_key)
    if (existing := submission.earlier()) is not None:
        return existing, False
    complaint, replayed = submission.make(
        lambda key: complaint_services.file_complaint(
            commune,
            item,
            OPEN311_KIND,
            description,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=None,
            location_text=address,
            author=None,
            contact_name=contact_name,
            contact_phone=phone,
            contact_email=email,
            photos=(),
            channel=Channel.OPEN311,
            api_client=client,
            idempotency_key=key,
        )
    )
    return complaint, not replayed
