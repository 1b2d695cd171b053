"""One public rule for a complaint's text: the citizen's words (description, typed address) are
never public; the public sees the category, the rounded position and the summary a clerk
published. The same on the public page, the filing form's nearby complaints, Open311 and the
open data."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.complaints.models import Complaint
from app.extensions import db
from tests.api.helpers import BASE
from tests.complaints.helpers import CHEFCHAOUEN_CODE, choose_commune, file, filing_form, get

WORDS = "My neighbour Driss Bennani at number 12 dumps rubble, call me on 0661234567."
TYPED_ADDRESS = "Derb Sidi Ali, in front of the Bennani house"
SUMMARY = "Rubble dumped on the street, Derb Sidi Ali."


@pytest.fixture
def complaint_id(app, demo):
    return file(app, description=WORDS, location_text=TYPED_ADDRESS, position=(35.1690, -5.2638))


def publish(make_client, complaint_id, summary, login="clerk@demo.ma"):
    clerk = make_client()
    clerk.signin(login)
    url = f"/desk/complaints/{complaint_id}"
    return clerk.post(f"{url}/public-summary", {"summary": summary}, form_url=url)


def reference_of(app, complaint_id) -> str:
    with app.app_context():
        return get(app, complaint_id).reference


def assert_nothing_of_the_citizens_words(text: str) -> None:
    assert "Bennani" not in text and "0661234567" not in text and "Derb Sidi Ali, in front" not in text


def test_open311_shows_no_description_until_a_summary_is_published(app, make_client, complaint_id):
    api = app.test_client()
    url = f"{BASE}/requests.json?jurisdiction_id={CHEFCHAOUEN_CODE}&page_size=1000"
    body = api.get(url).get_data(as_text=True)
    assert_nothing_of_the_citizens_words(body)
    [item] = json.loads(body)
    assert item["description"] is None and item["address"] is None and item["lat"] is not None
    one = api.get(f"{BASE}/requests/{reference_of(app, complaint_id)}.xml").get_data(as_text=True)
    assert_nothing_of_the_citizens_words(one)
    assert publish(make_client, complaint_id, SUMMARY).status_code == 303
    [item] = json.loads(api.get(url).get_data(as_text=True))
    assert item["description"] == SUMMARY and item["address"] is None


def test_the_nearby_complaints_on_the_filing_form_show_no_ones_words(app, client, make_client, complaint_id):
    choose_commune(client, CHEFCHAOUEN_CODE)
    page = client.post("/complaints/new", filing_form(app), form_url="/complaints/new").get_data(as_text=True)
    assert reference_of(app, complaint_id) in page  # still offered as a duplicate
    assert_nothing_of_the_citizens_words(page)
    publish(make_client, complaint_id, SUMMARY)
    page = client.post("/complaints/new", filing_form(app), form_url="/complaints/new").get_data(as_text=True)
    assert SUMMARY in page
    assert_nothing_of_the_citizens_words(page)


def test_the_public_page_shows_the_category_the_position_and_the_summary_only(app, client, make_client, complaint_id):
    url = f"/complaints/{reference_of(app, complaint_id)}/public"
    page = client.get(url).get_data(as_text=True)
    assert page and "35.169" in page
    assert_nothing_of_the_citizens_words(page)
    publish(make_client, complaint_id, SUMMARY)
    page = client.get(url).get_data(as_text=True)
    assert SUMMARY in page
    assert_nothing_of_the_citizens_words(page)


def test_the_open_data_carries_the_published_summary_only(app, client, make_client, complaint_id):
    url = f"/open-data/{CHEFCHAOUEN_CODE}/complaints.json"
    publish(make_client, complaint_id, SUMMARY)
    for suffix in ("json", "csv"):
        body = client.get(url.replace("json", suffix)).get_data(as_text=True)
        assert SUMMARY in body
        assert_nothing_of_the_citizens_words(body)


def test_a_clerk_withdraws_the_summary_and_an_agent_cannot_write_one(app, make_client, complaint_id):
    publish(make_client, complaint_id, SUMMARY)
    assert publish(make_client, complaint_id, "Mine now", login="agent@demo.ma").status_code == 403
    too_long = publish(make_client, complaint_id, "x" * 501)
    assert too_long.status_code != 303 and "x" * 501 in too_long.get_data(as_text=True)  # kept to correct it
    assert "field-error" in too_long.get_data(as_text=True)
    with app.app_context():
        assert get(app, complaint_id).public_summary == SUMMARY
    assert publish(make_client, complaint_id, "  ").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Complaint.public_summary)) is None


def test_the_clerk_writes_it_on_the_desk_in_arabic(app, make_client, complaint_id):
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    page = clerk.raw.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert 'name="summary"' in page and "الملخص العلني" in page
