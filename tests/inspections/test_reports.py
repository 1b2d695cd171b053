"""An agent's report: filed once (even replayed), with or without position, photos re-encoded,
landing on the case's timeline; refused with clear errors and nothing lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.dates import aware, utcnow
from app.extensions import db
from app.inspections.models import ReportPhoto
from app.inspections.workflow import Outcome, Status
from app.permits.models import PermitCase
from app.permits.workflow import Status as PermitStatus
from tests.inspections.helpers import (
    inspection,
    pdf,
    permit_in_site_visit,
    photo,
    report_form,
    reports,
    send,
)


def test_my_day_shows_where_to_go_what_it_is_about_and_what_to_bring(app, client, demo):
    case_id, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    day = client.get("/inspections/").get_data(as_text=True)
    assert f"/inspections/{inspection_id}" in day
    assert "Quartier Souika, Chefchaouen" in day
    assert "geo:35.168800,-5.263600" in day
    assert "Mohamed El Amrani" in day  # the case summary: the applicant
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "/permits/files/" in page  # the file's documents, to open on site
    assert "Le propriétaire ouvrira le portail." in page


def test_the_report_form_follows_the_offline_contract(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    page = client.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    form = re.search(r"<form[^>]*report-form[^>]*>", page).group(0)
    assert "data-offline" in form and "data-offline-title" in form and 'enctype="multipart/form-data"' in form
    assert re.search(r'name="idempotency_key" type="hidden" value="[\w-]{20,}"', page)
    assert re.search(r'<input[^>]*accept="image/\*"[^>]*data-compress', page)
    assert "The works match the plans filed" in page  # the type's checklist


def test_a_report_with_photos_moves_the_permit_on_and_lands_on_its_timeline(app, client, make_client, demo):
    case_id, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    response = send(
        client,
        inspection_id,
        report_form(
            public_summary="La visite a eu lieu : les travaux sont conformes.",
            photos=[photo("a.jpg"), photo("b.jpg")],
        ),
    )
    assert response.status_code == 303 and "/inspections/reports/" in response.location
    confirmation = client.get(response.location).get_data(as_text=True)
    assert "Report received" in confirmation and "Compliant" in confirmation
    with app.app_context():
        stored = inspection(inspection_id)
        assert stored.status is Status.REPORTED
        assert stored.report.outcome is Outcome.COMPLIANT and len(stored.report.photos) == 2
        assert stored.report.distance_m < 1 and stored.report.accuracy_m == 8
        assert [c["answer"] for c in stored.report.checklist] == ["yes", "no"]
        case = db.session.scalar(sa.select(PermitCase).where(PermitCase.id == case_id))
        assert case.status is PermitStatus.UNDER_REVIEW  # back to review: the clerk sends it for decision
        reference, code = case.reference, case.tracking_code
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    desk = clerk.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Les travaux suivent les plans." in desk and "Internal: the applicant does not see this" in desk
    assert f"/inspections/{inspection_id}" in desk
    public = make_client().post("/track", {"reference": reference, "code": code}).get_data(as_text=True)
    assert "La visite a eu lieu : les travaux sont conformes." in public
    assert "Les travaux suivent les plans." not in public


def test_the_same_report_sent_again_is_the_same_report(app, client, demo):
    case_id, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    first = send(client, inspection_id, report_form(photos=[photo()]))
    again = send(client, inspection_id, report_form(photos=[photo()]))
    assert first.status_code == again.status_code == 303 and first.location == again.location
    with app.app_context():
        assert len(reports()) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPhoto)) == 1
        case = db.session.scalar(sa.select(PermitCase).where(PermitCase.id == case_id))
        assert [e.event for e in case.events].count("record_site_visit") == 1


def test_a_second_report_with_another_key_is_refused_and_the_first_kept(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    send(client, inspection_id, report_form(key="first"))
    second = send(client, inspection_id, report_form(key="second", findings="Autre chose"))
    assert second.status_code == 422
    with app.app_context():
        assert [r.findings for r in reports()] == ["Les travaux suivent les plans. Deux niveaux, façade en cours."]


def test_a_report_without_position_is_accepted_and_marked(app, client, make_client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    response = send(client, inspection_id, report_form(position=None))
    assert response.status_code == 303
    assert "This report has no position" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        (report,) = reports()
        assert report.latitude is None and report.distance_m is None and not report.has_position
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert "No position" in clerk.get(f"/inspections/{inspection_id}").get_data(as_text=True)
    assert "No position" in clerk.get("/desk/inspections").get_data(as_text=True)


def test_far_from_the_case_is_a_warning_not_a_refusal(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    response = send(client, inspection_id, report_form(position=(35.1788, -5.2636)))  # about 1.1 km north
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "m from the case's position" in page and "Far from the case" in page
    with app.app_context():
        assert 1000 < reports()[0].distance_m < 1200


def requested_days_ago(app, inspection_id: int, days: int) -> None:
    with app.app_context():
        inspection(inspection_id).created_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_the_time_on_site_is_kept_apart_from_the_time_received(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    requested_days_ago(app, inspection_id, 1)
    on_site = (utcnow() - timedelta(hours=3)).replace(microsecond=0)
    client.signin("agent@demo.ma")
    response = send(client, inspection_id, report_form(filed_at=on_site.isoformat().replace("+00:00", "Z")))
    with app.app_context():
        (report,) = reports()
        assert aware(report.filed_at) == on_site
        assert aware(report.received_at) - aware(report.filed_at) >= timedelta(hours=3)
    assert "On site " in client.get(response.location).get_data(as_text=True)  # and when it was received


@pytest.mark.parametrize(
    ("days_ago", "hours_before_now"),
    [
        pytest.param(0, 3, id="before the inspection was requested"),
        pytest.param(1, -2, id="in the future"),
        pytest.param(60, 24 * 40, id="absurdly old"),
    ],
)
def test_an_unbelievable_time_on_site_is_the_time_received(app, client, demo, days_ago, hours_before_now):
    _, inspection_id = permit_in_site_visit(app)
    requested_days_ago(app, inspection_id, days_ago)
    client.signin("agent@demo.ma")
    send(client, inspection_id, report_form(filed_at=(utcnow() - timedelta(hours=hours_before_now)).isoformat()))
    with app.app_context():
        (report,) = reports()
        assert report.filed_at == report.received_at


def test_an_infraction_on_the_spot_keeps_the_phones_time(app, client, demo):
    """Its inspection is opened with the report, when it arrives: the time on site comes before it."""
    on_site = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    client.signin("agent@demo.ma")
    form = report_form(
        key="spot-1", infraction="unauthorised_construction", address="Rue 5", filed_at=on_site.isoformat()
    )
    response = client.post("/inspections/new", form, content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        (report,) = reports()
        assert aware(report.filed_at) == on_site


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"outcome": ""}, "Choose the outcome: compliant, not compliant or no access."),
        ({"findings": "x" * 5000}, "Write the findings in 4,000 characters or fewer."),
        ({"findings": "  "}, "Write what you found on site."),
        ({"photos": [photo(f"{n}.jpg") for n in range(11)]}, "Send at most ten photos."),
        ({"photos": [photo(), pdf("plan.jpg")]}, "plan.jpg is not a photo. Send JPEG or PNG photos."),
        ({"latitude": "48.85", "longitude": "2.35"}, "This position is outside Morocco."),
        ({"latitude": "35.17", "longitude": ""}, "Give both the latitude and the longitude, or neither."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_lost(app, client, demo, values, message):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    form = report_form(public_summary="Résumé à garder", **values)
    response = send(client, inspection_id, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "There is a problem" in page
    assert "Résumé à garder" in page and 'value="report-key-1"' in page  # what was typed, and the draft's key
    with app.app_context():
        assert reports() == [] and inspection(inspection_id).status is Status.ASSIGNED


def test_a_day_of_reports_filed_without_signal_all_arrive_each_once(app, client, demo):
    """The outbox sends a day of reports at once, some of them twice (a response lost on the way)."""
    inspections = [permit_in_site_visit(app)[1] for _ in range(4)]
    client.signin("agent@demo.ma")
    day = client.get("/inspections/").get_data(as_text=True)
    assert all(f"/inspections/{i}" in day for i in inspections)
    for n, inspection_id in enumerate(inspections):
        form = report_form(
            key=f"day-{n}",
            outcome=["compliant", "not_compliant", "no_access", "compliant"][n],
            position=None if n == 2 else (35.1688, -5.2636),
            photos=[photo()],
        )
        assert send(client, inspection_id, form).status_code == 303
        if n % 2:
            form["photos"] = [photo()]
            assert send(client, inspection_id, form).status_code == 303  # replayed
    with app.app_context():
        assert sorted(r.inspection_id for r in reports()) == sorted(inspections)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPhoto)) == 4
    day = client.get("/inspections/").get_data(as_text=True)
    assert "No inspection is assigned to you." in day and "Reports received today" in day
