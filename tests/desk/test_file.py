"""A file on the desk: what it shows, and each step through its own URL."""

import io
import re

import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.extensions import db
from app.inspections.workflow import Type
from app.permits import services
from app.permits.models import CaseDocument, CaseEvent, DocumentRequest, Opinion
from app.permits.workflow import Status


def act(client, case_id, action, data=None):
    return client.post(f"/desk/permits/{case_id}/{action}", data or {}, form_url=f"/desk/permits/{case_id}")


def status(app, files, case_id) -> Status:
    with app.app_context():
        value = files.load(app, case_id).status
        db.session.remove()
    return value


def advance(app, files, case_id, *steps, actor="admin@demo.ma"):
    """Take steps through the services (for files a test needs further along)."""
    with app.app_context():
        case, user = files.load(app, case_id), files.user(actor)
        for step in steps:
            if step == "mark_complete":
                services.mark_complete(case, user)
            elif step == "request_site_visit":
                services.request_site_visit(case, user, Type.SITE_VISIT, None, None)
            elif step == "send_for_decision":
                services.send_for_decision(case, user)
            elif step == "opinions":
                files.give_opinions(case)
            elif step == "approve":
                services.approve(case, user, None)
            elif step == "issue":
                services.issue(case, user)
        db.session.remove()


@pytest.fixture
def case_id(app, demo, files):
    return files.make(app)


def test_the_file_shows_applicant_land_project_documents_and_clock(app, client, case_id):
    client.signin("clerk@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    for text in (
        "Mohamed El Amrani",
        "AB123456",
        "12 rue Outa Hammam",
        "12345/08",
        "Quartier Souika",
        "Intended use",
        "Housing",
        "Floor area (m²)",
        "120.5",
        "Number of levels",
        "Signed request",
        "Architectural plans (1/100)",
        "Agence urbaine de Tétouan",
        "Service technique communal",
        "The clock starts when the file is found complete. Then there are 15 days to answer.",
    ):
        assert text in page, text
    with app.app_context():
        documents = db.session.scalars(sa.select(CaseDocument).where(CaseDocument.case_id == case_id)).all()
    images = [d for d in documents if d.is_image]
    pdfs = [d for d in documents if not d.is_image]
    assert images and pdfs
    assert f'<img src="/permits/files/{images[0].id}"' in page
    assert re.search(rf'<a href="/permits/files/{pdfs[0].id}"[^>]*download', page)
    assert "Mark the file complete" in page and "Ask for documents" in page
    assert "Approve the application" not in page  # not from this status


def test_every_form_on_a_file_under_review_has_its_own_field_ids(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete")
    client.signin("admin@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for step in (
        "Ask for documents",
        "Request a site visit",
        "Send for decision",
        "Approve the application",
        "Refuse the application",
    ):
        assert step in page, step
    assert page.count("Record an opinion received on paper") == 2


def test_mark_complete_starts_the_clock(app, client, files, case_id):
    client.signin("clerk@demo.ma")
    response = act(client, case_id, "complete")
    assert response.status_code == 303 and response.headers["Location"] == f"/desk/permits/{case_id}"
    assert status(app, files, case_id) is Status.UNDER_REVIEW
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "The file is complete: the legal clock has started." in page
    assert "15 days left" in page and "Answer due by" in page
    assert "The file was found complete. The legal clock started: the answer is due by" in page


def test_a_step_that_is_no_longer_possible_is_an_error_on_the_page_not_a_500(app, client, files, case_id):
    client.signin("clerk@demo.ma")
    act(client, case_id, "complete")
    response = act(client, case_id, "complete")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This step is not possible while the file is “Under review”." in page
    assert page.count("<title>Error:") == 1


def test_request_documents_item_by_item(app, client, files, case_id):
    client.signin("clerk@demo.ma")
    response = act(
        client,
        case_id,
        "request-documents",
        {
            "ask_site_plan": "y",
            "reason_site_plan": "The plan is not readable",
            "ask_other": "y",
            "reason_other": "A photo of the street front",
            "documents_message": "Thank you",
        },
    )
    assert response.status_code == 303
    assert status(app, files, case_id) is Status.DOCUMENTS_REQUESTED
    with app.app_context():
        request = db.session.scalar(sa.select(DocumentRequest).where(DocumentRequest.case_id == case_id))
        assert request.items == [
            {"code": "site_plan", "reason": "The plan is not readable"},
            {"code": "other", "reason": "A photo of the street front"},
        ]
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Documents requested on" in page
    assert "The plan is not readable" in page and "Other document" in page and "A photo of the street front" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ask_site_plan": "y", "reason_site_plan": "  "}, "Say why this document is needed."),
        ({"reason_property": "Out of date"}, "Tick this document to ask for it, or clear its reason."),
        (
            {"ask_cadastral_plan": "", "reason_cadastral_plan": ""},
            "Tick at least one document to ask for, and say why.",
        ),
    ],
)
def test_request_documents_without_a_reason_is_refused_and_nothing_typed_is_lost(
    app, client, files, case_id, data, message
):
    client.signin("clerk@demo.ma")
    typed = {
        "ask_cadastral_plan": "y",
        "reason_cadastral_plan": "Missing stamp",
        "documents_message": "Merci de votre patience",
        **data,
    }
    response = act(client, case_id, "request-documents", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "There is a problem" in page and "<title>Error:" in page
    assert "Merci de votre patience" in page
    if typed["ask_cadastral_plan"]:
        assert 'value="Missing stamp"' in page and re.search(r'<input checked id="ask_cadastral_plan"', page)
    for name, value in data.items():
        if name.startswith("reason_") and value.strip():
            assert f'value="{value}"' in page
    assert re.search(r"<details class=\"step\" open>\s*<summary>Ask for documents", page)
    assert status(app, files, case_id) is Status.SUBMITTED
    with app.app_context():
        assert db.session.scalar(sa.select(DocumentRequest).where(DocumentRequest.case_id == case_id)) is None


def test_site_visit_requested_then_recorded_by_a_field_agent_with_photos(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete")
    client.signin("clerk@demo.ma")
    assert act(client, case_id, "site-visit/request", {"visit_message": "Be there at 10"}).status_code == 303
    assert status(app, files, case_id) is Status.SITE_VISIT
    client.signout()

    client.signin("agent@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Record the visit" in page and 'enctype="multipart/form-data"' in page
    missing = act(client, case_id, "site-visit/record", {"visit_note": " "})
    assert missing.status_code == 200 and "Write what was seen on site." in missing.get_data(as_text=True)
    refused = act(
        client,
        case_id,
        "site-visit/record",
        {
            "visit_note": "Walls as on the plans",
            "photos": (io.BytesIO(b"not an image"), "wall.jpg"),
        },
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "This file is not a photo." in text and "Walls as on the plans" in text
    assert status(app, files, case_id) is Status.SITE_VISIT

    response = act(
        client,
        case_id,
        "site-visit/record",
        {
            "visit_note": "Walls as on the plans",
            "photos": [
                (io.BytesIO(files.photo_bytes((40, 30), fmt="PNG")), "front.png"),
                (io.BytesIO(files.photo_bytes((40, 30), fmt="PNG")), "back.png"),
            ],
        },
    )
    assert response.status_code == 303
    assert status(app, files, case_id) is Status.UNDER_REVIEW
    with app.app_context():
        photos = db.session.scalars(
            sa.select(CaseDocument).where(CaseDocument.case_id == case_id, CaseDocument.item_code == "site_visit")
        ).all()
        assert len(photos) == 2 and all(p.internal for p in photos)
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Site visit photos" in page and "Walls as on the plans" in page


def test_send_for_decision_then_approve_with_conditions_then_issue(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete", "opinions")
    files.set_may_decide(app)
    client.signin("clerk@demo.ma")
    assert act(client, case_id, "send-for-decision").status_code == 303
    assert status(app, files, case_id) is Status.DECISION_PENDING
    assert act(client, case_id, "approve", {"conditions": "Keep the façade white and blue"}).status_code == 303
    assert status(app, files, case_id) is Status.APPROVED
    response = act(client, case_id, "issue")
    assert response.status_code == 303
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    with app.app_context():
        case = files.load(app, case_id)
        assert case.status is Status.ISSUED and case.conditions == "Keep the façade white and blue"
        assert f"The permit is issued. Its number is {case.permit_number}." in page
        assert f"/verify/{case.verify_code}" in page and f"/permits/{case_id}/certificate" in page


def test_a_clerk_without_the_right_to_decide_is_not_offered_a_decision_and_cannot_force_one(
    app, client, files, case_id
):
    advance(app, files, case_id, "mark_complete")
    files.set_may_decide(app, "clerk@demo.ma", False)
    client.signin("clerk@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Approve the application" not in page and "Refuse the application" not in page
    response = act(client, case_id, "approve", {"conditions": "None"})
    assert response.status_code == 200
    assert "Only a clerk with the right to decide can take this step." in response.get_data(as_text=True)
    assert status(app, files, case_id) is Status.UNDER_REVIEW


def test_refuse_needs_reasons_one_per_line(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete", "opinions")
    client.signin("admin@demo.ma")
    empty = act(client, case_id, "refuse", {"reasons": "  \n "})
    assert empty.status_code == 200 and "Give at least one reason for the refusal." in empty.get_data(as_text=True)
    assert status(app, files, case_id) is Status.UNDER_REVIEW
    response = act(client, case_id, "refuse", {"reasons": "Height over the zoning limit\n\nNo parking space\n"})
    assert response.status_code == 303
    with app.app_context():
        case = files.load(app, case_id)
        assert case.status is Status.REFUSED
        assert case.refusal_reasons == ["Height over the zoning limit", "No parking space"]
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "The application was refused, for these reasons:" in page and "No parking space" in page


def test_an_admin_revokes_an_issued_permit_with_a_reason(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete", "opinions", "approve", "issue")
    client.signin("clerk@demo.ma")
    files.set_may_decide(app)
    assert "Revoke the permit" not in client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    client.signout()
    client.signin("admin@demo.ma")
    empty = act(client, case_id, "revoke", {"revoke_reason": ""})
    assert empty.status_code == 200 and "Say why the permit is revoked." in empty.get_data(as_text=True)
    assert act(client, case_id, "revoke", {"revoke_reason": "Works differ from the plans"}).status_code == 303
    assert status(app, files, case_id) is Status.REVOKED


def test_notes_are_internal_unless_a_clerk_makes_them_public(app, client, make_client, files, case_id):
    client.signin("clerk@demo.ma")
    assert act(client, case_id, "notes", {"text": "Call the architect", "visibility": "internal"}).status_code == 303
    assert act(client, case_id, "notes", {"text": "Your file is being read", "visibility": "public"}).status_code == 303
    empty = act(client, case_id, "notes", {"text": " ", "visibility": "internal"})
    assert empty.status_code == 200 and "Write the message first." in empty.get_data(as_text=True)
    with app.app_context():
        events = {e.message: e for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case_id))}
        assert events["Call the architect"].public is False and events["Call the architect"].event == "note"
        assert events["Your file is being read"].public is True and events["Your file is being read"].event == "message"
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Internal note:" in page and "Internal: the applicant does not see this" in page


def test_a_reviewer_may_only_write_internal_notes(app, client, files, case_id):
    advance(app, files, case_id, "mark_complete")
    client.signin("reviewer@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "The applicant too (public message)" not in page
    response = act(client, case_id, "notes", {"text": "Looks fine", "visibility": "public"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(CaseEvent).where(CaseEvent.message == "Looks fine")) is None


def _agency_ids(app, files):
    with app.app_context():
        from app.models import Agency, AgencyKind

        rows = db.session.scalars(sa.select(Agency)).all()
        return {a.kind: a.id for a in rows}, AgencyKind


def test_opinions_by_the_reviewer_and_on_paper_by_the_clerk(app, client, make_client, files, case_id):
    advance(app, files, case_id, "mark_complete")
    agencies, kind = _agency_ids(app, files)
    urban, technical = agencies[kind.URBAN_AGENCY], agencies[kind.COMMUNE_TECHNICAL]

    client.signin("reviewer@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert f"/opinions/{urban}" in page and f"/opinions/{technical}" not in page
    other = act(client, case_id, f"opinions/{technical}", {f"opinion-{technical}-verdict": "favourable"})
    assert other.status_code == 200 and "You give opinions for your own agency only." in other.get_data(as_text=True)
    vague = act(client, case_id, f"opinions/{urban}", {f"opinion-{urban}-verdict": "favourable_with_conditions"})
    assert vague.status_code == 200 and "Explain the conditions or the reasons." in vague.get_data(as_text=True)
    done = act(
        client,
        case_id,
        f"opinions/{urban}",
        {
            f"opinion-{urban}-verdict": "favourable_with_conditions",
            f"opinion-{urban}-comment": "Setback of 3 m",
        },
    )
    assert done.status_code == 303

    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert (
        act(clerk, case_id, f"opinions/{technical}", {f"opinion-{technical}-verdict": "favourable"}).status_code == 303
    )
    page = clerk.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Favourable with conditions" in page and "Setback of 3 m" in page and "Received on paper" in page
    with app.app_context():
        opinions = {o.agency_id: o for o in db.session.scalars(sa.select(Opinion).where(Opinion.case_id == case_id))}
        assert opinions[urban].on_paper is False and opinions[technical].on_paper is True
    # Civil protection does not sit on small building permits.
    assert act(clerk, case_id, f"opinions/{agencies[kind.CIVIL_PROTECTION]}", {}).status_code == 404


def test_opinions_wait_until_the_file_is_complete(app, client, files, case_id):
    agencies, kind = _agency_ids(app, files)
    client.signin("clerk@demo.ma")
    urban = agencies[kind.URBAN_AGENCY]
    assert f"/opinions/{urban}" not in client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    response = act(client, case_id, f"opinions/{urban}", {f"opinion-{urban}-verdict": "favourable"})
    assert response.status_code == 200
    assert "Opinions are recorded while the file is under review." in response.get_data(as_text=True)


def test_silence_counts_as_approval_is_said_plainly(app, client, files, case_id):
    from datetime import timedelta

    advance(app, files, case_id, "mark_complete")
    with app.app_context():
        case = files.load(app, case_id)
        case.clock_started_on = today() - timedelta(days=40)
        db.session.commit()
    client.signin("clerk@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "The legal deadline passed without a decision: silence counts as approval for this kind of permit." in page
    assert "25 days overdue" in page


def test_opening_an_action_address_shows_the_file(client, case_id):
    client.signin("clerk@demo.ma")
    response = client.get(f"/desk/permits/{case_id}/approve")
    assert response.status_code == 303 and response.headers["Location"] == f"/desk/permits/{case_id}"


def test_an_error_after_a_boosted_post_keeps_the_files_address(client, case_id):
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/permits/{case_id}/refuse",
        {"reasons": ""},
        form_url=f"/desk/permits/{case_id}",
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.status_code == 200 and response.headers["HX-Push-Url"] == f"/desk/permits/{case_id}"
