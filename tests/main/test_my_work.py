"""The staff home says what waits for this person, counted behind the commune wall."""

from __future__ import annotations

from tests.complaints.helpers import file as file_complaint
from tests.inspections.helpers import permit_in_site_visit
from tests.permits import files


def _home(make_client, login: str) -> str:
    someone = make_client()
    someone.signin(login)
    return someone.get("/").get_data(as_text=True)


def test_a_clerk_sees_what_waits_and_each_line_opens_the_filtered_queue(app, make_client, demo):
    with app.app_context():
        files.submitted()
        files.submitted()
    file_complaint(app)
    permit_in_site_visit(app, agent=None)
    home = _home(make_client, "clerk@demo.ma")
    assert "2 permit files to check for completeness" in home and 'href="/desk/permits?status=submitted"' in home
    assert "1 complaint to acknowledge" in home and 'href="/desk/complaints?status=received"' in home
    assert "1 inspection waiting for a field agent" in home and 'href="/desk/inspections?status=requested"' in home
    assert "Nothing is waiting for you" not in home


def test_another_communes_clerk_counts_none_of_it(app, make_client, demo):
    with app.app_context():
        files.submitted()
    file_complaint(app)
    home = _home(make_client, "clerk2@demo.ma")
    assert "to check for completeness" not in home and "to acknowledge" not in home
    assert "Nothing is waiting for you" in home


def test_an_agent_sees_the_inspections_to_carry_out(app, make_client, demo):
    permit_in_site_visit(app)
    home = _home(make_client, "agent@demo.ma")
    assert "1 inspection to carry out" in home and 'href="/inspections/"' in home


def test_a_reviewer_sees_the_files_waiting_for_their_agencys_opinion(app, make_client, demo):
    permit_in_site_visit(app, agent=None)  # complete, then sent to a site visit: not under review
    with app.app_context():
        from app.permits import services

        case = files.submitted()
        services.mark_complete(case, files.user("clerk@demo.ma"))
    home = _home(make_client, "reviewer@demo.ma")
    assert "1 file waiting for your agency" in home and 'href="/desk/permits?status=under_review"' in home
