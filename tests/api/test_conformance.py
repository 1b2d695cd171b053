"""Open311 GeoReport v2 answers in JSON (validated against the community's JSON Schemas) and
in XML (parsed, same fields), UTF-8, datetimes with a timezone."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.complaints import services
from app.complaints.models import Complaint
from app.complaints.workflow import Outcome, Status
from app.extensions import db
from app.models import User
from tests.api.helpers import BASE, CHEFCHAOUEN, TIZNIT, json_of, report, validate, xml_items

J = f"jurisdiction_id={CHEFCHAOUEN}"


def post(api, key, fmt="json", **overrides):
    response = api.post(f"{BASE}/requests.{fmt}", data=report(key, **overrides))
    assert response.status_code == 201, response.data
    return response


def answer(app, reference, status=Status.ANSWERED, text="Le trou a été rebouché le 2 décembre."):
    """The clerk acknowledges and answers it (and closes it, for Status.CLOSED), as on the desk."""
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        clerk = db.session.scalar(sa.select(User).where(User.email == "clerk@demo.ma"))
        services.acknowledge(complaint, clerk, complaint.category.department)
        services.answer(complaint, clerk, Outcome.RESOLVED, text)
        if status == Status.CLOSED:
            services.close(complaint, clerk)
        db.session.remove()


def test_discovery_in_both_formats(api, demo):
    data = json_of(api.get(f"{BASE}/discovery.json"))
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert datetime.fromisoformat(data["changeset"]).tzinfo is not None
    assert {j["jurisdiction_id"] for j in data["jurisdictions"]} == {CHEFCHAOUEN, TIZNIT}

    response = api.get(f"{BASE}/discovery.xml")
    assert response.content_type == "text/xml; charset=utf-8"
    import xml.etree.ElementTree as ET

    root = ET.fromstring(response.data)
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert {f.text for f in root.findall("endpoints/endpoint/formats/format")} == {"text/xml", "application/json"}
    assert {j.findtext("jurisdiction_id") for j in root.findall("jurisdictions/jurisdiction")} == {CHEFCHAOUEN, TIZNIT}


def test_discovery_lists_only_open_communes(api, app):
    assert json_of(api.get(f"{BASE}/discovery.json"))["jurisdictions"] == []


def test_services_one_per_active_category_in_both_formats(api, demo):
    services = json_of(api.get(f"{BASE}/services.json?{J}", headers={"Accept-Language": "en"}))
    validate("services.json", services)
    assert len(services) == 11
    roads = services[0]
    assert roads == {
        "service_code": "roads",
        "service_name": "Roads and potholes",
        "description": "Roads and potholes — Service de la voirie",
        "metadata": False,
        "type": "realtime",
        "keywords": "roads, الطرق والحفر, Voirie et nids-de-poule, Roads and potholes",
        "group": "Service de la voirie",
    }
    items = xml_items(api.get(f"{BASE}/services.xml?{J}", headers={"Accept-Language": "en"}), "services", "service")
    assert len(items) == 11
    assert items[0] == {**roads, "metadata": "false"}


@pytest.mark.parametrize(
    ("query", "headers", "name"),
    [
        ("&locale=fr", {}, "Voirie et nids-de-poule"),
        ("&locale=fr_MA", {"Accept-Language": "en"}, "Voirie et nids-de-poule"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "Roads and potholes"),
        ("", {}, "الطرق والحفر"),
    ],
)
def test_service_names_in_the_asked_language(api, demo, query, headers, name):
    services = json_of(api.get(f"{BASE}/services.json?{J}{query}", headers=headers))
    assert services[0]["service_name"] == name


def test_inactive_categories_are_not_services(api, app, demo):
    from app.complaints.models import ComplaintCategory

    with app.app_context():
        db.session.execute(sa.update(ComplaintCategory).where(ComplaintCategory.code == "noise").values(active=False))
        db.session.commit()
    codes = [s["service_code"] for s in json_of(api.get(f"{BASE}/services.json?{J}"))]
    assert "noise" not in codes and len(codes) == 10
    assert api.get(f"{BASE}/services/noise.json?{J}").status_code == 404


def test_service_definition_in_both_formats(api, demo):
    definition = json_of(api.get(f"{BASE}/services/roads.json?{J}"))
    validate("service-definition.json", definition)
    assert definition == {"service_code": "roads", "attributes": []}
    import xml.etree.ElementTree as ET

    root = ET.fromstring(api.get(f"{BASE}/services/roads.xml?{J}").data)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "roads"
    assert list(root.find("attributes")) == []


def test_post_answers_with_the_reference_in_both_formats(api, api_key):
    created = json_of(post(api, api_key))
    assert len(created) == 1
    assert created[0]["service_request_id"].startswith("C-")
    assert created[0]["service_notice"]
    items = xml_items(post(api, api_key, "xml"), "service_requests", "request")
    assert items[0]["service_request_id"].startswith("C-")
    assert items[0]["service_request_id"] != created[0]["service_request_id"]


def test_requests_in_both_formats(api, app, api_key):
    open_ref = json_of(post(api, api_key))[0]["service_request_id"]
    closed_ref = json_of(post(api, api_key, service_code="lighting", lat=None, long=None))[0]["service_request_id"]
    answer(app, closed_ref)

    requests = json_of(api.get(f"{BASE}/requests.json?{J}", headers={"Accept-Language": "fr"}))
    validate("requests.json", requests)
    by_id = {r["service_request_id"]: r for r in requests}
    first = by_id[open_ref]
    assert first["status"] == "open" and first["status_notes"] is None
    assert first["service_code"] == "roads"
    assert first["service_name"] == "Voirie et nids-de-poule"
    assert first["agency_responsible"] == "Service de la voirie"
    assert first["address"] is None  # the address a citizen typed is never public (lat/long are)
    assert first["description"] is None  # nor their words: only a summary a clerk published
    assert (first["lat"], first["long"]) == (35.1688, -5.2637)  # rounded to 4 decimals
    requested = datetime.fromisoformat(first["requested_datetime"])
    assert (datetime.fromisoformat(first["expected_datetime"]) - requested).days == 60
    closed = by_id[closed_ref]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "Le trou a été rebouché le 2 décembre."
    assert closed["lat"] is None and closed["long"] is None

    one = json_of(api.get(f"{BASE}/requests/{closed_ref}.json?locale=fr"))
    validate("requests.json", one)
    validate("request.json", one[0])
    assert one == [closed]

    items = xml_items(
        api.get(f"{BASE}/requests.xml?{J}", headers={"Accept-Language": "fr"}), "service_requests", "request"
    )
    xml_by_id = {i["service_request_id"]: i for i in items}
    assert set(xml_by_id) == set(by_id)
    for reference, item in by_id.items():
        expected = {k: ("" if v is None else str(v)) for k, v in item.items()}
        got = {k: (v or "") for k, v in xml_by_id[reference].items()}
        assert got == expected
    [one_xml] = xml_items(api.get(f"{BASE}/requests/{open_ref}.xml"), "service_requests", "request")
    assert one_xml["status"] == "open" and one_xml["lat"] == "35.1688"


def test_answered_and_closed_both_count_as_closed(api, app, api_key):
    refs = [json_of(post(api, api_key))[0]["service_request_id"] for _ in range(3)]
    answer(app, refs[1], Status.ANSWERED)
    answer(app, refs[2], Status.CLOSED, "Not the commune's competence: ask the province.")
    statuses = {
        r["service_request_id"]: (r["status"], r["status_notes"]) for r in json_of(api.get(f"{BASE}/requests.json?{J}"))
    }
    assert statuses[refs[0]] == ("open", None)
    assert statuses[refs[1]][0] == "closed"
    assert statuses[refs[2]] == ("closed", "Not the commune's competence: ask the province.")
    one = json_of(api.get(f"{BASE}/requests/{refs[2]}.json"))[0]
    assert datetime.fromisoformat(one["updated_datetime"]) >= datetime.fromisoformat(one["requested_datetime"])


def test_user_text_is_escaped_in_xml_and_kept_in_json(api, app, api_key):
    nasty = "<script>alert('x')</script> & ]]> \"quotes\" — شكاية \x01"
    reference = json_of(post(api, api_key, description=nasty))[0]["service_request_id"]
    with app.app_context():  # what the public reads of it: the summary a clerk publishes
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        services.set_public_summary(
            complaint, db.session.scalar(sa.select(User).where(User.email == "clerk@demo.ma")), nasty
        )
    response = api.get(f"{BASE}/requests/{reference}.xml")
    assert b"<script>" not in response.data
    [item] = xml_items(response, "service_requests", "request")
    assert item["description"] == nasty.replace("\x01", "")  # not allowed in XML 1.0 at all
    assert json_of(api.get(f"{BASE}/requests/{reference}.json"))[0]["description"] == nasty


def test_json_is_utf8_not_escaped(api, demo):
    response = api.get(f"{BASE}/services.json?{J}&locale=ar")
    assert "الطرق والحفر".encode() in response.data


def test_public_reads_allow_any_origin(api, demo):
    assert api.get(f"{BASE}/services.json?{J}").headers["Access-Control-Allow-Origin"] == "*"


def test_a_single_open_commune_needs_no_jurisdiction(api, app):
    from app.communes.services import get_by_code, open_commune

    with app.app_context():
        open_commune(get_by_code(TIZNIT))
        db.session.remove()
    services = json_of(api.get(f"{BASE}/services.json"))
    validate("services.json", services)
    assert len(services) == 11
