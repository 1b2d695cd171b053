"""Who may open a permit file, on every route that names one: its applicant; staff of its
commune; reviewers only once it is sent to their kind of agency. Everyone else gets a 404 (or
403 for a page their role never uses), never the file."""

import re
from datetime import date

import pytest
from markupsafe import Markup

from app.extensions import db
from app.inspections.workflow import Type
from app.models import Agency, AgencyKind, Role
from app.permits import services
from tests.languages import in_each_language, said, shown, speaks, written


@pytest.fixture
def case(app, demo, files):
    """A submitted building permit of Chefchaouen with a public document and an internal photo."""
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.mark_complete(case, clerk)
        services.request_site_visit(case, clerk, Type.SITE_VISIT, None, None)
        services.record_site_visit(case, files.user("agent@demo.ma"), "Seen", [files.upload("image", "site.png")])
        public_doc = next(d.id for d in case.documents if not d.internal)
        internal_doc = next(d.id for d in case.documents if d.internal)
        return {"case": case.id, "public_doc": public_doc, "internal_doc": internal_doc}


@pytest.fixture
def outsiders(app, demo, make_client):
    """A citizen who is not the applicant, a clerk of Tiznit, a reviewer of an agency the file does not need."""
    from app.auth.services import create_staff, register_citizen
    from app.communes.services import get_by_code

    with app.app_context():
        chefchaouen = get_by_code("01.151.01.01")
        register_citizen(
            login="0677777777", password="zitoun-2026-x", full_name="Voisin", cin=None, commune=chefchaouen, locale="en"
        )
        culture = Agency(commune=chefchaouen, kind=AgencyKind.CULTURE, name_fr="Culture", name_ar="الثقافة")
        db.session.add(culture)
        db.session.commit()
        create_staff(
            login="culture@demo.ma",
            password="x-password-2",
            full_name="Reviewer Culture",
            role=Role.REVIEWER,
            commune=chefchaouen,
            agency=culture,
        )
    clients = {}
    for who, login, password in (
        ("other citizen", "0677777777", "zitoun-2026-x"),
        ("clerk of Tiznit", "clerk2@demo.ma", "jamaati-demo"),
        ("reviewer of another agency", "culture@demo.ma", "x-password-2"),
    ):
        client = make_client()
        assert client.signin(login, password).status_code == 303
        clients[who] = client
    return clients


def _routes(app, ids):
    for rule in app.url_map.iter_rules():
        names = set(rule.arguments)
        if not names & {"case_id", "document_id"} or not names <= {"case_id", "document_id", "agency_id", "action"}:
            continue
        values = {"case_id": ids["case"], "document_id": ids["public_doc"], "agency_id": 1, "action": "approve"}
        url = rule.build({k: v for k, v in values.items() if k in names}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def test_nobody_outside_reaches_a_file_on_any_route(app, case, outsiders):
    routes = list(_routes(app, case))
    assert len(routes) > 25  # the applicant's pages, the desk, files, certificate
    for who, client in outsiders.items():
        token = client.token("/")
        for method, url in routes:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.raw.post(url, data={"csrf_token": token}, headers={"Accept-Language": "en"})
            assert response.status_code in (403, 404), f"{who}: {method} {url} → {response.status_code}"


def test_the_applicant_sees_the_file_and_its_documents_but_not_internal_photos(app, case, client):
    client.signin("citizen@demo.ma")
    assert client.get(f"/permits/{case['case']}").status_code == 200
    document = client.get(f"/permits/files/{case['public_doc']}")
    assert document.status_code == 200
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" in document.headers and document.headers["Cache-Control"] == "private, no-store"
    document.close()
    assert client.get(f"/permits/files/{case['internal_doc']}").status_code == 404
    page = client.get(f"/permits/{case['case']}").get_data(as_text=True)
    assert "Seen" not in page  # the agent's internal note


def test_staff_of_the_commune_see_the_file_and_the_site_photos(app, case, client):
    client.signin("agent@demo.ma")
    assert client.get(f"/desk/permits/{case['case']}").status_code == 200
    photo = client.get(f"/permits/files/{case['internal_doc']}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    photo.close()


def test_a_reviewer_sees_a_file_only_once_it_is_sent_to_the_commission(app, demo, files, client):
    with app.app_context():
        waiting = files.submitted()
        complete = files.submitted()
        services.mark_complete(complete, files.user("clerk@demo.ma"))
        waiting_id, complete_id = waiting.id, complete.id
    client.signin("reviewer@demo.ma")
    assert client.get(f"/desk/permits/{waiting_id}").status_code == 404
    assert client.get(f"/desk/permits/{complete_id}").status_code == 200
    queue = client.get("/desk/permits").get_data(as_text=True)
    assert re.search(rf'/desk/permits/{complete_id}"', queue) and not re.search(rf'/desk/permits/{waiting_id}"', queue)


@pytest.mark.parametrize("email", ["citizen@demo.ma", "clerk@demo.ma", "agent@demo.ma", "admin@demo.ma"])
def test_the_certificate_opens_for_the_applicant_and_the_communes_staff(app, demo, files, client, email):
    with app.app_context():
        case = files.submitted()
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, "White walls")
        services.issue(case, admin)
        case_id = case.id
    client.signin(email)
    page = client.get(f"/permits/{case_id}/certificate")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)


@in_each_language
def test_the_certificate_names_the_province_as_a_province(app, demo, files, client, language):
    """The certificate is written in both official languages whatever the page's: each line in its own."""
    with app.app_context():
        case = files.approved(files.submitted())
        services.issue(case, files.user("admin@demo.ma"))
        case_id = case.id
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}/certificate", **speaks(language)).get_data(as_text=True)
    assert '<div lang="ar" dir="rtl">المملكة المغربية<br>عمالة أو إقليم شفشاون<br>' in page
    assert '<div lang="fr" dir="ltr">Royaume du Maroc<br>Préfecture ou province : Chefchaouen<br>' in page


@in_each_language
def test_the_applicant_is_told_when_the_site_visit_comes(app, demo, files, client, language):
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.mark_complete(case, clerk)
        services.request_site_visit(case, clerk, Type.SITE_VISIT, None, date(2031, 3, 14))
        case_id = case.id
    client.signin("citizen@demo.ma")
    page = shown(client.get(f"/permits/{case_id}", **speaks(language)))
    come = "An agent of the commune will come to the site by %(date)s. Be there, or make sure the agent can get in."
    assert said(app, language, "A site visit is planned") in page
    assert said(app, language, come, date=written(app, language, date(2031, 3, 14))) in page


@in_each_language
def test_an_agencys_name_reads_in_the_pages_language_on_the_timeline(app, demo, files, client, language):
    with app.app_context():
        case = files.submitted()
        clerk = files.user("clerk@demo.ma")
        services.mark_complete(case, clerk)
        files.give_opinions(case)
        case_id = case.id
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    name = {"ar": "الوكالة الحضرية لتطوان", "fr": "Agence urbaine de Tétouan"}[language]
    opinion = said(
        app,
        language,
        "Opinion of %(agency)s: %(verdict)s (received on paper).",
        agency=Markup(f"<bdi>{name}</bdi>"),
        verdict=said(app, language, "Favourable"),
    )
    assert opinion in page
    assert "Agence urbaine de Tétouan" not in page or language == "fr"


@in_each_language
def test_an_agency_is_added_with_its_arabic_and_french_names(app, demo, client, language):
    client.signin("admin@demo.ma")
    refused = client.post(
        "/admin/agencies", {"kind": "culture", "name": "Délégation de la culture"}, **speaks(language)
    )
    assert said(app, language, "Enter the agency's name in Arabic.") in shown(refused)
    client.post(
        "/admin/agencies", {"kind": "culture", "name": "Délégation de la culture", "name_ar": "مندوبية الثقافة"}
    )
    listed = client.get("/admin/agencies", **speaks(language)).get_data(as_text=True)
    name = {"ar": "مندوبية الثقافة", "fr": "Délégation de la culture"}[language]
    assert f"<strong>{name}</strong>" in listed  # each page lists its own name
