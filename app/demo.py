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
from app.core.channels import Channel
from app.core.dates import today
from app.extensions import db
from app.inspections.models import Inspection
from app.inspections.workflow import Type
from app.models import Role, User
from app.permits import services as permits
from app.permits.models import PermitType

CHEFCHAOUEN = (35.1688, -5.2636)
ANSWERS = {"int": 2, "decimal": 120.5, "text": "Extension d'un étage"}


def _plan() -> FileStorage:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(data, "PNG")
    data.seek(0)
    return FileStorage(data, filename="plan.png", content_type="image/png")


def _fill_and_send(case, actor: User, address: str, position: tuple[float, float]) -> None:
    """Answer every step of an application as its applicant would, add the required images, send it."""
    permits.save_step(
        case,
        "applicant",
        {"applicant_name": case.applicant_name, "applicant_cin": case.applicant_cin, "applicant_address": address},
    )
    permits.save_step(
        case,
        "parcel",
        {
            "not_titled": False,
            "land_title": "12345/08",
            "address": address,
            "latitude": position[0],
            "longitude": position[1],
        },
    )
    permits.save_step(
        case,
        "details",
        {
            spec["name"]: spec["choices"][0]["value"] if spec["kind"] == "choice" else ANSWERS[spec["kind"]]
            for spec in case.type.fields
        },
    )
    for item in case.type.documents:
        if item["required"] and "image" in item["kinds"]:
            permits.add_document(case, item["code"], _plan(), actor)
    permits.submit(case, actor)


def seed_demo_inspections() -> None:
    by_email = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.like("%@demo.ma")))}
    citizen, clerk, agent = by_email["citizen@demo.ma"], by_email["clerk@demo.ma"], by_email["agent@demo.ma"]
    commune = clerk.commune
    if db.session.scalar(sa.select(Inspection.id).where(Inspection.commune_id == commune.id).limit(1)):
        return
    permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
    case = permits.start(citizen, permit_type, commune)
    _fill_and_send(case, citizen, "12 rue Outa Hammam, Chefchaouen", CHEFCHAOUEN)
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


# --- the practice space: fictitious people at the counter -------------------------------------

PRACTICE_PEOPLE = (
    ("Fatima Zahra Bennani (fictive)", "ZZ100001", "Derb Sebbanine, 4"),
    ("Youssef El Idrissi (fictif)", "ZZ100002", "Hay Al Qods, 17"),
    ("Khadija Amrani (fictive)", "ZZ100003", "Route de Tétouan, 52"),
)
PRACTICE_COMPLAINTS = (
    (
        "lighting",
        Kind.COMPLAINT,
        "Trois lampadaires éteints depuis une semaine (exemple d'entraînement).",
        "Rue Targhi",
    ),
    ("waste", Kind.OBSERVATION, "Conteneur plein deux jours de suite (exemple d'entraînement).", "Place Outa Hammam"),
    (
        "roads",
        Kind.SUGGESTION,
        "Un passage piéton devant le dispensaire (exemple d'entraînement).",
        "Avenue Mohammed V",
    ),
)


def seed_practice_files(commune, clerk: User) -> None:
    """A small set of fictitious files as if filed at the counter, at the steps new staff meet
    first: to check for completeness, documents requested, under review; complaints to
    acknowledge and to answer. Run inside app.core.practice.practice_space()."""
    complaints.seed_categories(commune)
    types = {t.code: t for t in permits.active_types()}
    permit_type = types.get("building_small") or next(iter(types.values()))
    position = (
        (commune.centre_latitude, commune.centre_longitude) if commune.centre_latitude is not None else CHEFCHAOUEN
    )
    cases = []
    for name, cin, address in PRACTICE_PEOPLE:
        person = {"applicant_name": name, "applicant_cin": cin, "applicant_phone": None}
        case = permits.start(None, permit_type, commune, channel=Channel.COUNTER, filed_by=clerk, person=person)
        _fill_and_send(case, clerk, address, position)
        cases.append(case)
    permits.request_documents(cases[1], clerk, [{"code": "other", "reason": "Copie lisible de la CIN (exemple)."}])
    permits.mark_complete(cases[2], clerk)
    categories = {c.code: c for c in complaints.active_categories(commune)}
    filed = []
    for (code, kind, description, place), (name, cin, _address) in zip(
        PRACTICE_COMPLAINTS, PRACTICE_PEOPLE, strict=True
    ):
        category = categories.get(code) or next(iter(categories.values()))
        filed.append(
            complaints.file_complaint(
                commune,
                category,
                kind,
                description,
                location_text=place,
                contact_name=name,
                contact_cin=cin,
                channel=Channel.COUNTER,
                filed_by=clerk,
            )
        )
    complaints.acknowledge(filed[1], clerk, filed[1].category.department)
    agents = [u for u in complaints.agents_of(commune.id) if u.role is Role.AGENT]
    complaints.request_site_check(
        filed[1], clerk, agents[0] if agents else None, today() + timedelta(days=1), "Vérifier sur place (exercice)."
    )
