"""Inspections from the desks: a permit's site visit, a complaint's site check; an infraction on
the spot; the checklists commune admins edit."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.inspections.models import Checklist, Inspection
from app.inspections.workflow import Source, Status, Type
from app.permits import services as permit_services
from app.permits.workflow import Status as PermitStatus
from tests.complaints import helpers as complaints
from tests.inspections.helpers import (
    permit_in_site_visit,
    photo,
    report_form,
    reports,
    send,
)
from tests.permits import files


def _all_inspections() -> list[Inspection]:
    return list(db.session.scalars(sa.select(Inspection).execution_options(skip_commune_scope=True)))


def test_requesting_a_site_visit_on_the_desk_creates_the_inspection(app, client, demo):
    case_id = files.make(app)
    with app.app_context():
        permit_services.mark_complete(files.load(app, case_id), files.user("clerk@demo.ma"))
        db.session.remove()
    client.signin("clerk@demo.ma")
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "End-of-works check" in page and "Youssef El Amrani" in page
    response = client.post(
        f"/desk/permits/{case_id}/site-visit/request",
        {"visit_type": "end_of_works", "agent": demo["agent@demo.ma"], "due_on": "", "visit_message": "Portail bleu"},
        form_url=f"/desk/permits/{case_id}",
    )
    assert response.status_code == 303
    with app.app_context():
        (found,) = _all_inspections()
        assert (found.type, found.source, found.status, found.assigned_to_id) == (
            Type.END_OF_WORKS,
            Source.PERMIT,
            Status.ASSIGNED,
            demo["agent@demo.ma"],
        )
        assert found.latitude == 35.1688 and found.address == "Quartier Souika, Chefchaouen"
        assert files.load(app, case_id).status is PermitStatus.SITE_VISIT
    assert f"/inspections/{found.id}" in client.get(f"/desk/permits/{case_id}").get_data(as_text=True)


def test_a_site_visit_for_someone_who_is_not_an_agent_is_refused_and_the_file_unchanged(app, client, demo):
    case_id = files.make(app)
    with app.app_context():
        permit_services.mark_complete(files.load(app, case_id), files.user("clerk@demo.ma"))
        db.session.remove()
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/permits/{case_id}/site-visit/request",
        {"visit_type": "site_visit", "agent": demo["reviewer@demo.ma"], "visit_message": "Portail bleu"},
        form_url=f"/desk/permits/{case_id}",
    )
    assert "Choose a field agent of the commune." in response.get_data(as_text=True)
    assert "Portail bleu" in response.get_data(as_text=True)
    with app.app_context():
        assert _all_inspections() == [] and files.load(app, case_id).status is PermitStatus.UNDER_REVIEW


def test_a_site_check_requested_on_a_complaint_lands_its_report_on_the_complaints_timeline(
    app, client, make_client, demo
):
    complaint_id = complaints.file(app)
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert "Request a site check" in clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    response = clerk.post(
        f"/desk/complaints/{complaint_id}/site-check",
        {"agent": demo["agent@demo.ma"], "instructions": "Mesurer le trou"},
        form_url=f"/desk/complaints/{complaint_id}",
    )
    assert response.status_code == 303
    with app.app_context():
        (found,) = _all_inspections()
        assert (found.source, found.type, found.complaint_id) == (Source.COMPLAINT, Type.COMPLAINT_CHECK, complaint_id)
        assert (found.latitude, found.longitude) == complaints.CHEFCHAOUEN
        reference, code = complaints.get(app, complaint_id).reference, complaints.get(app, complaint_id).tracking_code
    client.signin("agent@demo.ma")
    page = client.get(f"/inspections/{found.id}").get_data(as_text=True)
    assert (
        "Mesurer le trou" in page
        and "A pothole in front of number 12." in page
        and "The problem reported exists" in page
    )
    sent = send(
        client,
        found.id,
        report_form(
            key="check-1",
            position=complaints.CHEFCHAOUEN,
            findings="Trou de 40 cm, dangereux.",
            outcome="not_compliant",
            public_summary="Un agent a vu le trou : réparation prévue.",
        ),
    )
    assert sent.status_code == 303
    desk = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "Trou de 40 cm, dangereux." in desk and "A field agent checked the site." in desk
    assert "Not compliant" in desk  # the inspection and its outcome, listed on the complaint
    public = make_client().post("/track", {"reference": reference, "code": code}).get_data(as_text=True)
    assert "Un agent a vu le trou : réparation prévue." in public and "Trou de 40 cm" not in public
    assert "Mesurer le trou" not in public


def test_a_site_check_on_a_closed_complaint_is_not_offered(app, client, demo):
    complaint_id = complaints.file(app)
    with app.app_context():
        from app.complaints import services

        services.close_out_of_scope(complaints.get(app, complaint_id), files.user("clerk@demo.ma"), "Voir la province")
        db.session.remove()
    client.signin("clerk@demo.ma")
    assert "Request a site check" not in client.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    refused = client.post(
        f"/desk/complaints/{complaint_id}/site-check",
        {"agent": demo["agent@demo.ma"]},
        form_url=f"/desk/complaints/{complaint_id}",
    )
    assert "A site check can be requested while the complaint is open." in refused.get_data(as_text=True)
    with app.app_context():
        assert _all_inspections() == []


def test_a_permit_no_longer_waiting_for_the_visit_still_gets_the_report(app, client, demo):
    """The clerk moved the file on while the report waited in the outbox: nothing is lost."""
    from tests.inspections.helpers import permit_in_site_visit

    case_id, inspection_id = permit_in_site_visit(app)
    with app.app_context():
        case = files.load(app, case_id)
        permit_services.record_site_visit(case, files.user("clerk@demo.ma"), "Vu par le guichet", [])
        db.session.remove()
    client.signin("agent@demo.ma")
    assert send(client, inspection_id, report_form(public_summary="Visite faite")).status_code == 303
    with app.app_context():
        case = files.load(app, case_id)
        assert case.status is PermitStatus.UNDER_REVIEW
        assert [(e.event, e.public) for e in case.events[-2:]] == [("message", True), ("note", False)]


def test_an_infraction_on_the_spot_is_opened_and_reported_in_one_form_once(app, client, make_client, demo):
    client.signin("agent@demo.ma")
    page = client.get("/inspections/new").get_data(as_text=True)
    assert "data-offline" in page and "Works are under way" in page and "The occupation blocks the pavement" in page
    form = report_form(
        key="spot-1",
        infraction="public_domain_occupation",
        address="Place Outa Hammam",
        findings="Terrasse de café sur tout le trottoir.",
        outcome="not_compliant",
        photos=[photo()],
        unauthorised_construction_0="no",
        public_domain_occupation_1="no",
    )
    first = client.post("/inspections/new", form, content_type="multipart/form-data")
    form["photos"] = [photo()]
    again = client.post("/inspections/new", form, content_type="multipart/form-data")
    assert first.status_code == again.status_code == 303 and first.location == again.location
    with app.app_context():
        (found,) = _all_inspections()
        assert (found.source, found.type, found.status, found.address) == (
            Source.ON_THE_SPOT,
            Type.PUBLIC_DOMAIN_OCCUPATION,
            Status.REPORTED,
            "Place Outa Hammam",
        )
        (report,) = reports()
        assert report.checklist == [{"question": "An authorisation was shown", "answer": "no"}]  # the kind chosen only
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert "Place Outa Hammam" in clerk.get("/desk/inspections").get_data(as_text=True)


def test_an_infraction_without_its_kind_or_place_is_refused_with_everything_kept(app, client, demo):
    client.signin("agent@demo.ma")
    response = client.post("/inspections/new", report_form(key="spot-2", findings="Chantier sans panneau"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the kind of infraction." in page and "Say where it is" in page and "Chantier sans panneau" in page
    with app.app_context():
        assert _all_inspections() == []


def test_commune_admins_edit_the_checklists_agents_answer(app, client, make_client, demo):
    from tests.inspections.helpers import permit_in_site_visit

    _, inspection_id = permit_in_site_visit(app)
    admin = make_client()
    admin.signin("admin@demo.ma")
    assert "Site visit" in admin.get("/inspections/checklists").get_data(as_text=True)
    page = admin.get("/inspections/checklists/site_visit").get_data(as_text=True)
    assert "The site panel is displayed" in page
    mismatch = admin.post(
        "/inspections/checklists/site_visit", {"ar": "سؤال", "fr": "Question\nAutre", "en": "Question"}
    )
    assert mismatch.status_code == 422 and "the lists must have the same number of lines" in mismatch.get_data(
        as_text=True
    )
    saved = admin.post(
        "/inspections/checklists/site_visit",
        {"ar": "هل الباب مفتوح؟", "fr": "La porte est-elle ouverte ?", "en": "Is the gate open?"},
    )
    assert saved.status_code == 303
    client.signin("agent@demo.ma")
    form = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "Is the gate open?" in form and "The site panel is displayed" not in form
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert clerk.get("/inspections/checklists").status_code == 403
    with app.app_context():
        tiznit = files.user("clerk2@demo.ma").commune_id
        other = db.session.scalar(
            sa.select(Checklist)
            .where(Checklist.commune_id == tiznit, Checklist.type == Type.SITE_VISIT)
            .execution_options(skip_commune_scope=True)
        )
        assert other.items[2]["en"] == "The site panel is displayed"  # another commune's checklist is its own


def test_a_visit_recorded_at_the_desk_takes_the_inspection_off_the_agents_day(app, client, make_client, demo):
    case_id, inspection_id = permit_in_site_visit(app)
    agent = make_client()
    agent.signin("agent@demo.ma")
    assert f"/inspections/{inspection_id}" in agent.get("/inspections/").get_data(as_text=True)
    client.signin("clerk@demo.ma")
    recorded = client.post(
        f"/desk/permits/{case_id}/site-visit/record",
        {"visit_note": "Vu sur place, rapport papier."},
        form_url=f"/desk/permits/{case_id}",
    )
    assert recorded.status_code == 303
    assert f"/inspections/{inspection_id}" not in agent.get("/inspections/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Inspection, inspection_id).status.value == "settled"
