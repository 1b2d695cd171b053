"""The timeline macro: every kind of entry as a sentence in the reader's language; internal
entries only for staff."""

from flask import render_template_string

from app.extensions import db
from app.inspections.workflow import Type
from app.permits import services
from app.permits.models import Verdict

TEMPLATE = (
    '{% from "tracking/_timeline.html" import timeline %}{{ timeline(case.events, case, show_internal=internal) }}'
)


def _render(app, files, case_id: int, internal: bool, language: str = "en") -> str:
    """Rendered in a request of its own: the page's language is chosen once per request."""
    with app.test_request_context("/", headers={"Accept-Language": language}):
        page = render_template_string(TEMPLATE, case=files.load(app, case_id), internal=internal)
        db.session.remove()
    return page


def _every_step(files):
    case = files.submitted()
    clerk, admin = files.user("clerk@demo.ma"), files.user("admin@demo.ma")
    services.mark_complete(case, clerk)
    services.request_documents(
        case, clerk, [{"code": "site_plan", "reason": "Blurred"}, {"code": "other", "reason": "Street photo"}], "Thanks"
    )
    services.add_document(case, "site_plan", files.upload("pdf", "new-plan.pdf"), case.applicant)
    services.provide_documents(case, case.applicant)
    services.mark_complete(case, clerk)
    agency = next(a for a in services.required_agencies(case) if a.kind.value == "urban_agency")
    services.record_opinion(case, agency, Verdict.FAVOURABLE_WITH_CONDITIONS, "Setback 3 m", clerk)
    services.request_site_visit(case, clerk, Type.SITE_VISIT, None, None, "Open the gate")
    services.record_site_visit(case, files.user("agent@demo.ma"), "As on the plans", [])
    services.add_note(case, clerk, "Neighbour complained", public=False)
    services.add_note(case, clerk, "All good so far", public=True)
    services.send_for_decision(case, clerk)
    services.approve(case, admin, "White walls", going_ahead="The technical service is closed in August")
    services.issue(case, admin)
    services.revoke(case, admin, "Built higher")
    return case


def test_every_step_reads_as_a_sentence(app, demo, files):
    with app.app_context():
        case = _every_step(files)
        case_id, number = case.id, case.permit_number
        db.session.remove()
    staff = _render(app, files, case_id, internal=True)
    public = _render(app, files, case_id, internal=False)
    for sentence in (
        "The application was sent. Its reference is",
        "The file was found complete. The legal clock started: the answer is due by",
        "Documents were requested.",
        "<strong>Site plan</strong> — Blurred",
        "<strong>Other document</strong> — Street photo",
        "A document was added: Site plan.",
        "The applicant added the requested documents.",
        "Opinion of <bdi>Agence urbaine de Tétouan</bdi>: Favourable with conditions (received on paper).",
        "Setback 3 m",
        "A site visit was requested.",
        "Open the gate",
        "The site visit took place.",
        "Message from the commune:",
        "All good so far",
        "The file was sent for decision.",
        "The application was approved.",
        "Conditions:",
        "White walls",
        "Decided without the opinion of <bdi>Service technique communal</bdi>.",
        "The technical service is closed in August",
        f"The permit was issued. Its number is <bdi>{number}</bdi>.",
        "The permit was revoked.",
        "Built higher",
    ):
        assert sentence in public, sentence
        assert sentence in staff, sentence
    assert "new-plan.pdf" in staff and "new-plan.pdf" not in public  # /track shows document kinds, not names
    assert "As on the plans" in staff and "As on the plans" not in public  # what the agent saw stays internal
    assert "Neighbour complained" in staff and "Internal note:" in staff and "The application was started." in staff
    assert (
        "Neighbour complained" not in public
        and "Internal" not in public
        and "The application was started." not in public
    )
    assert "Commune clerk" in public and "فاطمة الزهراء بناني" not in public
    assert "فاطمة الزهراء بناني" in staff


def test_refusal_and_withdrawal(app, demo, files):
    with app.app_context():
        refused = files.submitted()
        services.mark_complete(refused, files.user("admin@demo.ma"))
        files.give_opinions(refused)
        services.refuse(refused, files.user("admin@demo.ma"), ["Too high", "No parking"])
        withdrawn = files.submitted()
        services.withdraw(withdrawn, withdrawn.applicant)
        ids = refused.id, withdrawn.id
        db.session.remove()
    refused_page, withdrawn_page = (_render(app, files, case_id, False) for case_id in ids)
    assert "The application was refused, for these reasons:" in refused_page
    assert "<li>Too high</li>" in refused_page and "<li>No parking</li>" in refused_page
    assert "The applicant withdrew the application." in withdrawn_page


def test_checklist_labels_follow_the_readers_language(app, demo, files):
    with app.app_context():
        case = files.submitted()
        services.request_documents(case, files.user("clerk@demo.ma"), [{"code": "site_plan", "reason": "x"}])
        case_id = case.id
        db.session.remove()
    arabic, french = _render(app, files, case_id, False, "ar"), _render(app, files, case_id, False, "fr")
    assert "تصميم الموقع" in arabic and "Plan de situation" in french
