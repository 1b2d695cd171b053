"""Rules that only show at the edges: two clerks at once, deadlines over a weekend, the
completeness check after new documents, deleted documents, odd numbers."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.core import storage
from app.extensions import db
from app.permits import services
from app.permits.clock import Clock
from app.permits.models import PermitCase
from tests.languages import in_each_language, said, shown, speaks, written


def test_a_step_taken_twice_at_once_lands_once(app, demo, files):
    """Two tabs (or two clerks) issue the same permit: the second one is refused."""
    with app.app_context():
        case = files.submitted()
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, None)
        # Meanwhile another tab issued it: the row changed under our feet.
        db.session.execute(sa.text("UPDATE permit_cases SET version = version + 1 WHERE id = :id"), {"id": case.id})
        with pytest.raises(StaleDataError):
            services.issue(case, admin)
        db.session.rollback()
        assert db.session.get(PermitCase, case.id).verify_code is None


def test_the_desk_answers_a_concurrent_change_with_a_clear_page(app, demo, files, client, monkeypatch):
    with app.app_context():
        case_id = files.submitted().id
    client.signin("clerk@demo.ma")

    def changed_meanwhile(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'permit_cases' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(services, "mark_complete", changed_meanwhile)
    response = client.post(f"/desk/permits/{case_id}/complete", {}, form_url=f"/desk/permits/{case_id}")
    assert response.status_code == 409
    assert "Someone acted on this file at the same moment." in response.get_data(as_text=True)


def test_a_working_day_deadline_on_friday_is_late_on_saturday():
    monday = date(2026, 11, 30)
    clock = Clock(monday, legal_days=4, working_days=True)  # due Friday 4 December
    assert clock.deadline(monday, set()) == date(2026, 12, 4)
    assert clock.left(date(2026, 12, 4), set()) == 0
    assert clock.left(date(2026, 12, 5), set()) == -1  # Saturday: late, not "0 days left"
    assert clock.left(date(2026, 12, 7), set()) == -1


def test_silence_counts_after_new_documents_too(app, demo, files, monkeypatch):
    """Sent back to the completeness check after new documents, the clock still runs."""
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        monkeypatch.setattr(services, "today", lambda: date(2026, 11, 2))
        services.mark_complete(case, clerk)
        services.request_documents(case, clerk, [{"code": "site_plan", "reason": "Blurred"}])
        services.add_document(case, "site_plan", files.upload("pdf"), case.applicant)
        monkeypatch.setattr(services, "today", lambda: date(2026, 11, 3))
        services.provide_documents(case, case.applicant)
        assert case.status.value == "submitted"
        monkeypatch.setattr(services, "today", lambda: date(2026, 11, 3) + timedelta(days=40))
        assert services.silence_means_approval(case)
        assert services.clock_summary(case)["days_left"] < 0


def test_the_rule_in_force_when_the_clock_starts_stays_the_files(app, demo, files):
    with app.app_context():
        case = files.submitted()
        services.mark_complete(case, files.user("clerk@demo.ma"))
        case.type.deadline_days, case.type.silence_is_approval = 90, False
        db.session.commit()
        assert case.clock.legal_days == 15 and case.silence_counts
        case.type.deadline_days, case.type.silence_is_approval = 15, True
        db.session.commit()


def test_the_reference_year_is_moroccos(app, demo, files, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2027, 1, 1))
    with app.app_context():
        assert files.submitted().reference.startswith("P-2027-")


def test_a_removed_document_leaves_nothing_on_disk(app, demo, files):
    with app.app_context():
        case = files.draft()
        document = case.documents[0]
        assert storage.store().exists(document.storage_name)
        services.remove_document(case, document, case.applicant)
        assert not storage.store().exists(document.storage_name)


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-inf", "1e999999999"])
def test_odd_numbers_are_refused_with_a_message(app, demo, client, value):
    from app.permits.models import PermitType

    client.signin("citizen@demo.ma")
    with app.app_context():
        type_id = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_small"))
        commune_id = db.session.scalar(sa.text("SELECT commune_id FROM users WHERE email = 'citizen@demo.ma'"))
    start = client.post("/permits/new", {"permit_type": type_id, "commune": commune_id})
    url = start.headers["Location"]
    response = client.post(f"{url}/details", {"use": "housing", "floor_area": value, "levels": "2"})
    assert response.status_code == 422 and 'href="#floor_area"' in response.get_data(as_text=True)


@in_each_language
def test_the_applicant_removes_a_wrong_upload_before_sending(app, demo, files, client, language):
    with app.app_context():
        case = files.draft()
        case_id, document = case.id, case.documents[0]
        document_id, kept = document.id, len(case.documents) - 1
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}/documents", **speaks(language)).get_data(as_text=True)
    action = f"/permits/{case_id}/documents/{document_id}/remove"
    control = page.split(f'action="{action}"', 1)  # a control next to the file, not only a route
    assert len(control) == 2 and f'>{said(app, language, "Remove")}<span class="visually-hidden">' in control[1]
    answer = client.post(action, form_url=f"/permits/{case_id}/documents", follow_redirects=True, **speaks(language))
    assert said(app, language, "The file is removed.") in shown(answer)
    with app.app_context():
        assert len(db.session.get(PermitCase, case_id).documents) == kept


def test_a_file_the_commune_already_has_offers_no_remove_control(app, demo, files, client):
    with app.app_context():
        case = files.submitted()
        case_id, document_id = case.id, case.documents[0].id
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}/documents").get_data(as_text=True)
    assert f"/documents/{document_id}/remove" not in page


@in_each_language
def test_after_the_decision_the_clock_box_says_when_it_came(app, demo, files, client, language):
    with app.app_context():
        case = files.approved(files.submitted())
        case_id, decided_at, due_on = case.id, case.decided_at, case.due_on
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    box = page.split('<div class="clock', 1)[1].split("</div>", 1)[0]
    decided = said(app, language, "Decided on %(date)s.", date=written(app, language, decided_at))
    deadline = said(app, language, "The legal deadline was %(date)s.", date=written(app, language, due_on))
    assert f"{decided} {deadline}" in box  # not an empty box


@in_each_language
def test_documents_provided_say_the_clock_runs_and_the_clerk_checks_them_again(
    app, demo, files, client, make_client, language
):
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.mark_complete(case, clerk)
        code = case.type.documents[0]["code"]
        services.request_documents(case, clerk, [{"code": code, "reason": "Pas lisible."}])
        services.add_document(case, code, files.upload("pdf", "plan.pdf"), case.applicant)
        case_id = case.id
    client.signin("citizen@demo.ma")
    told = client.post(
        f"/permits/{case_id}/provide", form_url=f"/permits/{case_id}", follow_redirects=True, **speaks(language)
    )
    applicant_told = (
        "Thank you. The commune has been told that the documents are in. The legal clock runs again; "
        "the commune checks them and tells you if the file is complete."
    )
    assert said(app, language, applicant_told) in shown(told)
    desk = make_client()
    desk.signin("clerk@demo.ma")
    page = shown(desk.get(f"/desk/permits/{case_id}", **speaks(language)))
    clerk_told = (
        "The applicant sent the requested documents and the legal clock runs again: "
        "check them, then mark the file complete to go on."
    )
    assert said(app, language, clerk_told) in page
