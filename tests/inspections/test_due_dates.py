"""A "to be done by" day in the past is a field error on every desk form that schedules an agent
(a permit's site visit, an inspection's assignment, a complaint's site check): never a 500, and
what the clerk typed stays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.dates import today
from app.permits import services as permit_services
from tests.complaints import helpers as complaints
from tests.inspections.helpers import permit_in_site_visit
from tests.permits import files

YESTERDAY = (today() - timedelta(days=1)).isoformat()
ERROR = {"en": "Choose today or a later day.", "fr": "Choisissez aujourd’hui ou une date ultérieure."}


def _refused(response, typed: str, language: str = "en") -> None:
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422), response.status_code
    assert ERROR[language] in page
    assert typed in page  # the message to the applicant / the instructions are kept


def test_a_past_day_for_a_permits_site_visit_is_a_field_error(app, client, demo):
    case_id = files.make(app)
    with app.app_context():
        permit_services.mark_complete(files.load(app, case_id), files.user("clerk@demo.ma"))
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/permits/{case_id}/site-visit/request",
        {"visit_type": "site_visit", "agent": demo["agent@demo.ma"], "due_on": YESTERDAY, "visit_message": "Portail"},
        form_url=f"/desk/permits/{case_id}",
    )
    _refused(response, "Portail")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_past_day_when_assigning_an_inspection_is_a_field_error(app, client, demo, language):
    _, inspection_id = permit_in_site_visit(app, agent=None)
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/inspections/{inspection_id}/assign",
        {"agent": demo["agent@demo.ma"], "due_on": YESTERDAY},
        form_url=f"/inspections/{inspection_id}",
        headers={"Accept-Language": language},
    )
    _refused(response, YESTERDAY, language)


def test_a_past_day_for_a_complaints_site_check_is_a_field_error(app, client, demo):
    complaint_id = complaints.file(app)
    client.signin("clerk@demo.ma")
    response = client.post(
        f"/desk/complaints/{complaint_id}/site-check",
        {"agent": demo["agent@demo.ma"], "due_on": YESTERDAY, "instructions": "Mesurer le trou"},
        form_url=f"/desk/complaints/{complaint_id}",
    )
    _refused(response, "Mesurer le trou")
