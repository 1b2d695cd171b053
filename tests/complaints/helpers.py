"""Complaints built through the same services the pages use, and small helpers for the tests."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.complaints import services
from app.complaints.models import Complaint, ComplaintCategory
from app.complaints.workflow import Kind
from app.extensions import db
from app.models import Commune, User

CHEFCHAOUEN = (35.1688, -5.2636)
TIZNIT = (29.6974, -9.7316)
REFERENCE = re.compile(r"C-\d{4}-\d{6}")


def commune_of(email: str) -> Commune:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    return user.commune


def category(commune: Commune, code: str = "roads") -> ComplaintCategory:
    return db.session.scalar(
        sa.select(ComplaintCategory).where(
            ComplaintCategory.commune_id == commune.id,
            ComplaintCategory.code == code,
        )
    )


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def file(app, email: str = "clerk@demo.ma", code: str = "roads", position=CHEFCHAOUEN, **extra) -> int:
    """A complaint in the commune of this account, filed by a guest; returns its id."""
    with app.app_context():
        commune = commune_of(email)
        values = {"latitude": position[0], "longitude": position[1]} if position else {"location_text": "Rue 1"}
        complaint = services.file_complaint(
            commune,
            category(commune, code),
            Kind.COMPLAINT,
            extra.pop("description", "A pothole in front of number 12."),
            **{**values, **extra},
        )
        complaint_id = complaint.id
        db.session.remove()
    return complaint_id


def get(app, complaint_id: int) -> Complaint:
    return db.session.scalar(
        sa.select(Complaint).where(Complaint.id == complaint_id).execution_options(skip_commune_scope=True)
    )


def choose_commune(client, code: str) -> None:
    client.post("/communes/choose", {"code": code}, form_url="/signin")


CHEFCHAOUEN_CODE = "01.151.01.01"
TIZNIT_CODE = "09.581.01.07"


def filing_form(app, commune_email: str = "clerk@demo.ma", **values) -> dict:
    with app.app_context():
        category_id = category(commune_of(commune_email)).id
    return {
        "kind": "complaint",
        "category": str(category_id),
        "description": "A deep pothole in front of the school.",
        "latitude": str(CHEFCHAOUEN[0]),
        "longitude": str(CHEFCHAOUEN[1]),
        "accuracy": "12",
        "location_text": "Hay Souika",
        "idempotency_key": "key-" + str(id(values)),
        **values,
    }
