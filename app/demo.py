"""Demo inspections for `flask demo seed`: a permit waiting for its site visit and a complaint
waiting for its site check, both assigned to the demo agent, built through the services."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.complaints import services as complaints
from app.complaints.models import ComplaintCategory
from app.complaints.workflow import Kind
from app.core.dates import today
from app.extensions import db
from app.inspections.models import Inspection
from app.inspections.workflow import Type
from app.models import User
from app.permits import services as permits
from app.permits.models import PermitType

CHEFCHAOUEN = (35.1688, -5.2636)
ANSWERS = {"int": 2, "decimal": 120.5, "text": "Extension d'un étage"}


def _plan() -> FileStorage:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(data, "PNG")
    data.seek(0)
    return FileStorage(data, filename="plan.png", content_type="image/png")


def seed_demo_inspections() -> None:
    by_email = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.like("%@demo.ma")))}
    citizen, clerk, agent = by_email["citizen@demo.ma"], by_email["clerk@demo.ma"], by_email["agent@demo.ma"]
    commune = clerk.commune
    if db.session.scalar(sa.select(Inspection.id).where(Inspection.commune_id == commune.id).limit(1)):
        return
    permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
    case = permits.start(citizen, permit_type, commune)
    permits.save_step(
        case,
        "applicant",
        {
            "applicant_name": citizen.full_name,
            "applicant_cin": citizen.cin,
            "applicant_address": "12 rue Outa Hammam, Chefchaouen",
        },
    )
    permits.save_step(
        case,
        "parcel",
        {
            "not_titled": False,
            "land_title": "12345/08",
            "address": "Quartier Souika, Chefchaouen",
            "latitude": CHEFCHAOUEN[0],
            "longitude": CHEFCHAOUEN[1],
        },
    )
    permits.save_step(
        case,
        "details",
        {
            spec["name"]: spec["choices"][0]["value"] if spec["kind"] == "choice" else ANSWERS[spec["kind"]]
            for spec in permit_type.fields
        },
    )
    for item in permit_type.documents:
        if item["required"] and "image" in item["kinds"]:
            permits.add_document(case, item["code"], _plan(), citizen)
    permits.submit(case, citizen)
    permits.mark_complete(case, clerk)
    permits.request_site_visit(case, clerk, Type.SITE_VISIT, agent, today(), "Le propriétaire sera présent le matin.")

    category = db.session.scalar(
        sa.select(ComplaintCategory).where(
            ComplaintCategory.commune_id == commune.id, ComplaintCategory.code == "roads"
        )
    )
    complaint = complaints.file_complaint(
        commune,
        category,
        Kind.COMPLAINT,
        "Un trou profond devant l'école primaire.",
        latitude=35.1702,
        longitude=-5.2690,
        location_text="Avenue Hassan II",
    )
    complaints.acknowledge(complaint, clerk, category.department)
    complaints.request_site_check(
        complaint, clerk, agent, today() + timedelta(days=1), "Mesurer le trou et dire s'il est dangereux."
    )
