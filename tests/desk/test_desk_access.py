"""The commune wall and the reviewer's agency on every desk route: another commune's file, or a
file not sent to the reviewer's agency, does not exist (404) — for the page and every action."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.permits import services
from app.permits.models import CaseEvent
from app.permits.workflow import Status

ACTIONS = [
    ("complete", {}),
    ("request-documents", {"ask_site_plan": "y", "reason_site_plan": "Illisible"}),
    ("site-visit/request", {}),
    ("site-visit/record", {"visit_note": "Seen"}),
    ("send-for-decision", {}),
    ("approve", {}),
    ("refuse", {"reasons": "No"}),
    ("issue", {}),
    ("revoke", {"revoke_reason": "No"}),
    ("notes", {"text": "Hello", "visibility": "internal"}),
]


def _complete(app, files, **options) -> int:
    with app.app_context():
        case = files.submitted(**options)
        services.mark_complete(case, files.user("admin@demo.ma"))
        case_id = case.id
        db.session.remove()
    return case_id


def _event_count(app, case_id) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id))


@pytest.mark.parametrize("action, data", ACTIONS)
def test_a_clerk_of_another_commune_gets_404_on_each_action(app, client, demo, files, action, data):
    case_id = files.make(app)
    before = _event_count(app, case_id)
    client.signin("clerk2@demo.ma")
    response = client.post(f"/desk/permits/{case_id}/{action}", data, form_url="/desk/permits")
    assert response.status_code == 404
    assert _event_count(app, case_id) == before
    with app.app_context():
        assert files.load(app, case_id).status is Status.SUBMITTED


def test_a_clerk_of_another_commune_gets_404_on_the_file_and_its_opinions(app, client, demo, files):
    case_id = _complete(app, files)
    with app.app_context():
        agency_id = services.required_agencies(files.load(app, case_id))[0].id
    client.signin("clerk2@demo.ma")
    assert client.get(f"/desk/permits/{case_id}").status_code == 404
    assert client.get(f"/desk/permits/{case_id}/approve").status_code == 404
    response = client.post(
        f"/desk/permits/{case_id}/opinions/{agency_id}",
        {f"opinion-{agency_id}-verdict": "favourable"},
        form_url="/desk/permits",
    )
    assert response.status_code == 404


def test_a_reviewer_sees_a_file_of_his_agency_only_once_complete(app, client, demo, files):
    case_id = files.make(app)
    client.signin("reviewer@demo.ma")
    assert client.get(f"/desk/permits/{case_id}").status_code == 404
    with app.app_context():
        services.mark_complete(files.load(app, case_id), files.user("clerk@demo.ma"))
        db.session.remove()
    page = client.get(f"/desk/permits/{case_id}")
    assert page.status_code == 200
    assert "Give your agency's opinion in the Commission section above." in page.get_data(as_text=True)


def test_a_reviewer_gets_404_on_files_his_agency_does_not_review(app, client, demo, files):
    housing = _complete(app, files, type_code="housing")  # the commune's technical service only
    client.signin("reviewer@demo.ma")
    assert client.get(f"/desk/permits/{housing}").status_code == 404
    response = client.post(
        f"/desk/permits/{housing}/notes", {"text": "x", "visibility": "internal"}, form_url="/desk/permits"
    )
    assert response.status_code == 404


def test_a_reviewer_cannot_take_the_clerks_steps(app, client, demo, files):
    case_id = _complete(app, files)
    client.signin("reviewer@demo.ma")
    response = client.post(f"/desk/permits/{case_id}/send-for-decision", {}, form_url="/desk/permits")
    assert response.status_code == 200 and "Your role does not allow this step." in response.get_data(as_text=True)
    with app.app_context():
        assert files.load(app, case_id).status is Status.UNDER_REVIEW


def test_citizens_and_visitors_do_not_reach_the_desk(app, client, demo, files):
    case_id = files.make(app)
    assert client.get(f"/desk/permits/{case_id}").headers["Location"].startswith("/signin")
    client.signin("citizen@demo.ma")  # the applicant himself: his own page is elsewhere
    assert client.get(f"/desk/permits/{case_id}").status_code == 403
    assert client.post(f"/desk/permits/{case_id}/complete", {}, form_url="/about").status_code == 403


def test_an_unknown_file_is_404(client, demo):
    client.signin("clerk@demo.ma")
    assert client.get("/desk/permits/999999").status_code == 404
    assert client.post("/desk/permits/999999/complete", {}, form_url="/desk/permits").status_code == 404


def test_the_old_desk_addresses_lead_to_the_desks(client):
    """Clerks' bookmarks from before the desks moved under /desk/<area>."""
    assert client.get("/complaints/desk").headers["Location"].endswith("/desk/complaints")
    assert client.get("/complaints/desk/12").headers["Location"].endswith("/desk/complaints/12")
    assert (
        client.get("/inspections/queue?status=requested")
        .headers["Location"]
        .endswith("/desk/inspections?status=requested")
    )
