"""The commune's queue: what each staff member sees, in which order, with which filters."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.extensions import db
from app.permits import services
from app.permits.models import PermitType


def _started(app, files, days_ago: int, **options) -> str:
    """A complete file whose clock started ``days_ago`` days ago; returns its reference."""
    with app.app_context():
        case = files.submitted(**options)
        services.mark_complete(case, files.user("clerk@demo.ma"))
        case.clock_started_on = today() - timedelta(days=days_ago)
        db.session.commit()
        reference = case.reference
        db.session.remove()
    return reference


def _submitted(app, files, **options) -> str:
    with app.app_context():
        reference = files.submitted(**options).reference
        db.session.remove()
    return reference


def _order(page: str, references: list[str]) -> list[str]:
    return sorted(references, key=page.index)


def test_overdue_first_then_fewest_days_left_then_files_not_started(app, client, demo, files):
    waiting = _submitted(app, files, applicant="Amina Waiting")
    relaxed = _started(app, files, 2)
    soon = _started(app, files, 10)
    overdue = _started(app, files, 20)
    client.signin("clerk@demo.ma")
    page = client.get("/desk/permits").get_data(as_text=True)
    assert _order(page, [waiting, relaxed, soon, overdue]) == [overdue, soon, relaxed, waiting]
    # building_small: 15 calendar days
    assert "5 days overdue" in page and "Overdue" in page
    assert "5 days left" in page and "13 days left" in page
    assert "Not started" in page
    assert "Amina Waiting" in page and "Building permit (small project)" in page and "Under review" in page


def test_a_paused_file_says_so(app, client, demo, files):
    reference = _started(app, files, 3)
    with app.app_context():
        case = db.session.scalar(sa.select(services.PermitCase).where(services.PermitCase.reference == reference))
        services.request_documents(case, files.user("clerk@demo.ma"), [{"code": "site_plan", "reason": "Illisible"}])
        db.session.remove()
    client.signin("clerk@demo.ma")
    page = client.get("/desk/permits").get_data(as_text=True)
    assert "Paused" in page and "12 days left" in page


def test_filters_by_status_type_and_search(app, client, demo, files):
    small = _submitted(app, files, applicant="Youssef Berrada")
    repair = _submitted(app, files, type_code="repair", applicant="Salma Idrissi")
    started = _started(app, files, 1, applicant="Omar Chraibi")
    client.signin("clerk@demo.ma")

    page = client.get("/desk/permits?status=submitted").get_data(as_text=True)
    assert small in page and repair in page and started not in page

    with app.app_context():
        repair_type = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "repair"))
    page = client.get(f"/desk/permits?type={repair_type}").get_data(as_text=True)
    assert repair in page and small not in page and started not in page

    page = client.get("/desk/permits?q=salma").get_data(as_text=True)
    assert repair in page and small not in page
    page = client.get(f"/desk/permits?q={started[-4:]}").get_data(as_text=True)
    assert started in page and small not in page
    page = client.get(f"/desk/permits?q={small.lower()}").get_data(as_text=True)
    assert small in page and repair not in page

    page = client.get("/desk/permits?q=nobody-at-all").get_data(as_text=True)
    assert "No file matches these filters." in page


def test_live_search_answers_htmx_with_the_rows_only(app, client, demo, files):
    reference = _submitted(app, files)
    client.signin("clerk@demo.ma")
    response = client.get("/desk/permits?q=El+Amrani", headers={"HX-Request": "true", "HX-Target": "queue-rows"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and reference in body
    assert "<html" not in body and "<form" not in body and "<table" in body
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/desk/permits?q=El+Amrani").get_data(as_text=True)
    assert "<html" in full and 'hx-target="#queue-rows"' in full and 'method="get"' in full


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=99999999999999999999",
        "status=bogus",
        "status=draft",
        "type=abc",
        "type=999999",
        "q=%25%25_%5C",
        "page=2&status=issued&type=1&q=x",
    ],
)
def test_bad_query_values_never_fail(app, client, demo, files, query):
    _submitted(app, files)
    client.signin("clerk@demo.ma")
    assert client.get(f"/desk/permits?{query}").status_code == 200


def test_pages(app, client, demo, files, monkeypatch):
    from app.permits import services

    monkeypatch.setattr(services, "QUEUE_PER_PAGE", 2)
    references = [_submitted(app, files) for _ in range(3)]
    client.signin("clerk@demo.ma")
    first = client.get("/desk/permits?status=submitted").get_data(as_text=True)
    assert "Page 1 of 2" in first and "page=2" in first and "status=submitted" in first
    second = client.get("/desk/permits?status=submitted&page=2").get_data(as_text=True)
    shown = [r for r in references if r in first] + [r for r in references if r in second]
    assert sorted(shown) == sorted(references)
    assert "Previous page" in second


def test_other_communes_files_are_not_in_the_queue(app, make_client, demo, files):
    reference = _submitted(app, files)
    clerk2 = make_client()
    clerk2.signin("clerk2@demo.ma")
    page = clerk2.get("/desk/permits").get_data(as_text=True)
    assert reference not in page and "No file yet." in page


def test_a_reviewer_sees_only_complete_files_his_agency_reviews(app, client, demo, files):
    # reviewer@demo.ma sits for the urban agency: building permits need it, housing permits do not.
    waiting = _submitted(app, files)
    building = _started(app, files, 1)
    housing = _started(app, files, 1, type_code="housing")
    client.signin("reviewer@demo.ma")
    page = client.get("/desk/permits").get_data(as_text=True)
    assert building in page
    assert waiting not in page and housing not in page


def test_who_may_open_the_queue(client, demo):
    assert client.get("/desk/permits").headers["Location"].startswith("/signin")
    client.signin("citizen@demo.ma")
    assert client.get("/desk/permits").status_code == 403
    client.signout()
    for email in ("agent@demo.ma", "reviewer@demo.ma", "admin@demo.ma", "national@demo.ma"):
        client.signin(email)
        assert client.get("/desk/permits").status_code == 200, email
        client.signout()


def test_the_staff_home_links_to_the_queue(client, demo):
    client.signin("clerk@demo.ma")
    assert 'href="/desk/permits"' in client.get("/").get_data(as_text=True)
