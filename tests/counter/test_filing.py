"""Filing at the counter: a clerk files a permit application and a complaint for the person in
front of them, through the same services as online; the channel is stored and shown; the receipt
says, in Arabic and in French, the reference, the tracking code, the QR code and the deadline."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from app.complaints.models import Complaint
from app.core.channels import Channel
from app.extensions import db
from app.performance import rollup
from app.performance.models import PerformanceFigure
from app.permits.workflow import Status
from tests.complaints.helpers import file as file_online
from tests.counter.helpers import (
    category_id,
    file_complaint,
    file_permit,
    load_case,
    load_complaint,
    permit_form,
    start_permit,
    user,
)
from tests.permits.helpers import photo_bytes


def test_a_permit_application_filed_at_the_counter_is_sent_with_its_documents(app, client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    with app.app_context():
        case = load_case(case_id)
        assert case.status is Status.SUBMITTED
        assert case.channel is Channel.COUNTER
        assert case.applicant_id is None  # no account until the person claims it
        assert case.filed_by.email == "clerk@demo.ma"
        assert (case.applicant_name, case.applicant_cin, case.applicant_phone) == (
            "Ahmed Counter",
            "K123456",
            "+212611223344",
        )
        assert case.reference and case.tracking_code
        required = {d["code"] for d in case.type.documents if d["required"]}
        assert {d.item_code for d in case.documents} == required
        # The case engine wrote the timeline: started and sent, both marked as done at the counter by the clerk.
        entries = [(e.event, e.actor.email, e.params.get("at_counter")) for e in case.events]
        assert ("created", "clerk@demo.ma", True) in entries
        assert ("submit", "clerk@demo.ma", True) in entries


def test_what_is_wrong_is_said_and_what_is_right_is_kept(app, client, demo):
    client.signin("clerk@demo.ma")
    case_id = start_permit(client, app)
    page = client.post(
        f"/counter/permits/{case_id}",
        {**permit_form(app, **{"p-address": "", "a-applicant_cin": "not a cin"}), "send": "1"},
        form_url=f"/counter/permits/{case_id}",
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Enter where the land is." in text
    assert "A CIN number is one or two letters" in text
    assert 'value="3 Derb Sebbanine, Chefchaouen"' in text  # kept
    with app.app_context():
        case = load_case(case_id)
        assert case.status is Status.DRAFT
        assert "details" in case.steps_done  # the valid parts are saved
        assert case.documents  # and the documents chosen are in


def test_the_channel_is_a_choice_of_the_clerk_and_shows_on_the_desk(app, client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    letter_id = file_complaint(client, app, channel="letter")
    with app.app_context():
        assert load_complaint(letter_id).channel is Channel.LETTER
        complaint = load_complaint(letter_id)
        assert complaint.contact_cin == "L654321" and complaint.filed_by.email == "clerk@demo.ma"
        assert complaint.events[0].params.get("at_counter") is True
    queue = client.get("/desk/permits").get_data(as_text=True)
    assert 'data-channel="counter"' in queue and "Counter" in queue
    assert 'data-channel="counter"' in client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert 'data-channel="letter"' in client.get("/desk/complaints").get_data(as_text=True)
    shown = client.get(f"/desk/complaints/{letter_id}").get_data(as_text=True)
    assert 'data-channel="letter"' in shown and "L654321" in shown


def test_open311_lists_requests_by_channel(app, client, demo):
    client.signin("clerk@demo.ma")
    counter_id = file_complaint(client, app)
    client.signout()
    with app.app_context():
        reference = load_complaint(counter_id).reference
    file_online(app, position=None)
    listed = client.get("/open311/v2/requests.json?jurisdiction_id=01.151.01.01&channel=counter").get_json()
    assert [r["service_request_id"] for r in listed] == [reference]
    everything = client.get("/open311/v2/requests.json?jurisdiction_id=01.151.01.01").get_json()
    assert len(everything) == 2
    refused = client.get("/open311/v2/requests.json?jurisdiction_id=01.151.01.01&channel=pigeon")
    assert refused.status_code == 400


@pytest.mark.parametrize("paper", ["", "?paper=roll"])
def test_the_receipt_is_in_arabic_and_french_with_the_qr_code_and_the_deadline(app, client, demo, paper):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    complaint_id = file_complaint(client, app)
    with app.app_context():
        case, complaint = load_case(case_id), load_complaint(complaint_id)
        pairs = [(case.reference, case.tracking_code), (complaint.reference, complaint.tracking_code)]
    for url, (reference, code) in zip(
        [f"/counter/receipts/permit/{case_id}", f"/counter/receipts/complaint/{complaint_id}"], pairs, strict=True
    ):
        page = client.get(url + paper).get_data(as_text=True)
        assert reference in page and code in page
        assert '<section class="receipt-half" lang="ar" dir="rtl">' in page
        assert '<section class="receipt-half" lang="fr" dir="ltr">' in page
        assert "<svg" in page  # the QR code
        assert f"/track?reference={reference}" in page
        assert "Délai légal" in page and "الأجل القانوني" in page
        stylesheet = "receipt-roll.css" if paper else "receipt.css"
        assert stylesheet in page
    complaint_page = client.get(f"/counter/receipts/complaint/{complaint_id}").get_data(as_text=True)
    assert re.search(r"2-17-265", complaint_page)


@pytest.mark.parametrize("email", ["citizen@demo.ma", "agent@demo.ma", "reviewer@demo.ma", "national@demo.ma"])
def test_only_the_communes_clerks_and_administrator_file_at_the_counter(app, client, demo, email):
    client.signin(email)
    for url in ("/counter", "/counter/permits/new", "/counter/complaints/new"):
        assert client.get(url).status_code == 403


def test_another_communes_clerk_cannot_open_a_counter_draft_or_receipt(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    draft_id = start_permit(client, app)
    case_id = file_permit(client, app)
    other = make_client()
    other.signin("clerk2@demo.ma")
    assert other.get(f"/counter/permits/{draft_id}").status_code == 404
    assert other.get(f"/counter/receipts/permit/{case_id}").status_code == 404
    assert other.get(f"/counter/files/{case_id}").status_code == 404
    with app.app_context():
        db.session.remove()


def test_an_application_saved_without_sending_waits_on_the_counter_page(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    case_id = start_permit(client, app, applicant_name="Saïd Plus Tard")
    saved = client.post(
        f"/counter/permits/{case_id}",
        {**permit_form(app, **{"a-applicant_name": "Saïd Plus Tard"}), "save": "1"},
        form_url=f"/counter/permits/{case_id}",
        content_type="multipart/form-data",
    )
    assert saved.status_code == 303
    with app.app_context():
        assert load_case(case_id).status is Status.DRAFT
    assert "Saïd Plus Tard" in client.get("/counter").get_data(as_text=True)
    other = make_client()
    other.signin("clerk2@demo.ma")
    assert "Saïd Plus Tard" not in other.get("/counter").get_data(as_text=True)


def test_sent_twice_the_second_tap_gets_the_receipt(app, client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    again = client.post(
        f"/counter/permits/{case_id}",
        {**permit_form(app), "send": "1"},
        form_url="/counter/permits/new",
        content_type="multipart/form-data",
    )
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/counter/receipts/permit/{case_id}")
    with app.app_context():
        assert len([e for e in load_case(case_id).events if e.event == "submit"]) == 1


def test_the_published_figures_count_applications_and_complaints_by_channel(app, client, demo, files):
    client.signin("clerk@demo.ma")
    file_permit(client, app)
    file_complaint(client, app, channel="phone")
    files.make(app)  # online
    with app.app_context():
        rollup.refresh(user("clerk@demo.ma").commune)
        figures = dict(
            db.session.execute(
                sa.select(PerformanceFigure.measure + ":" + PerformanceFigure.key, PerformanceFigure.cases).where(
                    PerformanceFigure.period == "since_opening", PerformanceFigure.dimension == "channel"
                )
            ).all()
        )
    assert figures == {"permits_received:counter": 1, "permits_received:web": 1, "complaints_received:phone": 1}
    page = client.get("/communes/01.151.01.01/performance/details").get_data(as_text=True)
    assert "Counter" in page and "Phone" in page


def test_too_many_photos_are_refused_in_words_and_the_rest_is_kept(app, client, demo):
    client.signin("clerk@demo.ma")
    photos = [(io.BytesIO(photo_bytes((40, 30), fmt="PNG")), f"p{n}.png") for n in range(4)]
    page = client.post(
        "/counter/complaints/new",
        {
            "channel": "counter",
            "kind": "complaint",
            "category": str(category_id(app)),
            "description": "Quatre photos du même trou.",
            "location_text": "Derb Sebbanine",
            "contact_name": "Zineb Guichet",
            "contact_cin": "L654321",
            "photos": photos,
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Send at most three photos." in text and "Quatre photos du même trou." in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0
