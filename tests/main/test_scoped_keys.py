"""An idempotency key answers only to whoever made it: a web form posting another client's Open311
key, or another person's key, never reaches their record (security issue #11, point 1)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.api.services import issue_key
from app.complaints.models import Complaint
from app.extensions import db
from app.models import User
from app.permits.models import PermitCase, PermitType
from tests.api.helpers import BASE, json_of, report
from tests.complaints.helpers import CHEFCHAOUEN_CODE, category, commune_of


def form_of(app, description: str, key: str) -> dict:
    with app.app_context():
        roads = category(commune_of("clerk@demo.ma")).id
    return {"kind": "complaint", "category": roads, "description": description, "location_text": "Rue Hassan II",
            "idempotency_key": key, "seen_duplicates": "1"}  # fmt: skip


def test_the_web_form_cannot_take_over_an_open311_report(app, client, make_client, demo):
    with app.app_context():
        api_client, api_key = issue_key("Sign app")
        db.session.remove()
    description = "Panneau stop arraché au carrefour."
    answer = client.raw.post(
        f"{BASE}/requests.json",
        data=report(api_key, description=description, lat=None, long=None),
        headers={"Idempotency-Key": "k-1"},
    )
    assert answer.status_code == 201
    theirs = json_of(answer)[0]["service_request_id"]
    stranger = make_client()
    for key in (f"open311:{api_client.id}:k-1", "k-1"):  # the old stored form of the key, and the key itself
        path = f"/complaints/new?commune={CHEFCHAOUEN_CODE}"
        response = stranger.post(path, form_of(app, description, key), form_url=path)
        assert response.status_code == 303
        confirmation = stranger.get(response.location).get_data(as_text=True)
        assert theirs not in confirmation  # a complaint of the stranger's own, not the report's receipt
        with app.app_context():
            report_code = db.session.scalar(sa.select(Complaint.tracking_code).where(Complaint.reference == theirs))
        assert report_code not in confirmation
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 3


def test_a_guest_replaying_their_own_form_gets_their_own_receipt(app, client, demo):
    path = f"/complaints/new?commune={CHEFCHAOUEN_CODE}"
    form = form_of(app, "Poubelles renversées devant le marché.", "guest-key")
    first = client.post(path, form, form_url=path)
    again = client.post(path, form, form_url=path)
    assert first.status_code == again.status_code == 303 and first.location == again.location


def test_another_persons_start_key_starts_an_application_of_ones_own(app, make_client, demo):
    from tests.permits.files import citizen

    with app.app_context():
        citizen("other@demo.ma", "Autre Citoyen")
        permit_type = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_small"))
        commune = commune_of("clerk@demo.ma").id
    form = {"permit_type": permit_type, "commune": commune, "idempotency_key": "shared-key"}
    started = {}
    for email in ("citizen@demo.ma", "other@demo.ma"):
        browser = make_client()
        browser.signin(email)
        response = browser.post("/permits/new", form)
        assert response.status_code == 303
        started[email] = int(re.search(r"/permits/(\d+)", response.location).group(1))
    assert started["citizen@demo.ma"] != started["other@demo.ma"]
    with app.app_context():
        owners = dict(db.session.execute(sa.select(PermitCase.id, PermitCase.applicant_id)).all())
        emails = dict(db.session.execute(sa.select(User.id, User.email)).all())
    assert {emails[owners[case]] for case in started.values()} == set(started)  # each started their own


def test_a_double_tap_on_send_gives_the_receipt_twice(app, client, demo, files):
    with app.app_context():
        case_id = files.draft().id
        db.session.remove()
    client.signin("citizen@demo.ma")
    first = client.post(f"/permits/{case_id}/check", {}, form_url=f"/permits/{case_id}/check")
    again = client.post(f"/permits/{case_id}/check", {}, form_url=f"/permits/{case_id}/documents")
    assert first.status_code == again.status_code == 303
    assert first.location == again.location and first.location.endswith(f"/permits/{case_id}/receipt")
