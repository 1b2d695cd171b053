"""Following a complaint: /track with the reference and code, the rating, reopening (once,
within the configured days, counted), and pages without personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.complaints import services
from app.complaints.workflow import Outcome
from app.extensions import db
from tests.complaints.helpers import file, get, user

PRIVATE = ["Amina Tazi", "+212612345678", "06 12 34 56 78", "amina@example.ma", "35.168812", "-5.263621"]


def answered(app, **extra) -> tuple[int, str, str]:
    complaint_id = file(
        app,
        position=(35.168812, -5.263621),
        contact_name="Amina Tazi",
        contact_phone="+212612345678",
        contact_email="amina@example.ma",
        location_text="Hay Souika",
        **extra,
    )
    with app.app_context():
        complaint, clerk = get(app, complaint_id), user("clerk@demo.ma")
        services.acknowledge(complaint, clerk, "Voirie")
        services.answer(complaint, clerk, Outcome.RESOLVED, "The pothole was filled.")
        return complaint_id, complaint.reference, complaint.tracking_code


def track(client, reference, code):
    return client.post("/track", {"reference": reference, "code": code})


def test_track_shows_status_deadline_answer_and_public_timeline(app, client, demo):
    complaint_id, reference, code = answered(app)
    with app.app_context():
        services.add_note(get(app, complaint_id), user("clerk@demo.ma"), "Secret internal remark")
    page = track(client, reference, code).get_data(as_text=True)
    assert reference in page and "Answered" in page and "The pothole was filled." in page
    assert "Answer due by" in page
    assert "The complaint was acknowledged and forwarded to" in page
    assert "Secret internal remark" not in page
    assert "How satisfied are you with the answer?" in page and "Reopen the complaint" in page
    for private in PRIVATE:
        assert private not in page


def test_a_wrong_code_says_nothing_about_which_half_is_wrong(app, client, demo):
    _id, reference, _code = answered(app)
    page = track(client, reference, "WRONG123").get_data(as_text=True)
    assert "No file matches this reference and tracking code." in page


def test_the_public_page_has_no_personal_data(app, client, demo):
    _id, reference, _code = answered(app)
    page = client.get(f"/complaints/{reference}/public").get_data(as_text=True)
    # Rounded to 4 decimals (about 11 m), exactly as the Open311 API gives it.
    assert "The pothole was filled." in page and "35.1688, -5.2636" in page
    assert "Hay Souika" not in page  # the address the citizen typed: their words, never public
    for private in PRIVATE:
        assert private not in page
    assert client.get("/complaints/C-2026-999999/public").status_code == 404


def test_a_guest_rates_then_reopens_once(app, client, demo):
    complaint_id, reference, code = answered(app)
    response = client.post(
        "/complaints/follow/rate",
        {"reference": reference, "code": code, "rating": "1", "comment": "Still there"},
        form_url="/track",
    )
    assert response.status_code == 200 and "Thank you for your rating." in response.get_data(as_text=True)
    response = client.post(
        "/complaints/follow/reopen", {"reference": reference, "code": code, "reason": "Not fixed"}, form_url="/track"
    )
    page = response.get_data(as_text=True)
    assert "The complaint is reopened." in page and "Reopen the complaint" not in page
    with app.app_context():
        complaint = get(app, complaint_id)
        assert (complaint.rating, complaint.rating_comment, complaint.reopen_count, complaint.status.value) == (
            1,
            "Still there",
            1,
            "in_progress",
        )
    public = client.get(f"/complaints/{reference}/public").get_data(as_text=True)
    assert "reopened the complaint" in public and "Not fixed" not in public and "Still there" not in public
    with app.app_context():
        complaint = get(app, complaint_id)
        clerk = user("clerk@demo.ma")
        services.answer(complaint, clerk, Outcome.NOT_RESOLVED, "Budget next year.")
    response = client.post("/complaints/follow/reopen", {"reference": reference, "code": code}, form_url="/track")
    assert "This complaint was already reopened once." in response.get_data(as_text=True)
    with app.app_context():
        assert get(app, complaint_id).reopen_count == 1


def test_a_rating_is_from_1_to_5(app, client, demo):
    _id, reference, code = answered(app)
    response = client.post(
        "/complaints/follow/rate", {"reference": reference, "code": code, "rating": "9"}, form_url="/track"
    )
    assert "Not a valid choice" in response.get_data(as_text=True) or "Choose a rating" in response.get_data(
        as_text=True
    )


def test_a_wrong_code_cannot_rate_or_reopen(app, client, demo):
    complaint_id, reference, _code = answered(app)
    assert (
        client.post(
            "/complaints/follow/reopen", {"reference": reference, "code": "AAAAAAAA"}, form_url="/track"
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/complaints/follow/rate", {"reference": reference, "code": "AAAAAAAA", "rating": "1"}, form_url="/track"
        ).status_code
        == 404
    )
    with app.app_context():
        assert get(app, complaint_id).reopen_count == 0


@pytest.mark.parametrize(("days", "allowed"), [(29, True), (31, False)])
def test_reopening_only_within_30_days_of_the_answer(app, client, demo, days, allowed):
    complaint_id, reference, code = answered(app)
    with app.app_context():
        complaint = get(app, complaint_id)
        complaint.answered_at = complaint.answered_at - timedelta(days=days)
        db.session.commit()
    response = client.post("/complaints/follow/reopen", {"reference": reference, "code": code}, form_url="/track")
    with app.app_context():
        assert get(app, complaint_id).reopen_count == (1 if allowed else 0)
    if not allowed:
        assert "within 30 days of its answer" in response.get_data(as_text=True)


def test_the_reopen_window_is_configurable(app, client, demo, monkeypatch):
    complaint_id, reference, code = answered(app)
    monkeypatch.setitem(app.config, "COMPLAINT_REOPEN_DAYS", 5)
    with app.app_context():
        complaint = get(app, complaint_id)
        complaint.answered_at = complaint.answered_at - timedelta(days=6)
        db.session.commit()
        assert not services.can_reopen(get(app, complaint_id))


def test_a_closed_complaint_can_still_be_reopened_but_one_closed_out_of_scope_cannot(app, demo):
    complaint_id, _reference, _code = answered(app)
    other = file(app, position=None)
    with app.app_context():
        clerk = user("clerk@demo.ma")
        services.close(get(app, complaint_id), clerk)
        assert services.can_reopen(get(app, complaint_id))
        services.close_out_of_scope(get(app, other), clerk, "Go to the court.")
        assert not services.can_reopen(get(app, other))


def test_the_signed_in_author_follows_from_his_own_page(app, client, demo, make_client):
    citizen_id = demo["citizen@demo.ma"]
    complaint_id, reference, _code = answered(app, author=None)
    with app.app_context():
        get(app, complaint_id).author_id = citizen_id
        db.session.commit()
    client.signin("citizen@demo.ma")
    url = f"/complaints/{complaint_id}"
    assert client.get(url).status_code == 200
    assert client.post(f"{url}/rate", {"rating": "4"}, form_url=url).status_code == 303
    assert client.post(f"{url}/reopen", {"reason": "again"}, form_url=url).status_code == 303
    with app.app_context():
        complaint = get(app, complaint_id)
        assert (complaint.rating, complaint.reopen_count) == (4, 1)
    other = make_client()
    other.signin("clerk2@demo.ma")
    assert other.get(url).status_code == 404


def test_a_signed_in_citizen_finds_their_complaints_on_the_home_page(app, demo, client):
    import sqlalchemy as _sa

    from app.complaints import services as complaint_services
    from app.complaints.models import ComplaintCategory
    from app.complaints.workflow import Kind
    from app.extensions import db as _db
    from app.models import User as _User

    with app.app_context():
        citizen = _db.session.scalar(_sa.select(_User).where(_User.email == "citizen@demo.ma"))
        category = _db.session.scalar(
            _sa.select(ComplaintCategory).where(
                ComplaintCategory.commune_id == citizen.commune_id, ComplaintCategory.code == "lighting"
            )
        )
        reference = complaint_services.file_complaint(
            citizen.commune, category, Kind.OBSERVATION, "Lampe éteinte", author=citizen
        ).reference
    client.signin("citizen@demo.ma")
    home = client.get("/").get_data(as_text=True)
    assert reference in home and "Street lighting" in home and "Received" in home
