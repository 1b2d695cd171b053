"""The practice space: each commune's fictitious files, renewed by its administrator, with a
banner on every page; invisible outside the space (every queue, count, public page, Open311,
export and figure), never notifying anyone; open to the commune's staff only."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.core import storage
from app.core.practice import practice_space
from app.extensions import db
from app.inspections.models import Inspection
from app.notifications.models import Notification
from app.performance import rollup
from app.performance.models import PerformanceFigure
from app.permits import services as permits
from app.permits.models import CaseDocument, PermitCase, Verdict
from tests.counter.helpers import file_complaint, file_permit, user

COMMUNE = "01.151.01.01"
BANNER = 'class="practice-banner"'


def practice_files(app) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(reference, tracking code) of the practice permit files and complaints."""
    with app.app_context(), practice_space():
        cases = [(c.reference, c.tracking_code) for c in db.session.scalars(sa.select(PermitCase))]
        filed = [(c.reference, c.tracking_code) for c in db.session.scalars(sa.select(Complaint))]
        db.session.remove()
    return cases, filed


@pytest.fixture
def practice(app, make_client, demo):
    admin = make_client()
    admin.signin("admin@demo.ma")
    assert admin.post("/practice/renew", form_url="/").status_code == 303
    return practice_files(app)


def enter(client, email: str = "clerk@demo.ma"):
    client.signin(email)
    assert client.post("/practice/enter", form_url="/").status_code == 303
    return client


def test_the_administrator_renews_a_fresh_set_and_real_files_stay(app, client, make_client, demo):
    client.signin("clerk@demo.ma")
    real_case = file_permit(client, app)
    admin = make_client()
    admin.signin("admin@demo.ma")
    admin.post("/practice/renew", form_url="/")
    first = practice_files(app)
    assert len(first[0]) == 3 and len(first[1]) == 3
    with app.app_context(), practice_space():
        scans = db.session.scalars(sa.select(CaseDocument.storage_name).join(PermitCase)).all()
        assert scans and all(storage.store().exists(name) for name in scans)
    admin.post("/practice/renew", form_url="/")
    second = practice_files(app)
    assert len(second[0]) == 3 and not set(first[0]) & set(second[0])  # renewed, not added
    with app.app_context():
        assert db.session.get(PermitCase, real_case) is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PermitCase)) == 1  # only the real one
        real_scans = db.session.scalars(sa.select(CaseDocument.storage_name).join(PermitCase)).all()
        assert real_scans and all(storage.store().exists(name) for name in real_scans)
        assert not any(storage.store().exists(name) for name in scans)  # the old scans are gone from the store
    assert client.post("/practice/renew", form_url="/").status_code == 403  # a clerk does not renew


def test_inside_the_space_every_page_has_the_banner_and_only_practice_files(app, client, make_client, practice):
    cases, filed = practice
    agent = enter(make_client(), "agent@demo.ma")
    assert "data-inspection=" in agent.get("/inspections/").get_data(as_text=True)  # agents practise too
    enter(client)
    for url in ("/", "/desk/permits", "/desk/complaints", "/desk/inspections", "/counter", "/counter/permits/new"):
        page = client.get(url).get_data(as_text=True)
        assert BANNER in page, url
    queue = client.get("/desk/permits").get_data(as_text=True)
    assert all(reference in queue for reference, _ in cases)
    assert all(reference in client.get("/desk/complaints").get_data(as_text=True) for reference, _ in filed)
    # What is filed at the counter in the space is practice too, and shows there only.
    case_id = file_permit(client, app)
    with app.app_context(), practice_space():
        assert db.session.get(PermitCase, case_id).practice
    client.post("/practice/leave", form_url="/")
    assert BANNER not in client.get("/desk/permits").get_data(as_text=True)
    assert client.get(f"/desk/permits/{case_id}").status_code == 404


def _issue_a_practice_permit(app) -> str:
    """A practice file taken to an issued permit, inside the space: its verification code."""
    with app.app_context(), practice_space():
        clerk = user("clerk@demo.ma")
        case = db.session.scalars(sa.select(PermitCase).where(PermitCase.clock_started_on.is_not(None))).first()
        for agency in permits.required_agencies(case):  # a decision waits for the commission's opinions
            permits.record_opinion(case, agency, Verdict.FAVOURABLE, None, clerk)
        permits.approve(case, clerk, None)
        permits.issue(case, clerk)
        code = case.verify_code
        db.session.remove()
    return code


def test_practice_files_are_invisible_outside_the_space(app, client, make_client, practice):
    cases, filed = practice
    verify_code = _issue_a_practice_permit(app)
    assert client.get(f"/verify/{verify_code}").status_code == 404
    references = [r for r, _ in cases + filed]
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    pages = {
        url: clerk.get(url).get_data(as_text=True)
        for url in ("/desk/permits", "/desk/complaints", "/desk/inspections", "/")
    }
    for url, page in pages.items():
        assert not any(reference in page for reference in references), url
        assert BANNER not in page
    assert "No file yet." in pages["/desk/permits"] and "No complaint yet." in pages["/desk/complaints"]
    assert "Nothing is waiting for you." in pages["/"]  # no count of practice work
    # Public pages: tracking, the public complaint page, Open311, the open data.
    for reference, code in cases + filed:
        tracked = client.post("/track", {"reference": reference, "code": code}).get_data(as_text=True)
        assert "No file matches this reference and tracking code." in tracked
    for reference, _ in filed:
        assert client.get(f"/complaints/{reference}/public").status_code == 404
        assert client.get(f"/open311/v2/requests/{reference}.json?jurisdiction_id={COMMUNE}").status_code == 404
    assert client.get(f"/open311/v2/requests.json?jurisdiction_id={COMMUNE}").get_json() == []
    for export in ("permits", "complaints"):
        body = client.get(f"/open-data/{COMMUNE}/{export}.csv").get_data(as_text=True)
        assert list(csv.DictReader(io.StringIO(body))) == []
    # The published figures count nothing of them.
    with app.app_context():
        rollup.refresh(user("clerk@demo.ma").commune)
        counted = db.session.scalars(
            sa.select(PerformanceFigure.cases).where(
                PerformanceFigure.period == "since_opening", PerformanceFigure.dimension == ""
            )
        ).all()
        assert counted and set(counted) == {0}
    # Even a claim with the right triple finds nothing.
    person = make_client()
    person.signin("citizen@demo.ma")
    reference, code = cases[0]
    assert person.post("/claim", {"reference": reference, "code": code, "cin": "ZZ100001"}).status_code == 422


def test_nothing_in_the_space_notifies_anyone(app, client, practice):
    with app.app_context():
        clerk, agent, citizen = user("clerk@demo.ma"), user("agent@demo.ma"), user("citizen@demo.ma")
        with practice_space():
            kind = permits.active_types()[0]
            case = permits.start(citizen, kind, clerk.commune)  # an applicant with an account, in the space
            case_id = case.id
            complaint = db.session.scalars(sa.select(Complaint)).first()
            complaint.author = citizen
            db.session.commit()
            complaints.acknowledge(complaint, clerk, "Voirie")
            complaints.request_site_check(complaint, clerk, agent, None, "Aller voir")
            assert db.session.scalars(sa.select(Inspection)).all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
        db.session.expunge_all()  # what a new request starts with: nothing loaded
        assert db.session.get(PermitCase, case_id) is None  # not outside
        assert db.session.scalars(sa.select(Inspection)).all() == []
        db.session.remove()
    agent_page = enter(client, "agent@demo.ma").get("/inspections/").get_data(as_text=True)
    assert "data-inspection=" in agent_page and BANNER in agent_page  # the agent practises on it
    client.post("/practice/leave", form_url="/")
    assert "data-inspection=" not in client.get("/inspections/").get_data(as_text=True)


def test_a_counter_filing_in_the_space_tells_nobody_and_the_same_outside_is_real(app, client, practice):
    enter(client)
    file_complaint(client, app)
    client.post("/practice/leave", form_url="/")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0
    file_complaint(client, app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


@pytest.mark.parametrize("email", ["citizen@demo.ma", "national@demo.ma"])
def test_only_staff_of_a_commune_enter_its_practice_space(app, client, demo, email):
    client.signin(email)
    assert client.post("/practice/enter", form_url="/").status_code == 403


def test_a_practice_session_does_not_follow_to_another_commune(app, make_client, practice):
    # The space is the commune's: the session remembers which one; another commune's clerk is outside.
    clerk2 = make_client()
    clerk2.signin("clerk2@demo.ma")
    with clerk2.raw.session_transaction() as session:
        session["practice_commune"] = user_commune_id(app, "clerk@demo.ma")
    assert BANNER not in clerk2.get("/desk/permits").get_data(as_text=True)


def user_commune_id(app, email: str) -> int:
    with app.app_context():
        return user(email).commune_id


def test_each_staff_page_has_its_short_guide(app, client, demo):
    client.signin("clerk@demo.ma")
    for url in ("/", "/desk/permits", "/desk/complaints", "/counter", "/counter/complaints/new"):
        page = client.get(url).get_data(as_text=True)
        assert '<details class="guide no-print"><summary>What to do here</summary>' in page, url
    client.signout()
    client.signin("citizen@demo.ma")
    assert 'class="guide' not in client.get("/").get_data(as_text=True)


def test_the_staff_home_shows_the_practice_panel_once_under_a_plain_title(client, demo):
    client.signin("clerk@demo.ma")
    page = client.get("/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("My work") and "<" not in title  # the tab and the screen reader read words
    assert page.count('id="practice-title"') == 1
