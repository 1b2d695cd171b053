"""Inspections built through the services the pages use, and the report form as a phone sends it."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from app.complaints import services as complaint_services
from app.core.dates import today
from app.extensions import db
from app.inspections.models import Inspection, InspectionReport
from app.inspections.workflow import Type
from app.permits import services as permit_services
from tests.complaints import helpers as complaints
from tests.permits import files
from tests.permits.helpers import MINIMAL_PDF, photo_bytes

CASE_POSITION = (35.1688, -5.2636)  # where tests.permits.files puts the parcel


def permit_in_site_visit(app, agent: str | None = "agent@demo.ma", kind: Type = Type.SITE_VISIT) -> tuple[int, int]:
    """A complete permit file sent to a site visit; returns (case id, inspection id)."""
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        permit_services.mark_complete(case, clerk)
        inspection = permit_services.request_site_visit(
            case,
            clerk,
            kind,
            files.user(agent) if agent else None,
            today(),
            "Le propriétaire ouvrira le portail.",
        )
        ids = case.id, inspection.id
        db.session.remove()
    return ids


def complaint_to_check(app, agent: str | None = "agent@demo.ma") -> tuple[int, int]:
    """An acknowledged complaint with a site check requested; returns (complaint id, inspection id)."""
    complaint_id = complaints.file(app)
    with app.app_context():
        complaint = complaints.get(app, complaint_id)
        clerk = files.user("clerk@demo.ma")
        complaint_services.acknowledge(complaint, clerk, "Voirie")
        inspection = complaint_services.request_site_check(
            complaint, clerk, files.user(agent) if agent else None, today() + timedelta(days=1)
        )
        inspection_id = inspection.id
        db.session.remove()
    return complaint_id, inspection_id


def photo(name: str = "site.jpg"):
    return io.BytesIO(photo_bytes((64, 48), fmt="JPEG")), name


def pdf(name: str = "plan.jpg"):
    return io.BytesIO(MINIMAL_PDF), name


def report_form(key: str = "report-key-1", position=CASE_POSITION, **values) -> dict:
    form = {
        "findings": "Les travaux suivent les plans. Deux niveaux, façade en cours.",
        "outcome": "compliant",
        "idempotency_key": key,
        "check_0": "yes",
        "check_1": "no",
    }
    if position:
        form |= {"latitude": str(position[0]), "longitude": str(position[1]), "accuracy": "8"}
    return form | values


def send(client, inspection_id: int, form: dict, **kwargs):
    return client.post(f"/inspections/{inspection_id}", form, content_type="multipart/form-data", **kwargs)


def inspection(inspection_id: int) -> Inspection:
    return db.session.scalar(
        sa.select(Inspection).where(Inspection.id == inspection_id).execution_options(skip_commune_scope=True)
    )


def reports() -> list[InspectionReport]:
    return list(db.session.scalars(sa.select(InspectionReport).execution_options(skip_commune_scope=True)))
