"""The commune wall around inspections, reports and their photos; who may do what."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.services import create_staff
from app.extensions import db
from app.inspections.models import InspectionReport
from app.models import Role
from tests.inspections.helpers import inspection, permit_in_site_visit, photo, report_form, reports, send
from tests.permits import files


def _tiznit_agent(app) -> None:
    with app.app_context():
        create_staff(
            login="agent2@demo.ma",
            password="jamaati-demo",
            full_name="Agent Tiznit",
            role=Role.AGENT,
            commune=files.user("clerk2@demo.ma").commune,
            enforce_password_policy=False,
        )
        db.session.remove()


def test_a_report_for_another_communes_inspection_is_refused(app, make_client, demo):
    _tiznit_agent(app)
    _, inspection_id = permit_in_site_visit(app)
    for login in ("agent2@demo.ma", "clerk2@demo.ma"):
        other = make_client()
        other.signin(login)
        assert other.get(f"/inspections/{inspection_id}").status_code == 404
        response = other.post(f"/inspections/{inspection_id}", report_form(key=f"from-{login}"), form_url="/")
        assert response.status_code == 404
    with app.app_context():
        assert reports() == [] and inspection(inspection_id).report is None


def test_a_clerk_of_the_commune_reads_the_report_and_its_photos_a_clerk_of_another_does_not(
    app, client, make_client, demo
):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    report_url = send(client, inspection_id, report_form(photos=[photo()])).location
    with app.app_context():
        report = db.session.scalar(sa.select(InspectionReport).execution_options(skip_commune_scope=True))
        photo_url = f"/inspections/reports/{report.id}/photos/{report.photos[0].id}"
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    page = clerk.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "Les travaux suivent les plans." in page and photo_url in page
    assert clerk.get(report_url).status_code == 200
    picture = clerk.get(photo_url)
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg" and picture.data[:2] == b"\xff\xd8"
    picture.close()
    other = make_client()
    other.signin("clerk2@demo.ma")
    for url in (f"/inspections/{inspection_id}", report_url, photo_url):
        assert other.get(url).status_code == 404
    assert f"/inspections/{inspection_id}" not in other.get("/desk/inspections").get_data(as_text=True)
    citizen = make_client()
    citizen.signin("citizen@demo.ma")
    assert citizen.get(photo_url).status_code == 403
    assert make_client().get(photo_url).status_code == 302  # to sign in


def test_clerks_assign_and_cancel_agents_do_not(app, client, make_client, demo):
    _, inspection_id = permit_in_site_visit(app, agent=None)
    client.signin("agent@demo.ma")
    assert f"/inspections/{inspection_id}" not in client.get("/inspections/").get_data(as_text=True)
    assert client.post(f"/desk/inspections/{inspection_id}/assign", {"agent": demo["agent@demo.ma"]}).status_code == 403
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    refused = clerk.post(f"/desk/inspections/{inspection_id}/assign", {"agent": demo["clerk@demo.ma"]})
    assert refused.status_code == 422 and "Choose a field agent of the commune." in refused.get_data(as_text=True)
    assert (
        clerk.post(
            f"/desk/inspections/{inspection_id}/assign", {"agent": demo["agent@demo.ma"], "due_on": ""}
        ).status_code
        == 303
    )
    assert f"/inspections/{inspection_id}" in client.get("/inspections/").get_data(as_text=True)
    assert clerk.post(f"/desk/inspections/{inspection_id}/cancel").status_code == 303
    assert f"/inspections/{inspection_id}" not in client.get("/inspections/").get_data(as_text=True)
    refused = send(client, inspection_id, report_form())
    assert refused.status_code == 422 and "it takes no report now" in refused.get_data(as_text=True)


def test_reviewers_and_citizens_have_no_inspection_pages(app, make_client, demo):
    _, inspection_id = permit_in_site_visit(app)
    for login in ("reviewer@demo.ma", "citizen@demo.ma"):
        someone = make_client()
        someone.signin(login)
        assert someone.get("/inspections/").status_code == 403
        assert someone.get(f"/inspections/{inspection_id}").status_code == 403


def test_home_pages_lead_agents_to_their_day_and_clerks_to_the_inspections(app, make_client, demo):
    agent, clerk = make_client(), make_client()
    agent.signin("agent@demo.ma")
    clerk.signin("clerk@demo.ma")
    assert 'href="/inspections/"' in agent.get("/").get_data(as_text=True)
    assert 'href="/desk/inspections"' in clerk.get("/").get_data(as_text=True)


def test_the_agent_finds_an_assigned_inspection_in_their_inbox(app, client, make_client, demo):
    _, inspection_id = permit_in_site_visit(app, agent=None)
    client.signin("agent@demo.ma")
    assert "An inspection was assigned to you" not in client.get("/notifications/").get_data(as_text=True)
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert (
        clerk.post(
            f"/desk/inspections/{inspection_id}/assign", {"agent": demo["agent@demo.ma"], "due_on": ""}
        ).status_code
        == 303
    )
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "An inspection was assigned to you" in inbox and f"I-{inspection_id:06d}" in inbox


def test_the_inspections_queue_is_paged_and_keeps_its_filter(app, client, demo, monkeypatch):
    from app.inspections import services

    monkeypatch.setattr(services, "QUEUE_PER_PAGE", 1)
    permit_in_site_visit(app)
    permit_in_site_visit(app, agent=None)
    client.signin("clerk@demo.ma")
    first = client.get("/desk/inspections").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'href="/desk/inspections?page=2"' in first
    second = client.get("/desk/inspections?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "Page 1 of" not in client.get("/desk/inspections?status=requested").get_data(
        as_text=True
    )  # one requested: no pages


def _colleague(app) -> None:
    """A second field agent of the same commune as agent@demo.ma."""
    with app.app_context():
        create_staff(
            login="agent3@demo.ma",
            password="jamaati-demo",
            full_name="Samir Colleague",
            role=Role.AGENT,
            commune=files.user("agent@demo.ma").commune,
            enforce_password_policy=False,
        )
        db.session.remove()


def test_an_agent_cannot_file_the_report_of_a_colleagues_inspection(app, client, make_client, demo):
    _colleague(app)
    _, inspection_id = permit_in_site_visit(app)  # assigned to agent@demo.ma
    colleague = make_client()
    colleague.signin("agent3@demo.ma")
    page = colleague.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "not assigned to you" in page and 'name="findings"' not in page
    response = colleague.post(f"/inspections/{inspection_id}", report_form(key="from-colleague"), form_url="/")
    assert response.status_code == 403 and "not assigned to you" in response.get_data(as_text=True)
    with app.app_context():
        assert reports() == [] and inspection(inspection_id).report is None
    # The agent it is assigned to still files it.
    client.signin("agent@demo.ma")
    assert send(client, inspection_id, report_form()).status_code == 303
    with app.app_context():
        assert len(reports()) == 1


def test_a_clerk_still_records_a_paper_report_for_the_agent(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("clerk@demo.ma")
    assert send(client, inspection_id, report_form()).status_code == 303
    with app.app_context():
        assert len(reports()) == 1
