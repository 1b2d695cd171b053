"""Permit files for the desk and tracking tests, built through the services an applicant uses:
start → save each step → add real documents (a PNG made with Pillow, a small real PDF) → submit.

Available to every test as the ``files`` fixture (tests/conftest.py)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Role, User
from app.permits import services
from app.permits.models import PermitCase, PermitType, Verdict
from tests.permits.helpers import MINIMAL_PDF, photo_bytes


def upload(kind: str, name: str | None = None) -> FileStorage:
    if kind == "image":
        return FileStorage(
            io.BytesIO(photo_bytes((40, 30), fmt="PNG")), filename=name or "photo.png", content_type="image/png"
        )
    return FileStorage(io.BytesIO(MINIMAL_PDF), filename=name or "plan.pdf", content_type="application/pdf")


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def citizen(email: str = "citizen@demo.ma", name: str = "Citoyen Test") -> User:
    found = user(email)
    if found is None:
        commune = user("clerk@demo.ma").commune
        found = User(email=email, full_name=name, role=Role.CITIZEN, commune=commune)
        found.set_password("jamaati-demo")
        db.session.add(found)
        db.session.commit()
    return found


def give_opinions(case: PermitCase, clerk_email: str = "clerk@demo.ma") -> None:
    """Every required agency's opinion, favourable, received on paper: a decision no longer waits."""
    for agency in case.awaited_agencies():
        services.record_opinion(case, agency, Verdict.FAVOURABLE, None, user(clerk_email))


def approved(case: PermitCase, email: str = "admin@demo.ma", conditions: str | None = None) -> PermitCase:
    """Found complete, every opinion in, approved: the way to a decided (then issued) file."""
    admin = user(email)
    services.mark_complete(case, admin)
    give_opinions(case)
    services.approve(case, admin, conditions)
    return case


ANSWERS = {"int": 2, "decimal": 120.5, "text": "Réfection de la façade"}


def draft(
    type_code: str = "building_small",
    applicant: str = "Mohamed El Amrani",
    commune_of: str = "clerk@demo.ma",
    account: str = "citizen@demo.ma",
) -> PermitCase:
    permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == type_code))
    case = services.start(citizen(account), permit_type, user(commune_of).commune)
    services.save_step(
        case,
        "applicant",
        {
            "applicant_name": applicant,
            "applicant_cin": "AB123456",
            "applicant_phone": "+212612345678",
            "applicant_address": "12 rue Outa Hammam, Chefchaouen",
        },
    )
    services.save_step(
        case,
        "parcel",
        {
            "not_titled": False,
            "land_title": "12345/08",
            "address": "Quartier Souika, Chefchaouen",
            "latitude": 35.1688,
            "longitude": -5.2636,
        },
    )
    services.save_step(
        case,
        "details",
        {
            spec["name"]: spec["choices"][0]["value"] if spec["kind"] == "choice" else ANSWERS[spec["kind"]]
            for spec in permit_type.fields
        },
    )
    for position, item in enumerate(permit_type.documents):
        if item["required"]:
            kind = "image" if item["kinds"] == ["image"] or position % 2 else "pdf"
            services.add_document(case, item["code"], upload(kind), case.applicant)
    return case


def submitted(**options) -> PermitCase:
    case = draft(**options)
    services.submit(case, case.applicant)
    return case


def make(app, **options) -> int:
    """A submitted file; returns its id."""
    with app.app_context():
        case_id = submitted(**options).id
        db.session.remove()
    return case_id


def set_may_decide(app, email: str = "clerk@demo.ma", value: bool = True) -> None:
    with app.app_context():
        user(email).may_decide = value
        db.session.commit()
        db.session.remove()


def load(app, case_id: int) -> PermitCase:
    """The file as stored (call inside an app context)."""
    return db.session.scalar(sa.select(PermitCase).where(PermitCase.id == case_id))
