"""A position outside the commune is flagged for the clerk and told to the citizen, never refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Commune
from tests.complaints.helpers import CHEFCHAOUEN_CODE, choose_commune, filing_form, get

TETOUAN = ("35.5785", "-5.3684")  # about 45 km from Chefchaouen's centre


@pytest.fixture
def guest(client, demo):
    choose_commune(client, CHEFCHAOUEN_CODE)
    return client


def _file(guest, app, latitude, longitude):
    form = filing_form(app, latitude=latitude, longitude=longitude)
    response = guest.post("/complaints/new", form, form_url="/complaints/new")
    assert response.status_code == 303  # filed, whatever the position
    complaint_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return complaint_id, guest.get(response.headers["Location"]).get_data(as_text=True)


def test_a_complaint_from_another_town_is_filed_flagged_and_the_citizen_told(guest, app, make_client):
    complaint_id, page = _file(guest, app, *TETOUAN)
    assert "Your position seems to be outside Chefchaouen" in page
    with app.app_context():
        assert get(app, complaint_id).outside_commune is True
        reference = get(app, complaint_id).reference
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    queue = clerk.get("/desk/complaints").get_data(as_text=True)
    row = queue[queue.index(reference) :][:400]
    assert "Outside the commune?" in row
    assert "beyond the area set for Chefchaouen" in clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)


def test_a_complaint_in_town_is_not_flagged(guest, app):
    complaint_id, page = _file(guest, app, "35.1688", "-5.2636")
    assert "outside Chefchaouen" not in page
    with app.app_context():
        assert get(app, complaint_id).outside_commune is False


def test_without_an_area_set_nothing_is_flagged(guest, app):
    with app.app_context():
        no_area = {"centre_latitude": None, "centre_longitude": None, "area_radius_km": None}
        db.session.execute(sa.update(Commune).where(Commune.code == CHEFCHAOUEN_CODE).values(**no_area))
        db.session.commit()
    complaint_id, _ = _file(guest, app, *TETOUAN)
    with app.app_context():
        assert get(app, complaint_id).outside_commune is False


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"latitude": "35.17", "longitude": "-5.27", "radius_km": "0"}, "Enter a radius between 0.5 and 200 km."),
        ({"latitude": "48.85", "longitude": "2.35", "radius_km": "5"}, "This position is outside Morocco."),
        ({"latitude": "", "longitude": "-5.27", "radius_km": "5"}, "Enter the latitude, for example 35.1714."),
    ],
)
def test_the_admin_sets_the_area_and_bad_values_are_explained(client, demo, values, message):
    client.signin("admin@demo.ma")
    response = client.post("/admin/area", values)
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{values["longitude"]}"' in page  # what was typed is kept


def test_the_admin_saves_a_new_area(client, app, demo):
    client.signin("admin@demo.ma")
    response = client.post("/admin/area", {"latitude": "35.2", "longitude": "-5.3", "radius_km": "12.5"})
    assert response.status_code == 303
    assert "The commune&#39;s area is saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        commune = db.session.scalar(sa.select(Commune).where(Commune.code == CHEFCHAOUEN_CODE))
        assert (commune.centre_latitude, commune.centre_longitude, commune.area_radius_km) == (35.2, -5.3, 12.5)


def test_a_clerk_cannot_change_the_area(client, demo):
    client.signin("clerk@demo.ma")
    assert client.get("/admin/area").status_code in (403, 404)
    assert client.post(
        "/admin/area", {"latitude": "35.2", "longitude": "-5.3", "radius_km": "1"}, form_url="/"
    ).status_code in (403, 404)
