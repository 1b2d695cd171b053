"""Claiming a counter file: the person attaches it to their account with the reference, the
tracking code and their CIN; a wrong one is refused without saying which (and not tried forever);
from then on they follow it and are told of each step like any online applicant."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification
from app.permits import services as permits
from tests.counter.helpers import file_complaint, file_permit, load_case, load_complaint, user

REFUSAL = "No file filed at the counter matches this reference, tracking code and CIN."


def _pair(app, case_id=None, complaint_id=None):
    with app.app_context():
        found = load_case(case_id) if case_id else load_complaint(complaint_id)
        return found.reference, found.tracking_code


def test_a_counter_permit_file_claimed_is_followed_and_notified_like_an_online_one(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    reference, code = _pair(app, case_id=case_id)
    person = make_client()
    person.signin("citizen@demo.ma")
    answer = person.post("/claim", {"reference": reference.lower(), "code": code, "cin": "k 123456"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/permits/{case_id}")
    page = person.get(f"/permits/{case_id}").get_data(as_text=True)
    assert reference in page and "The application was sent." in page
    assert f"/permits/{case_id}" in person.get("/permits/").get_data(as_text=True)
    with app.app_context():
        case = load_case(case_id)
        assert case.applicant.email == "citizen@demo.ma"
        assert case.events[-1].event == "claimed" and not case.events[-1].public
        permits.mark_complete(case, user("clerk@demo.ma"))
        told = db.session.scalars(sa.select(Notification).where(Notification.user_id == case.applicant_id)).all()
        assert [n.kind for n in told] == ["permit.status"]
    # Claimed once: nobody can claim it again, the same person neither.
    again = make_client()
    again.signin("citizen@demo.ma")
    assert REFUSAL in again.post("/claim", {"reference": reference, "code": code, "cin": "K123456"}).get_data(
        as_text=True
    )


def test_a_counter_complaint_claimed_shows_on_the_persons_page(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    complaint_id = file_complaint(client, app)
    reference, code = _pair(app, complaint_id=complaint_id)
    person = make_client()
    person.signin("citizen@demo.ma")
    answer = person.post("/claim", {"reference": reference, "code": code, "cin": "L654321"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/complaints/{complaint_id}")
    assert reference in person.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    with app.app_context():
        assert load_complaint(complaint_id).author.email == "citizen@demo.ma"


def test_a_wrong_cin_or_code_is_refused_without_saying_which(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    reference, code = _pair(app, case_id=case_id)
    person = make_client()
    person.signin("citizen@demo.ma")
    wrong_cin = person.post("/claim", {"reference": reference, "code": code, "cin": "K999999"})
    wrong_code = person.post("/claim", {"reference": reference, "code": "ZZZZZZZZ", "cin": "K123456"})
    unknown = person.post("/claim", {"reference": "P-2026-999999", "code": code, "cin": "K123456"})
    pages = [r.get_data(as_text=True) for r in (wrong_cin, wrong_code, unknown)]
    assert {r.status_code for r in (wrong_cin, wrong_code, unknown)} == {422}
    for page in pages:
        assert REFUSAL in page
        assert "CIN is wrong" not in page and "code is wrong" not in page
    # The three answers say the same thing (but for the form's own token and the typed values).
    messages = [page[page.index('<div class="error-summary"') :].split("</div>")[0] for page in pages]
    assert len(set(messages)) == 1
    with app.app_context():
        assert load_case(case_id).applicant_id is None


def test_an_online_file_cannot_be_claimed_with_its_applicants_cin(app, make_client, demo, files):
    case_id = files.make(app)
    reference, code = _pair(app, case_id=case_id)
    with app.app_context():
        files.citizen("someone@demo.ma", "Someone Else")
        db.session.remove()
    other = make_client()
    other.signin("someone@demo.ma")
    assert REFUSAL in other.post("/claim", {"reference": reference, "code": code, "cin": "AB123456"}).get_data(
        as_text=True
    )


def test_claims_are_rate_limited_per_account(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    case_id = file_permit(client, app)
    reference, code = _pair(app, case_id=case_id)
    person = make_client()
    person.signin("citizen@demo.ma")
    answers = [person.post("/claim", {"reference": reference, "code": code, "cin": f"K{n:06d}"}) for n in range(11)]
    assert [a.status_code for a in answers[:10]] == [422] * 10
    assert answers[10].status_code == 429
    # Even the right triple waits: guessing cannot go on by getting it right at the end.
    assert person.post("/claim", {"reference": reference, "code": code, "cin": "K123456"}).status_code == 429


def test_claiming_needs_a_citizens_account(app, client, demo):
    assert client.get("/claim").status_code == 302  # sign in first
    client.signin("clerk@demo.ma")
    assert client.get("/claim").status_code == 403
