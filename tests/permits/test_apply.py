"""A citizen applies for a permit over several visits: task list, steps, documents, receipt."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.permits.models import PermitCase, PermitType
from tests.permits.helpers import MINIMAL_PDF, photo_bytes, upload


def _type_id(app, code):
    with app.app_context():
        return db.session.scalar(sa.select(PermitType.id).where(PermitType.code == code))


@pytest.fixture
def citizen(client, demo):
    client.signin("citizen@demo.ma")
    return client


def start(citizen, app, code="building_small"):
    page = citizen.get("/permits/new").get_data(as_text=True)
    commune = re.search(r'<option selected value="(\d+)">', page).group(1)
    response = citizen.post("/permits/new", {"permit_type": _type_id(app, code), "commune": commune})
    assert response.status_code == 303
    return response.headers["Location"]


def fill_everything(
    citizen, url, documents=("request", "property", "cadastral_plan", "site_plan", "architectural_plans")
):
    assert (
        citizen.post(
            f"{url}/applicant",
            {
                "applicant_name": "محمد العلوي",
                "applicant_cin": "ab 123456",
                "applicant_phone": "0612345678",
                "applicant_address": "12 زنقة الأندلس، شفشاون",
            },
        ).status_code
        == 303
    )
    assert (
        citizen.post(
            f"{url}/parcel",
            {"land_title": "12345/08", "address": "حي السلام، شفشاون", "latitude": "35.1688", "longitude": "-5.2636"},
        ).status_code
        == 303
    )
    assert citizen.post(f"{url}/details", {"use": "housing", "floor_area": "120.5", "levels": "2"}).status_code == 303
    for code in documents:
        data = photo_bytes() if code != "architectural_plans" else MINIMAL_PDF
        name = "photo.jpg" if code != "architectural_plans" else "plans.pdf"
        response = citizen.post(
            f"{url}/documents",
            {"item": code, "file": upload(data, name)},
            form_url=f"{url}/documents",
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, response.get_data(as_text=True)


def test_the_task_list_ticks_each_part_as_it_is_done(citizen, app):
    url = start(citizen, app)
    page = citizen.get(url).get_data(as_text=True)
    assert page.count("Not completed") == 4 and "0 of 4 parts completed." in page
    citizen.post(f"{url}/parcel", {"not_titled": "y", "address": "Douar Tizgui"})
    page = citizen.get(url).get_data(as_text=True)
    assert "1 of 4 parts completed." in page
    assert "Check your answers and send" not in page


def test_a_citizen_applies_and_gets_a_receipt_with_reference_and_tracking_code(citizen, app):
    url = start(citizen, app)
    fill_everything(citizen, url)
    check = citizen.get(f"{url}/check").get_data(as_text=True)
    assert "Check your answers before sending" in check and "12345/08" in check and "120.5" in check
    response = citizen.post(f"{url}/check", {}, form_url=f"{url}/check")
    assert response.status_code == 303 and response.headers["Location"].endswith("/receipt")
    receipt = citizen.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"P-\d{4}-\d{6}", receipt).group(0)
    with app.app_context():
        case = db.session.scalar(sa.select(PermitCase).where(PermitCase.reference == reference))
        assert case.status.value == "submitted" and len(case.tracking_code) == 8
        assert case.tracking_code in receipt
        assert case.applicant_cin == "AB123456" and case.applicant_phone == "+212612345678"
        assert case.details == {"use": "housing", "floor_area": 120.5, "levels": 2}


def test_the_application_cannot_be_sent_before_every_part_is_done(citizen, app):
    url = start(citizen, app)
    fill_everything(citizen, url, documents=())
    page = citizen.post(f"{url}/check", {}, form_url=f"{url}/check").get_data(as_text=True)
    assert "Some parts are not completed yet." in page
    with app.app_context():
        assert db.session.scalar(sa.select(PermitCase.status)).value == "draft"


@pytest.mark.parametrize(
    "step, data, message",
    [
        (
            "parcel",
            {"address": "Douar", "land_title": ""},
            "Enter the land title number, or tick that the land has no title.",
        ),
        ("parcel", {"address": "", "not_titled": "y"}, "Enter where the land is."),
        ("parcel", {"address": "Douar", "not_titled": "y", "latitude": "95"}, "A latitude is between -90 and 90."),
        (
            "applicant",
            {"applicant_name": "Ali", "applicant_address": "x", "applicant_cin": "12AB"},
            "A CIN number is one or two letters",
        ),
        (
            "applicant",
            {"applicant_name": "Ali", "applicant_address": "x", "applicant_phone": "0522"},
            "Enter a Moroccan mobile number",
        ),
        ("details", {"use": "housing", "floor_area": "beaucoup", "levels": "2"}, "floor_area"),
        ("details", {"use": "castle", "floor_area": "10", "levels": "2"}, 'href="#use"'),
    ],
)
def test_bad_answers_are_explained_and_kept(citizen, app, step, data, message):
    url = start(citizen, app)
    response = citizen.post(f"{url}/{step}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page  # refused: a phone's outbox keeps the draft
    for value in data.values():
        if value and value not in ("y", "castle"):
            assert f'value="{value}"' in page


def test_missing_documents_do_not_block_sending_but_are_listed(citizen, app):
    url = start(citizen, app)
    fill_everything(citizen, url, documents=("request",))
    page = citizen.get(f"{url}/check").get_data(as_text=True)
    assert "Documents still missing" in page and "Property certificate" in page
    assert citizen.post(f"{url}/check", {}, form_url=f"{url}/check").status_code == 303


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"just some text, not a picture", "photo.jpg", "This file is not a photo or a PDF document."),
        (b"%PDF-1.4\n truncated", "plans.pdf", "This PDF is damaged or incomplete."),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_else_is_lost(citizen, app, data, name, message):
    url = start(citizen, app)
    citizen.post(
        f"{url}/documents",
        {"item": "request", "file": upload(photo_bytes(), "request.jpg")},
        form_url=f"{url}/documents",
        content_type="multipart/form-data",
    )
    response = citizen.post(
        f"{url}/documents",
        {"item": "property", "file": upload(data, name)},
        form_url=f"{url}/documents",
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "request.jpg" in page  # the document already in stays


def test_an_htmx_upload_swaps_only_its_checklist_item(citizen, app):
    url = start(citizen, app)
    token = citizen.token(f"{url}/documents")
    response = citizen.raw.post(
        f"{url}/documents",
        data={"csrf_token": token, "item": "site_plan", "file": upload(photo_bytes(), "plan.png")},
        headers={"HX-Request": "true", "Accept-Language": "en"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<li class="doc-item doc-done"') and "<html" not in page
    assert "plan.jpg" in page  # re-encoded as JPEG


def test_htmx_uploads_leave_no_pile_of_messages_for_the_next_page(citizen, app):
    # The item's tick says it is in; a flash sent with a fragment (no flash area) waited, one per upload.
    url = start(citizen, app)
    for item in ("site_plan", "property"):
        citizen.raw.post(
            f"{url}/documents",
            data={
                "csrf_token": citizen.token(f"{url}/documents"),
                "item": item,
                "file": upload(photo_bytes(), "a.png"),
            },
            headers={"HX-Request": "true", "Accept-Language": "en"},
            content_type="multipart/form-data",
        )
    assert "The document is added." not in citizen.get(url).get_data(as_text=True)
    page = citizen.get(f"{url}/documents").get_data(as_text=True)
    assert page.count('hx-boost="false"') >= 2  # the files are opened as files, not swapped into the page


def test_a_draft_belongs_to_its_applicant_only(citizen, app, make_client):
    url = start(citizen, app)
    other = make_client()
    other.post(
        "/signup",
        {
            "full_name": "Autre",
            "login": "0677777777",
            "password": "zitoun-2026-x",
            "confirm": "zitoun-2026-x",
            "commune": re.search(
                r'<option selected value="(\d+)">', citizen.get("/permits/new").get_data(as_text=True)
            ).group(1),
        },
    )
    for path in ("", "/applicant", "/parcel", "/details", "/documents", "/check", "/receipt"):
        assert other.get(url + path).status_code == 404
    assert other.post(f"{url}/parcel", {"address": "x", "not_titled": "y"}, form_url="/").status_code == 404


def test_staff_cannot_use_the_applicants_pages(client, demo):
    client.signin("clerk@demo.ma")
    assert client.get("/permits/new").status_code == 403
