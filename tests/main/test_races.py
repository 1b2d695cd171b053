"""Races, for real: threads sending requests at the same moment to the running test server.
The same submission arriving twice is one record, answered twice as the success it is; two
clerks acting against each other leave one winner and no impossible state; nobody's key ever
reaches someone else's record."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import sqlalchemy as sa

from app.complaints.models import Complaint
from app.extensions import db
from app.inspections.models import InspectionReport
from app.models import User
from app.permits.models import PermitCase, PermitType
from tests.complaints.helpers import CHEFCHAOUEN, CHEFCHAOUEN_CODE, commune_of
from tests.complaints.helpers import category as complaint_category
from tests.permits.helpers import photo_bytes

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ROUNDS = 10


class Browser:
    """A person's browser against the live server: cookies kept, CSRF tokens read from pages."""

    def __init__(self, base: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.headers["Accept-Language"] = "en"

    def token(self, path: str) -> str:
        return TOKEN.search(self.http.get(self.base + path).text).group(1)

    def post(self, path: str, data: dict) -> requests.Response:
        data = {"csrf_token": self.token(path), **data}
        return self.http.post(self.base + path, data=data, allow_redirects=False)

    def sign_in(self, login: str) -> Browser:
        assert self.post("/signin", {"login": login, "password": "jamaati-demo"}).status_code == 303
        return self


def at_once(*calls):
    """Run the calls in threads released together; their results, in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def sending(http: requests.Session, url: str, data: dict, photo: bytes | None = None):
    """One POST, ready to be sent from a thread (files are opened anew for each send)."""

    def send() -> requests.Response:
        files = {"photos": ("site.jpg", photo, "image/jpeg")} if photo else None
        return http.post(url, data=data, files=files, allow_redirects=False, timeout=60)

    return send


def count(app, statement) -> int:
    with app.app_context():
        found = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
        db.session.remove()
    return found


@pytest.fixture
def base(live_server, demo):
    return live_server


def test_two_clerks_merging_two_complaints_into_each_other_leave_one_open(app, base):
    from tests.complaints.helpers import file

    clerk, admin = Browser(base).sign_in("clerk@demo.ma"), Browser(base).sign_in("admin@demo.ma")
    for _ in range(ROUNDS):
        first, second = file(app, position=None), file(app, position=None)
        with app.app_context():
            one, two = (db.session.get(Complaint, i) for i in (first, second))
            references = {first: one.reference, second: two.reference}
            db.session.remove()

        def merge(who, source, target_reference):
            data = {"csrf_token": who.token(f"/desk/complaints/{source}"), "target": target_reference}
            return sending(who.http, f"{base}/desk/complaints/{source}/merge", data)

        merges = merge(clerk, first, references[second]), merge(admin, second, references[first])
        answers = [a.status_code for a in at_once(*merges)]
        assert 500 not in answers
        with app.app_context():
            states = sorted(
                (c.merged_into_id is not None, c.status.value)
                for c in db.session.scalars(sa.select(Complaint).where(Complaint.id.in_([first, second])))
            )
            db.session.remove()
        assert states == [(False, "received"), (True, "closed")], answers  # one merge won


def test_the_start_form_sent_twice_at_once_starts_one_application(app, base):
    citizen = Browser(base).sign_in("citizen@demo.ma")
    with app.app_context():
        type_id = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_small"))
        commune_id = db.session.scalar(sa.select(User.commune_id).where(User.email == "citizen@demo.ma"))
        db.session.remove()
    for round_ in range(ROUNDS):
        form = {
            "csrf_token": citizen.token("/permits/new"),
            "permit_type": type_id,
            "commune": commune_id,
            "idempotency_key": f"start-twice-{round_}",
        }
        send = sending(citizen.http, f"{base}/permits/new", form)
        answers = at_once(send, send)
        assert [a.status_code for a in answers] == [303, 303]
        assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(app, sa.select(PermitCase.id)) == ROUNDS


def test_a_signed_in_complaint_with_a_position_sent_twice_at_once_is_one_complaint(app, base):
    citizen = Browser(base).sign_in("citizen@demo.ma")
    with app.app_context():
        category = complaint_category(commune_of("clerk@demo.ma")).id
        db.session.remove()
    path = f"/complaints/new?commune={CHEFCHAOUEN_CODE}"
    for round_ in range(ROUNDS):
        token = citizen.token(path)
        form = {
            "csrf_token": token,
            "kind": "complaint",
            "category": category,
            "description": f"Nid de poule numéro {round_} devant la poste.",
            "latitude": str(CHEFCHAOUEN[0] + round_ / 100),  # far apart: each round is its own problem
            "longitude": str(CHEFCHAOUEN[1]),
            "idempotency_key": f"complaint-twice-{round_}",
        }

        send = sending(citizen.http, base + path, form)
        answers = at_once(send, send)
        # Never "already reported nearby" listing itself, never a failure: the same confirmation twice.
        assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
        assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(app, sa.select(Complaint.id)) == ROUNDS


def test_an_agents_report_sent_twice_at_once_is_one_report(app, base):
    from tests.inspections.helpers import permit_in_site_visit, report_form

    agent = Browser(base).sign_in("agent@demo.ma")
    for round_ in range(ROUNDS):
        _case, inspection = permit_in_site_visit(app)
        path = f"/inspections/{inspection}"
        form = {"csrf_token": agent.token(path), **report_form(key=f"report-twice-{round_}")}
        send = sending(agent.http, base + path, form, photo_bytes((64, 48), fmt="JPEG"))
        answers = at_once(send, send)
        assert [a.status_code for a in answers] == [303, 303], [a.status_code for a in answers]
        assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(app, sa.select(InspectionReport.id)) == ROUNDS


def test_an_open311_report_sent_twice_at_once_is_created_once_and_replayed_once(app, base):
    from app.api.services import issue_key
    from tests.api.helpers import BASE, report

    with app.app_context():
        _client, api_key = issue_key("Race app")
        db.session.remove()
    for round_ in range(ROUNDS):
        data = report(api_key, description=f"Lampadaire éteint numéro {round_}.")

        http = requests.Session()
        http.headers["Idempotency-Key"] = f"race-{round_}"
        send = sending(http, f"{base}{BASE}/requests.json", data)
        answers = at_once(send, send)
        assert sorted(a.status_code for a in answers) == [200, 201]  # the replay answers 200, as the spec's replays
        assert answers[0].json()[0]["service_request_id"] == answers[1].json()[0]["service_request_id"]
    assert count(app, sa.select(Complaint.id)) == ROUNDS
