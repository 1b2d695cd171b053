"""The time a complaint was written on the phone travels with it (it may wait in the outbox for
days): kept when believable, the receipt time otherwise, and shown to the clerk beside it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.dates import aware, utcnow
from tests.complaints.helpers import CHEFCHAOUEN_CODE, choose_commune, filing_form, get


@pytest.fixture
def guest(client, demo):
    choose_commune(client, CHEFCHAOUEN_CODE)
    return client


def filed(app, guest, written_at: str):
    response = guest.post("/complaints/new", filing_form(app, written_at=written_at), form_url="/complaints/new")
    assert response.status_code == 303  # a time is never a reason to refuse a complaint
    complaint_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        complaint = get(app, complaint_id)
        return complaint_id, aware(complaint.written_at) if complaint.written_at else None, aware(complaint.received_at)


def test_the_phones_time_of_writing_is_kept_and_the_clerk_sees_both(app, guest, make_client):
    written = (utcnow() - timedelta(days=2, hours=3)).replace(microsecond=0)  # two days in the outbox
    complaint_id, written_at, received_at = filed(app, guest, written.isoformat().replace("+00:00", "Z"))
    assert written_at == written and received_at - written_at > timedelta(days=2)
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    page = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "Written " in page and " — received " in page


@pytest.mark.parametrize(
    "claimed",
    [
        pytest.param(lambda now: now + timedelta(hours=2), id="in the future"),
        pytest.param(lambda now: now - timedelta(days=45), id="absurdly old"),
    ],
)
def test_an_unbelievable_time_falls_back_to_the_receipt(app, guest, claimed):
    _, written_at, received_at = filed(app, guest, claimed(utcnow()).isoformat())
    assert written_at == received_at


def test_a_phone_clock_a_little_fast_is_believed(app, guest):
    _, written_at, received_at = filed(app, guest, (utcnow() + timedelta(minutes=2)).isoformat())
    assert written_at > received_at


@pytest.mark.parametrize("sent", ["", "yesterday at nine", "2026-13-45T99:00"])
def test_no_time_or_an_unreadable_one_is_no_time(app, guest, sent):
    _, written_at, _ = filed(app, guest, sent)
    assert written_at is None
