"""A "to be done by" day in the past is a field error on every desk form that schedules an agent
(a permit's site visit, an inspection's assignment, a complaint's site check): never a 500, and
what the clerk typed stays."""

from __future__ import annotations

from datetime import timedelta

from app.core.dates import today
from app.permits import services as permit_services
from tests.complaints import helpers as complaints
from tests.inspections.helpers import permit_in_site_visit
from tests.languages import in_each_language, said, shown, speaks
from tests.permits import files

YESTERDAY = (today() - timedelta(days=1)).isoformat()


def _refused(app, response, typed: str, language: str) -> None:
    page = shown(response)
    assert response.status_code in (200, 422), response.status_code
    assert said(app, language, "Choose today or a later day.") in page  # at the field, in the page's language
    assert typed in page  # the message to the applicant / the instructions are kept


@in_each_language
def test_a_past_day_for_a_permits_site_visit_is_a_field_error(app, client, demo, language):
    case_id = files.make(app)
    with app.app_context():
        permit_services.mark_complete(files.load(app, case_id), files.user("clerk@demo.ma"))
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/permits/{case_id}/site-visit/request",
        {"visit_type": "site_visit", "agent": demo["agent@demo.ma"], "due_on": YESTERDAY, "visit_message": "Portail"},
        form_url=f"/desk/permits/{case_id}",
        **speaks(language),
    )
    _refused(app, response, "Portail", language)


@in_each_language
def test_a_past_day_when_assigning_an_inspection_is_a_field_error(app, client, demo, language):
    _, inspection_id = permit_in_site_visit(app, agent=None)
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/inspections/{inspection_id}/assign",
        {"agent": demo["agent@demo.ma"], "due_on": YESTERDAY},
        form_url=f"/inspections/{inspection_id}",
        **speaks(language),
    )
    _refused(app, response, YESTERDAY, language)


@in_each_language
def test_a_past_day_for_a_complaints_site_check_is_a_field_error(app, client, demo, language):
    complaint_id = complaints.file(app)
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/complaints/{complaint_id}/site-check",
        {"agent": demo["agent@demo.ma"], "due_on": YESTERDAY, "instructions": "Mesurer le trou"},
        form_url=f"/desk/complaints/{complaint_id}",
        **speaks(language),
    )
    _refused(app, response, "Mesurer le trou", language)
