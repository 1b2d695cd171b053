"""The counter through its pages, as a clerk uses it: a permit application and a complaint filed
for a person present; and what a test needs to look at the result."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from app.complaints.models import Complaint, ComplaintCategory
from app.extensions import db
from app.models import User
from app.permits.models import PermitCase, PermitType
from tests.permits.helpers import MINIMAL_PDF, photo_bytes

CASE_URL = re.compile(r"/counter/permits/(\d+)")
PERSON = {"applicant_name": "Ahmed Counter", "applicant_cin": "K123456", "applicant_phone": "06 11 22 33 44"}
ANSWERS = {"int": "2", "decimal": "120.5", "text": "Extension d'un étage"}


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def permit_type(app, code: str = "building_small") -> PermitType:
    with app.app_context():
        found = db.session.scalar(sa.select(PermitType).where(PermitType.code == code))
        db.session.expunge(found)
    return found


def start_permit(client, app, channel: str = "counter", **person) -> int:
    kind = permit_type(app)
    response = client.post(
        "/counter/permits/new", {"channel": channel, "permit_type": str(kind.id), **PERSON, **person}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    return int(CASE_URL.search(response.headers["Location"]).group(1))


def permit_form(app, **values) -> dict:
    kind = permit_type(app)
    data = {
        "a-applicant_name": PERSON["applicant_name"],
        "a-applicant_cin": PERSON["applicant_cin"],
        "a-applicant_phone": PERSON["applicant_phone"],
        "a-applicant_address": "3 Derb Sebbanine, Chefchaouen",
        "p-land_title": "12345/08",
        "p-address": "Quartier Souika, Chefchaouen",
        "p-latitude": "35.1688",
        "p-longitude": "-5.2636",
    }
    for spec in kind.fields:
        data[f"d-{spec['name']}"] = spec["choices"][0]["value"] if spec["kind"] == "choice" else ANSWERS[spec["kind"]]
    for position, item in enumerate(kind.documents):
        if item["required"]:
            pdf = "pdf" in item["kinds"] and position % 2 == 0
            content = MINIMAL_PDF if pdf else photo_bytes((40, 30), fmt="PNG")
            data[f"doc-{item['code']}"] = (io.BytesIO(content), "scan.pdf" if pdf else "scan.png")
    return {**data, **values}


def file_permit(client, app, **person) -> int:
    """Start, fill in and send an application at the counter; returns the file's id."""
    case_id = start_permit(client, app, **person)
    response = client.post(
        f"/counter/permits/{case_id}",
        {**permit_form(app), "send": "1"},
        form_url=f"/counter/permits/{case_id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/counter/receipts/permit/{case_id}")
    return case_id


def category_id(app, email: str = "clerk@demo.ma", code: str = "roads") -> int:
    with app.app_context():
        commune = user(email).commune
        return db.session.scalar(
            sa.select(ComplaintCategory.id).where(
                ComplaintCategory.commune_id == commune.id, ComplaintCategory.code == code
            )
        )


def file_complaint(client, app, channel: str = "counter", **values) -> int:
    data = {
        "channel": channel,
        "kind": "complaint",
        "category": str(category_id(app)),
        "description": "Un trou devant la mosquée, signalé au guichet.",
        "location_text": "Derb Sebbanine",
        "contact_name": "Zineb Guichet",
        "contact_cin": "L654321",
        "contact_phone": "0622334455",
        **values,
    }
    response = client.post("/counter/complaints/new", data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/counter/receipts/complaint/(\d+)", response.headers["Location"]).group(1))


def load_case(case_id: int) -> PermitCase:
    return db.session.scalar(
        sa.select(PermitCase).where(PermitCase.id == case_id).execution_options(skip_commune_scope=True)
    )


def load_complaint(complaint_id: int) -> Complaint:
    return db.session.scalar(
        sa.select(Complaint).where(Complaint.id == complaint_id).execution_options(skip_commune_scope=True)
    )
