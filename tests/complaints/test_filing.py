"""Filing at /complaints/new: works with no JavaScript, says what is wrong and keeps every answer."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.complaints.models import Complaint, ComplaintSupporter
from app.extensions import db
from tests.complaints.helpers import CHEFCHAOUEN_CODE, REFERENCE, choose_commune, file, filing_form, get
from tests.permits.helpers import MINIMAL_PDF, photo_bytes


@pytest.fixture
def guest(client, demo):
    choose_commune(client, CHEFCHAOUEN_CODE)
    return client


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Complaint))


def test_without_a_commune_the_visitor_is_asked_to_choose_one(client, demo):
    page = client.get("/complaints/new").get_data(as_text=True)
    assert 'href="/communes/?next=/complaints/new"' in page
    assert 'id="description"' not in page


def test_the_home_page_offers_to_report_a_problem(client, demo):
    assert 'href="/complaints/new"' in client.get("/").get_data(as_text=True)


def test_a_guest_files_a_complaint_and_gets_a_reference_and_tracking_code(guest, app):
    form = filing_form(
        app, contact_name="Amina", contact_phone="0612345678", photos=[(io.BytesIO(photo_bytes()), "pothole.jpg")]
    )
    response = guest.post("/complaints/new", form, form_url="/complaints/new", content_type="multipart/form-data")
    assert response.status_code == 303
    page = guest.get(response.headers["Location"]).get_data(as_text=True)
    reference = REFERENCE.search(page).group(0)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.tracking_code in page
        assert complaint.contact_phone == "+212612345678"
        assert complaint.accuracy_m == 12
        assert len(complaint.photos) == 1
        assert complaint.department == complaint.category.department
    assert "/track" in page


def test_the_confirmation_shows_only_to_the_browser_that_filed(guest, app, make_client):
    response = guest.post("/complaints/new", filing_form(app), form_url="/complaints/new")
    other = make_client()
    assert other.get(response.headers["Location"]).status_code == 404


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"description": ""}, "description", "Describe the problem."),
        ({"description": LONG}, "description", "Describe the problem in 2,000 characters or fewer."),
        ({"latitude": "48.8566", "longitude": "2.3522"}, "latitude", "This position is outside Morocco."),
        ({"latitude": "35.1", "longitude": ""}, "longitude", "Give both the latitude and the longitude, or neither."),
        ({"latitude": "", "longitude": "", "location_text": ""}, "location_text", "Say where it is"),
        ({"contact_phone": "12"}, "contact_phone", "Enter a Moroccan mobile number"),
        ({"contact_email": "nobody"}, "contact_email", "Enter an e-mail address"),
    ],
)
def test_bad_input_is_answered_with_a_clear_message_and_nothing_typed_is_lost(guest, app, values, field, message):
    form = filing_form(app, contact_name="Amina Tazi", **values)
    form.setdefault("location_text", "Hay Souika")
    response = guest.post("/complaints/new", form, form_url="/complaints/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # refused: an offline phone keeps its draft
    assert "There is a problem" in page and f'href="#{field}"' in page
    assert message in page
    assert "<title>Error:" in page.replace("\n", "").replace("  ", "") or "Error:" in page
    assert 'value="Amina Tazi"' in page
    if values.get("description") == LONG:
        assert LONG in page
    elif "description" not in values:
        assert "A deep pothole in front of the school." in page
    assert count(app) == 0


def test_a_pdf_as_photo_is_refused_and_the_photos_must_be_chosen_again(guest, app):
    form = filing_form(app, photos=[(io.BytesIO(MINIMAL_PDF), "photo.jpg")])
    response = guest.post("/complaints/new", form, form_url="/complaints/new", content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "photo.jpg is not a photo" in page
    assert "choose them again" in page
    assert "A deep pothole in front of the school." in page
    assert count(app) == 0


def test_more_than_three_photos_are_refused(guest, app):
    photos = [(io.BytesIO(photo_bytes()), f"p{i}.jpg") for i in range(4)]
    response = guest.post(
        "/complaints/new",
        filing_form(app, photos=photos),
        form_url="/complaints/new",
        content_type="multipart/form-data",
    )
    assert "Send at most three photos." in response.get_data(as_text=True)
    assert count(app) == 0


def test_a_script_in_the_description_is_shown_as_text(guest, app, demo, make_client):
    script = "<script>alert('x')</script> broken lamp"
    response = guest.post("/complaints/new", filing_form(app, description=script), form_url="/complaints/new")
    assert response.status_code == 303
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    with app.app_context():
        complaint_id = db.session.scalar(sa.select(Complaint.id))
    page = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    # And when the form comes back with an error.
    page = guest.post(
        "/complaints/new", filing_form(app, description=script, contact_email="bad"), form_url="/complaints/new"
    ).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page


def test_the_same_idempotency_key_twice_is_one_complaint(guest, app):
    form = filing_form(app, idempotency_key="phone-outbox-1")
    first = guest.post("/complaints/new", form, form_url="/complaints/new")
    second = guest.post("/complaints/new", form, form_url="/complaints/new")
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app) == 1


def test_a_used_key_with_another_complaint_is_a_new_complaint(guest, app):
    """A page copy saved on the phone can carry a key already used: what was written is kept."""
    first = guest.post("/complaints/new", filing_form(app, idempotency_key="kept-copy"), form_url="/complaints/new")
    other = filing_form(app, idempotency_key="kept-copy", description="The street light is out.", seen_duplicates="1")
    second = guest.post("/complaints/new", other, form_url="/complaints/new")
    assert second.status_code == 303 and second.headers["Location"] != first.headers["Location"]
    assert count(app) == 2


def test_a_signed_in_citizen_is_the_author(client, app, demo):
    client.signin("citizen@demo.ma")
    response = client.post("/complaints/new", filing_form(app), form_url="/complaints/new")
    assert response.status_code == 303
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint))
        assert complaint.author_id == demo["citizen@demo.ma"]
        complaint_id = complaint.id
    assert client.get(f"/complaints/{complaint_id}").status_code == 200


# --- duplicates -------------------------------------------------------------------------------


def test_open_complaints_nearby_are_shown_and_the_guest_can_support_one(guest, app):
    existing = file(app, position=(35.1690, -5.2638))  # about 30 m away
    response = guest.post("/complaints/new", filing_form(app, contact_phone="0611223344"), form_url="/complaints/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.app_context():
        reference = get(app, existing).reference
    assert reference in page and "Already reported: follow it instead" in page
    assert 'name="seen_duplicates" type="hidden" value="1"' in page
    response = guest.post(f"/complaints/{reference}/support", {"contact": "+212611223344"}, form_url="/complaints/new")
    assert response.status_code == 303
    with app.app_context():
        supporters = db.session.scalars(sa.select(ComplaintSupporter)).all()
        assert [(s.complaint_id, s.contact) for s in supporters] == [(existing, "+212611223344")]
    assert count(app) == 1


def test_filing_anyway_after_seeing_the_duplicates(guest, app):
    file(app, position=(35.1690, -5.2638))
    form = filing_form(app, seen_duplicates="1")
    assert guest.post("/complaints/new", form, form_url="/complaints/new").status_code == 303
    assert count(app) == 2


@pytest.mark.parametrize(
    ("position", "shown"),
    [
        ((35.1688 + 0.0012, -5.2636), True),  # about 133 m: inside the 150 m radius
        ((35.1688 + 0.0015, -5.2636), False),  # about 167 m: outside
    ],
)
def test_the_duplicate_radius(guest, app, position, shown):
    other = file(app, position=position)
    page = guest.post("/complaints/new", filing_form(app), form_url="/complaints/new").get_data(as_text=True)
    with app.app_context():
        reference = get(app, other).reference
    assert (reference in page) is shown


def test_other_categories_and_closed_complaints_are_not_duplicates(guest, app):
    file(app, code="lighting")
    page = guest.post("/complaints/new", filing_form(app), form_url="/complaints/new")
    assert page.status_code == 303


def test_a_photo_with_a_broken_header_is_refused_with_a_message(guest, app):
    from tests.inspections.test_odd_input import truncated_png

    form = filing_form(app, photos=[(io.BytesIO(truncated_png()), "broken.png")])
    response = guest.post("/complaints/new", form, form_url="/complaints/new", content_type="multipart/form-data")
    assert response.status_code == 422
    assert "broken.png is not a photo" in response.get_data(as_text=True)
    assert count(app) == 0
