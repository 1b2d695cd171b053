"""What the server does for a phone replaying its outbox: the same key is the same record, a
refusal is a 422, and a form written days ago can still be sent from a fresh session."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from app.complaints.models import Complaint
from app.core.replay import owner_key
from app.extensions import db
from app.permits.models import PermitCase, PermitType
from app.web import BROWSER_COOKIE
from tests.complaints.helpers import CHEFCHAOUEN_CODE, filing_form

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(model).execution_options(skip_commune_scope=True)
        )


def fresh_token(client) -> str:
    response = client.raw.get("/csrf-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_a_complaint_replayed_from_a_fresh_session_is_filed_once_in_its_commune(make_client, app, demo):
    # Days later: the session is gone and no commune is chosen; the phone's browser is the same
    # (its long-lived browser cookie stays). The form's address names the commune.
    form = filing_form(app, idempotency_key="written-offline-on-monday-0001")
    phone, answers = make_client(), []
    for _ in range(2):  # the first answer was lost on the way: the phone sends it again
        phone.raw.delete_cookie("session")
        answers.append(
            phone.raw.post(
                f"/complaints/new?commune={CHEFCHAOUEN_CODE}", data={**form, "csrf_token": fresh_token(phone)}
            )
        )
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(app, Complaint) == 1
    browser = phone.raw.get_cookie(BROWSER_COOKIE).value
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).execution_options(skip_commune_scope=True))
        assert complaint.commune.code == CHEFCHAOUEN_CODE
        assert complaint.idempotency_key == owner_key(f"browser:{browser}", form["idempotency_key"])
    # The phone that replayed it may read its confirmation with the reference.
    assert complaint.reference in phone.get(answers[1].headers["Location"]).get_data(as_text=True)


def test_the_same_key_from_another_browser_is_another_complaint(make_client, app, demo):
    """A key answers only to the browser that made it: another one sending it files its own."""
    form = filing_form(app, idempotency_key="written-offline-on-monday-0002")
    locations = []
    for _ in range(2):
        phone = make_client()
        answer = phone.raw.post(
            f"/complaints/new?commune={CHEFCHAOUEN_CODE}",
            data={**form, "csrf_token": fresh_token(phone), "seen_duplicates": "1"},
        )
        assert answer.status_code == 303
        locations.append(answer.headers["Location"])
    assert locations[0] != locations[1] and count(app, Complaint) == 2


def test_a_replay_without_a_valid_token_is_refused_and_says_so(make_client, app, demo):
    phone = make_client()
    response = phone.raw.post(
        f"/complaints/new?commune={CHEFCHAOUEN_CODE}", data={**filing_form(app), "csrf_token": "from-an-old-session"}
    )
    assert response.status_code == 400 and "<h1>" in response.get_data(as_text=True)
    assert count(app, Complaint) == 0


def test_a_refused_complaint_answers_422_with_the_form_and_what_to_fix(make_client, app, demo):
    phone = make_client()
    form = filing_form(app, contact_phone="12")
    response = phone.post(
        f"/complaints/new?commune={CHEFCHAOUEN_CODE}", form, form_url=f"/complaints/new?commune={CHEFCHAOUEN_CODE}"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and "Enter a Moroccan mobile number" in page and "data-offline" in page
    assert count(app, Complaint) == 0


def test_the_complaint_form_names_its_commune_and_carries_a_key(make_client, demo):
    phone = make_client()
    phone.raw.post("/communes/choose", data={"code": CHEFCHAOUEN_CODE, "csrf_token": phone.token()})
    page = phone.get("/complaints/new").get_data(as_text=True)
    assert f'action="/complaints/new?commune={CHEFCHAOUEN_CODE}"' in page
    assert re.search(r'name="idempotency_key" type="hidden" value="[\w-]{32}"', page)
    assert "data-compress" in page and 'accept="image/*"' in page


def _permit_form(app) -> dict:
    with app.app_context():
        type_id = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_small"))
        commune_id = db.session.scalar(sa.text("SELECT commune_id FROM users WHERE email = 'citizen@demo.ma'"))
    return {"permit_type": type_id, "commune": commune_id, "idempotency_key": "permit-written-offline-0001"}


def test_a_permit_application_replayed_is_the_same_application(client, app, demo):
    client.signin("citizen@demo.ma")
    page = client.get("/permits/new").get_data(as_text=True)
    assert "data-offline" in page and 'name="idempotency_key"' in page
    first = client.post("/permits/new", _permit_form(app))
    second = client.post("/permits/new", _permit_form(app))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(app, PermitCase) == 1


def test_the_same_key_from_another_account_never_opens_someone_elses_application(make_client, app, demo):
    owner, other = make_client(), make_client()
    owner.signin("citizen@demo.ma")
    location = owner.post("/permits/new", _permit_form(app)).headers["Location"]
    with app.app_context():
        from app.auth.services import register_citizen

        register_citizen(
            login="0699887766",
            password="another long secret 42",
            full_name="Other Person",
            cin=None,
            commune=None,
            locale="en",
        )
        db.session.commit()
    other.signin("0699887766", "another long secret 42")
    answer = other.post("/permits/new", _permit_form(app))
    assert answer.status_code == 303 and answer.headers["Location"] != location
    assert count(app, PermitCase) == 2


def test_a_refused_permit_application_answers_422(client, app, demo):
    client.signin("citizen@demo.ma")
    response = client.post("/permits/new", {**_permit_form(app), "permit_type": ""})
    assert response.status_code == 422 and "Choose the permit you need." in response.get_data(as_text=True)
    assert count(app, PermitCase) == 0


def test_a_permit_replay_after_the_session_ended_goes_to_sign_in_and_creates_nothing(make_client, app, demo):
    phone = make_client()
    response = phone.raw.post("/permits/new", data={**_permit_form(app), "csrf_token": fresh_token(phone)})
    assert response.status_code in (302, 303) and "/signin" in response.headers["Location"]
    assert count(app, PermitCase) == 0


def test_my_drafts_is_the_same_shell_for_everyone_and_explains_it_needs_javascript(client, demo):
    guest_page = client.get("/drafts").get_data(as_text=True)
    assert (
        "need JavaScript" in guest_page and "data-drafts" in guest_page and "<template data-draft-item>" in guest_page
    )
    client.signin("agent@demo.ma")
    assert 'href="/drafts"' in client.get("/").get_data(as_text=True)


def test_every_offline_form_follows_the_contract():
    """A form marked data-offline has a title for "My drafts" and carries its idempotency key."""
    forms = []
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b[^>]*\bdata-offline\b.*?</form>", template.read_text(), re.S):
            forms.append(form)
            assert "data-offline-title=" in form, template
            assert "idempotency_key" in form, template
    assert len(forms) >= 2


def test_another_application_in_a_kept_copy_of_the_form_is_not_taken_for_the_first(client, app, demo):
    """The page opened offline from the phone's copy carries the key it was served with."""
    client.signin("citizen@demo.ma")
    first = client.post("/permits/new", _permit_form(app), form_url="/permits/new")
    with app.app_context():
        other_type = db.session.scalar(
            sa.select(PermitType.id).where(PermitType.code != "building_small", PermitType.active.is_(True))
        )
    second = client.post("/permits/new", {**_permit_form(app), "permit_type": other_type}, form_url="/permits/new")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] != second.headers["Location"]
    assert count(app, PermitCase) == 2
