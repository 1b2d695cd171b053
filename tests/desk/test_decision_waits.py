"""A decision waits for every required agency's opinion, or the clerk says why it cannot wait:
the desk says which opinions are awaited, and the timeline keeps the reason."""

import pytest
import sqlalchemy as sa
from markupsafe import Markup

from app.extensions import db
from app.models import Agency, AgencyKind
from app.permits import services
from app.permits.workflow import Status, StillWaiting
from tests.desk.test_file import act, advance, status
from tests.languages import in_each_language, opening, said, shown, speaks


@pytest.fixture
def case_id(app, demo, files):
    case_id = files.make(app)
    advance(app, files, case_id, "mark_complete")
    return case_id


def _agency(app, kind: AgencyKind) -> tuple[int, dict[str, str]]:
    with app.app_context():
        agency = db.session.scalar(sa.select(Agency).where(Agency.kind == kind))
        return agency.id, {"ar": agency.name_ar, "fr": agency.name_fr, "en": agency.name_fr}


def _give_opinion(client, case_id, agency_id):
    response = act(client, case_id, f"opinions/{agency_id}", {f"opinion-{agency_id}-verdict": "favourable"})
    assert response.status_code == 303


@in_each_language
@pytest.mark.parametrize(
    ("action", "data"), [("approve", {"conditions": "Façade blanche"}), ("refuse", {"reasons": "Hauteur dépassée"})]
)
def test_a_decision_while_an_opinion_is_awaited_is_refused_until_the_clerk_says_why(
    app, client, make_client, files, case_id, action, data, language
):
    urban_id, urban = _agency(app, AgencyKind.URBAN_AGENCY)
    technical_id, _ = _agency(app, AgencyKind.COMMUNE_TECHNICAL)
    name = urban[language]  # each page reads the agency's name in its own language
    client.signin("admin@demo.ma")
    _give_opinion(client, case_id, technical_id)
    page = client.get(f"/desk/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    assert said(app, language, "Still awaited: %(waiting)s.", waiting=Markup(f"<bdi>{name}</bdi>")) in page
    response = client.post(
        f"/desk/permits/{case_id}/{action}", data, form_url=f"/desk/permits/{case_id}", **speaks(language)
    )
    refused = said(
        app,
        language,
        "Still awaited: %(waiting)s. Wait for it, or say below why the decision cannot wait.",
        waiting=name,
    )
    assert response.status_code == 200 and refused in shown(response)
    assert next(iter(data.values())) in shown(response)  # what was typed stays
    assert status(app, files, case_id) is Status.UNDER_REVIEW
    reason = "Aucune réponse de l’agence urbaine depuis 20 jours"
    assert act(client, case_id, action, data | {f"{action}_going_ahead": reason}).status_code == 303
    assert status(app, files, case_id) is (Status.APPROVED if action == "approve" else Status.REFUSED)
    for reader in ("admin@demo.ma", "citizen@demo.ma"):  # the desk's timeline and the applicant's
        timeline = _timeline_of(make_client, reader, case_id, language)
        without = said(
            app, language, "Decided without the opinion of %(agencies)s.", agencies=Markup(f"<bdi>{name}</bdi>")
        )
        assert without in timeline and reason in timeline


def _timeline_of(make_client, email: str, case_id: int, language: str) -> str:
    reader = make_client()
    reader.signin(email)
    url = f"/desk/permits/{case_id}" if email != "citizen@demo.ma" else f"/permits/{case_id}"
    return reader.get(url, **speaks(language)).get_data(as_text=True)


@in_each_language
def test_once_every_opinion_is_in_the_decision_needs_no_reason(app, client, files, case_id, language):
    client.signin("admin@demo.ma")
    for kind in (AgencyKind.URBAN_AGENCY, AgencyKind.COMMUNE_TECHNICAL):
        _give_opinion(client, case_id, _agency(app, kind)[0])
    page = shown(client.get(f"/desk/permits/{case_id}", **speaks(language)))
    assert said(app, language, "Approve") in page  # the decision is offered
    assert opening(app, language, "Still awaited: %(waiting)s.", "waiting") not in page
    assert said(app, language, "Why decide without the awaited opinions?") not in page
    assert act(client, case_id, "approve", {"conditions": ""}).status_code == 303
    timeline = client.get(f"/desk/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    assert opening(app, language, "Decided without the opinion of %(agencies)s.", "agencies") not in timeline


def test_the_engine_itself_refuses_a_decision_that_does_not_wait(app, files, case_id):
    with app.app_context():
        case = files.load(app, case_id)
        with pytest.raises(StillWaiting) as raised:
            services.approve(case, files.user("admin@demo.ma"), None)
        assert len(raised.value.waiting) == 2 and case.status is Status.UNDER_REVIEW
        db.session.rollback()


@in_each_language
def test_a_decision_recorded_when_only_the_french_name_was_kept_still_reads(app, client, files, case_id, language):
    with app.app_context():
        case = files.load(app, case_id)
        case.record("approve", files.user("admin@demo.ma"), waited_for=["Agence urbaine"], going_ahead="Urgence")
        db.session.commit()
    client.signin("admin@demo.ma")
    page = client.get(f"/desk/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    agencies = Markup("<bdi>Agence urbaine</bdi>")
    assert said(app, language, "Decided without the opinion of %(agencies)s.", agencies=agencies) in page
