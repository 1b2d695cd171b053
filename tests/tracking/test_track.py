"""/track: status and public timeline for anyone holding the reference and tracking code."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.permits import services
from tests.languages import in_each_language, said, shown, speaks


def _tracked(app, files):
    """A file with public steps, a public message and an internal note; (reference, code)."""
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.mark_complete(case, clerk)
        services.request_documents(case, clerk, [{"code": "site_plan", "reason": "The plan is blurred"}])
        services.add_note(case, clerk, "Applicant seems in a hurry", public=False)
        services.add_note(case, clerk, "We wait for your new plan", public=True)
        pair = case.reference, case.tracking_code
        db.session.remove()
    return pair


def test_the_form_works_without_signing_in(client):
    page = client.get("/track")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="reference"' in text and 'name="code"' in text
    assert 'method="post"' in text and 'name="csrf_token"' in text
    assert page.headers["X-Robots-Tag"] == "noindex"


def test_the_right_pair_shows_status_deadline_and_the_public_timeline_only(app, client, demo, files):
    reference, code = _tracked(app, files)
    response = client.post("/track", {"reference": f" {reference.lower()} ", "code": code.lower()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert reference in page and "Building permit (small project)" in page and "Documents requested" in page
    assert "Answer due by" in page and "The clock is paused until the requested documents are added." in page
    assert "The application was sent." in page and "The file was found complete." in page
    assert "The plan is blurred" in page and "We wait for your new plan" in page
    assert "Applicant seems in a hurry" not in page and "Internal note" not in page
    assert "The application was started." not in page  # an internal entry
    assert "Commune clerk" in page and "فاطمة الزهراء بناني" not in page  # a role, not the clerk's name
    assert "Mohamed El Amrani" not in page and "AB123456" not in page


def test_a_wrong_pair_gets_one_message_that_does_not_say_which_half_was_wrong(app, client, demo, files):
    reference, code = _tracked(app, files)
    wrong_code = client.post("/track", {"reference": reference, "code": "ZZZZZZZZ"}).get_data(as_text=True)
    wrong_reference = client.post("/track", {"reference": "P-2020-999999", "code": code})
    message = "No file matches this reference and tracking code. Check both on the receipt and try again."
    assert wrong_reference.status_code == 200
    assert message in wrong_code and message in wrong_reference.get_data(as_text=True)
    assert "<title>Error:" in wrong_code and 'value="ZZZZZZZZ"' in wrong_code
    assert "The plan is blurred" not in wrong_code


def test_empty_answers_are_told_at_each_field(client):
    page = client.post("/track", {"reference": "", "code": ""}).get_data(as_text=True)
    assert "Enter the file's reference." in page and "Enter the tracking code." in page


def test_staff_of_another_commune_see_the_same_public_page(app, client, demo, files):
    reference, code = _tracked(app, files)
    client.signin("clerk2@demo.ma")
    page = client.post("/track", {"reference": reference, "code": code}).get_data(as_text=True)
    assert "We wait for your new plan" in page and "Applicant seems in a hurry" not in page


def test_guessing_is_rate_limited(app, client, demo):
    statuses = [
        client.post("/track", {"reference": "P-2026-000001", "code": f"AAAA{n:04d}"}).status_code for n in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    # Only what is sent is limited: each send fetched the form first, and it still opens.
    assert client.get("/track").status_code == 200


def test_the_desk_shows_the_internal_note_the_public_page_hides(app, client, demo, files):
    reference, _ = _tracked(app, files)
    client.signin("clerk@demo.ma")
    with app.app_context():
        case_id = db.session.scalar(sa.select(services.PermitCase.id).where(services.PermitCase.reference == reference))
    page = client.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "Applicant seems in a hurry" in page and "Internal: the applicant does not see this" in page


@in_each_language
def test_track_names_the_kind_of_document_added_never_the_file_name(app, client, demo, files, language):
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.request_documents(case, clerk, [{"code": "site_plan", "reason": "Illisible"}])
        name = "CIN-Mohamed-El-Amrani-recto.pdf"
        services.add_document(case, "site_plan", files.upload("pdf", name), case.applicant)
        reference, code = case.reference, case.tracking_code
        db.session.remove()
    page = shown(client.post("/track", {"reference": reference, "code": code}, **speaks(language)))
    kind = {"fr": "Plan de situation", "ar": "تصميم الموقع"}[language]
    assert said(app, language, "A document was added: %(document)s.", document=kind) in page
    assert name not in page


def test_the_blank_tracking_form_is_each_visitors_own(make_client, demo):
    """Rendered once per language (app/core/blank_forms.py): the token is still each visit's, and
    a reference given in the address is still filled in."""
    first, second = make_client(), make_client()
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    one = token.search(first.get("/track").get_data(as_text=True)).group(1)
    page = second.get("/track").get_data(as_text=True)
    assert token.search(page).group(1) != one and not re.search(r"hole[0-9a-f]{16}", page)
    sent = second.raw.post(
        "/track",
        data={"csrf_token": token.search(page).group(1), "reference": "P-2026-000001", "code": "WRONG1"},
        headers={"Accept-Language": "en"},
    )
    assert "No file matches this reference and tracking code" in sent.get_data(as_text=True)
    assert 'value="P-2026-000777"' in second.get("/track?reference=P-2026-000777").get_data(as_text=True)
