"""Errors as the spec says: 403 bad api_key, 404 unknown, 400 otherwise; the body an error
list in the URL's format."""

import xml.etree.ElementTree as ET

import pytest

from app.api.services import revoke_key
from app.complaints.models import ApiClient
from app.extensions import db
from tests.api.helpers import BASE, CHEFCHAOUEN, json_of, report, validate

J = f"jurisdiction_id={CHEFCHAOUEN}"


def assert_error(response, status, fmt="json", contains=""):
    assert response.status_code == status, response.data
    if fmt == "json":
        errors = json_of(response)
        validate("errors.json", errors)
        assert len(errors) == 1
        assert errors[0]["code"] == status and contains in errors[0]["description"]
    else:
        assert response.content_type == "text/xml; charset=utf-8"
        root = ET.fromstring(response.data)
        assert root.tag == "errors"
        assert root.findtext("error/code") == str(status)
        assert contains in root.findtext("error/description")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_missing_or_bad_api_key_is_403(api, api_key, fmt, key):
    assert_error(api.post(f"{BASE}/requests.{fmt}", data=report(key)), 403, fmt, "api_key")


def test_api_key_in_the_query_string_is_not_taken(api, api_key):
    data = report(None)
    assert_error(api.post(f"{BASE}/requests.json?api_key={api_key}", data=data), 403)


def test_revoked_key_is_403(api, app, api_key):
    with app.app_context():
        revoke_key(db.session.query(ApiClient).one())
    assert_error(api.post(f"{BASE}/requests.json", data=report(api_key)), 403)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("url", "contains"),
    [
        ("/services/nope.{fmt}?" + J, "service_code"),
        ("/requests/C-2026-999999.{fmt}", "service_request_id"),
        ("/services.{fmt}?jurisdiction_id=99.999.99.99", "jurisdiction_id"),
        ("/services.{fmt}?jurisdiction_id=01.161.01.03", "jurisdiction_id"),  # a commune not open
        ("/tokens/abc.{fmt}", "tokens"),
    ],
)
def test_unknown_resources_are_404(api, demo, fmt, url, contains):
    assert_error(api.get(BASE + url.format(fmt=fmt)), 404, fmt, contains)


def test_unknown_format_is_404_in_json(api, demo):
    assert_error(api.get(f"{BASE}/services.html?{J}"), 404, "json", "format")


def test_unknown_service_code_on_post_is_404(api, api_key):
    assert_error(
        api.post(f"{BASE}/requests.xml", data=report(api_key, service_code="nope")), 404, "xml", "service_code"
    )


def test_a_request_of_another_commune_is_404_with_its_jurisdiction(api, api_key):
    reference = json_of(api.post(f"{BASE}/requests.json", data=report(api_key)))[0]["service_request_id"]
    assert api.get(f"{BASE}/requests/{reference}.json?{J}").status_code == 200
    assert_error(api.get(f"{BASE}/requests/{reference}.json?jurisdiction_id=09.581.01.07"), 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_required_when_several_communes_are_open(api, demo, fmt):
    assert_error(api.get(f"{BASE}/services.{fmt}"), 400, fmt, "jurisdiction_id")
    assert_error(api.get(f"{BASE}/services.{fmt}?jurisdiction_id="), 400, fmt, "jurisdiction_id")  # empty = absent


@pytest.mark.parametrize(
    ("overrides", "contains"),
    [
        ({"service_code": ""}, "service_code"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"lat": None, "long": None, "address_string": None, "address_id": "12"}, "address_id"),
        ({"lat": "35.1", "long": None}, "lat and long"),
        ({"lat": "north", "long": "-5.2"}, "lat"),
        ({"lat": "95", "long": "-5.2"}, "lat"),
        ({"lat": "nan", "long": "-5.2"}, "lat"),
        ({"lat": "35.1", "long": "inf"}, "long"),
        ({"lat": "48.8566", "long": "2.3522"}, "outside Morocco"),
        ({"address_string": "x" * 241}, "address_string"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"first_name": "x" * 121}, "first_name"),
        ({"jurisdiction_id": None}, "jurisdiction_id"),
    ],
)
def test_bad_reports_are_400(api, api_key, overrides, contains):
    assert_error(api.post(f"{BASE}/requests.json", data=report(api_key, **overrides)), 400, "json", contains)


def test_bad_idempotency_key_is_400(api, api_key):
    response = api.post(f"{BASE}/requests.json", data=report(api_key), headers={"Idempotency-Key": "x" * 41})
    assert_error(response, 400, "json", "Idempotency-Key")


@pytest.mark.parametrize(
    ("query", "contains"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=1001", "page_size"),
        ("page_size=-1", "page_size"),
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-01", "end_date"),
        ("start_date=0001-01-01T00:00:00%2B01:00", "start_date"),
        ("start_date=2026-02-01&end_date=2026-01-01", "end_date"),
    ],
)
def test_bad_filters_are_400(api, demo, query, contains):
    assert_error(api.get(f"{BASE}/requests.json?{J}&{query}"), 400, "json", contains)
    assert_error(api.get(f"{BASE}/requests.xml?{J}&{query}"), 400, "xml", contains)


def test_nul_byte_is_400_in_the_api_format(api, demo):
    assert_error(api.get(f"{BASE}/requests.xml?{J}&service_code=a%00b"), 400, "xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/requests.{fmt}", {"GET", "POST"}), ("/requests/C-2026-000001.{fmt}", {"GET"}), ("/services.{fmt}", {"GET"})],
)
def test_a_wrong_method_is_an_open311_error_list_with_allow(api, demo, fmt, method, path, allowed):
    response = api.open(BASE + path.format(fmt=fmt) + f"?{J}", method=method)
    assert_error(response, 405, fmt, method)
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert not {"PUT", "DELETE", "PATCH"} & {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_path_under_the_api_is_an_open311_404(api, demo, fmt):
    assert_error(api.get(f"{BASE}/nothing/here.{fmt}"), 404, fmt)


def test_an_unknown_path_elsewhere_keeps_the_html_page(api, demo):
    response = api.put("/track")
    assert response.status_code == 405 and response.content_type.startswith("text/html")


def test_rate_limited_in_the_api_format(api, app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert api.get(f"{BASE}/services.json?{J}").status_code == 200
    assert_error(api.get(f"{BASE}/services.xml?{J}"), 429, "xml")


def test_post_is_rate_limited_more(api, app, api_key, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_POST_RATE_LIMIT", "2 per minute")
    for _ in range(2):
        assert api.post(f"{BASE}/requests.json", data=report(api_key)).status_code == 201
    assert_error(api.post(f"{BASE}/requests.json", data=report(api_key)), 429)
    assert api.get(f"{BASE}/services.json?{J}").status_code == 200


def test_no_csrf_token_needed(api, app, api_key, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert api.post(f"{BASE}/requests.json", data=report(api_key)).status_code == 201
