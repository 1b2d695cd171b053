"""Acting for someone, visibly: documents the applicant brings on paper and a withdrawal at their
request, taken by a clerk at the counter, are marked on the timeline as done at the counter, by whom."""

from __future__ import annotations

import io

from app.permits import services as permits
from app.permits.workflow import Status
from tests.counter.helpers import file_permit, load_case, user
from tests.permits.helpers import photo_bytes


def _request_documents(app, case_id: int) -> None:
    with app.app_context():
        permits.request_documents(
            load_case(case_id), user("clerk@demo.ma"), [{"code": "other", "reason": "Copie de la CIN"}]
        )


def test_documents_brought_on_paper_are_added_and_provided_at_the_counter(app, client, demo, files):
    for online in (False, True):
        client.signin("clerk@demo.ma")
        case_id = files.make(app) if online else file_permit(client, app)
        _request_documents(app, case_id)
        page = f"/counter/files/{case_id}"
        added = client.post(
            page,
            {"item": "other", "file": (io.BytesIO(photo_bytes((40, 30), fmt="PNG")), "cin.png")},
            content_type="multipart/form-data",
        )
        assert added.status_code == 303
        assert client.post(f"{page}/provide", form_url=page).status_code == 303
        with app.app_context():
            case = load_case(case_id)
            assert case.status is Status.SUBMITTED
            marked = {e.event: (e.actor.email, e.params.get("at_counter")) for e in case.events}
            assert marked["document_added"] == ("clerk@demo.ma", True)
            assert marked["provide_documents"] == ("clerk@demo.ma", True)
        # The person's own view (and /track) says it was done at the counter, by a clerk.
        desk = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
        assert "at the counter" in desk and "The applicant brought the requested documents to the counter." in desk
        assert "فاطمة الزهراء بناني" in desk  # staff see who
        client.signout()


def test_a_withdrawal_at_the_applicants_request_is_marked(app, client, demo, files):
    client.signin("clerk@demo.ma")
    case_id = files.make(app)
    page = f"/counter/files/{case_id}"
    client.post(f"{page}/withdraw", form_url=page)  # not confirmed: nothing happens
    with app.app_context():
        assert load_case(case_id).status is Status.SUBMITTED
    client.post(f"{page}/withdraw", {"confirm": "yes"}, form_url=page)
    with app.app_context():
        case = load_case(case_id)
        assert case.status is Status.WITHDRAWN
        last = case.events[-1]
        assert (last.event, last.actor.email, last.params.get("at_counter")) == ("withdraw", "clerk@demo.ma", True)
    client.signout()
    client.signin("citizen@demo.ma")
    own = client.get(f"/permits/{case_id}").get_data(as_text=True)
    assert "The application was withdrawn at the applicant's request, at the counter." in own
    assert "at the counter" in own and "Commune clerk" in own  # a role on the person's page, never a name
    assert "فاطمة الزهراء بناني" not in own


def test_a_field_agent_cannot_act_for_an_applicant(app, client, demo, files):
    case_id = files.make(app)
    client.signin("agent@demo.ma")
    assert client.get(f"/counter/files/{case_id}").status_code == 403
    with app.app_context():
        agent = user("agent@demo.ma")
        assert not permits.acts_for_the_person(load_case(case_id), agent)
