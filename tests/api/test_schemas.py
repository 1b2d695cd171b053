"""Our GeoReport v2 schemas are strict enough to catch the mistakes they exist for: a missing
field, a wrong type, a status the specification does not know, a datetime without its offset."""

import copy

import jsonschema
import pytest

from tests.api.helpers import validate

REQUEST = {
    "service_request_id": "C-2026-000001",
    "status": "open",
    "status_notes": None,
    "service_name": "Voirie",
    "service_code": "roads",
    "description": None,
    "agency_responsible": "Service technique",
    "service_notice": None,
    "requested_datetime": "2026-12-01T09:00:00+00:00",
    "updated_datetime": "2026-12-01T09:00:00+00:00",
    "expected_datetime": "2027-01-30T09:00:00+00:00",
    "address": None,
    "address_id": None,
    "zipcode": None,
    "lat": 35.1688,
    "long": -5.2637,
    "media_url": None,
}
SERVICE = {
    "service_code": "roads",
    "service_name": "Voirie",
    "description": "Trous, trottoirs",
    "metadata": False,
    "type": "realtime",
    "keywords": None,
    "group": "Service technique",
}


def broken(item: dict, **changes) -> dict:
    copy_ = copy.deepcopy(item)
    for key, value in changes.items():
        if value is ...:
            del copy_[key]
        else:
            copy_[key] = value
    return copy_


def test_the_reference_answers_are_valid():
    validate("requests.json", [REQUEST])
    validate("services.json", [SERVICE])
    validate("service-definition.json", {"service_code": "roads", "attributes": []})
    validate("errors.json", [{"code": 400, "description": "jurisdiction_id is required"}])


@pytest.mark.parametrize(
    "changes",
    [
        {"service_request_id": ...},
        {"requested_datetime": ...},
        {"status": "received"},  # only open or closed
        {"lat": "35.1688"},  # a number, not a string
        {"service_code": 7},
        {"account_id": 12},  # nothing private or unknown slips in
    ],
)
def test_a_request_with_a_mistake_is_refused(changes):
    with pytest.raises(jsonschema.ValidationError):
        validate("requests.json", [broken(REQUEST, **changes)])


def test_a_datetime_without_its_offset_is_refused():
    with pytest.raises(AssertionError, match="no timezone"):
        validate("request.json", broken(REQUEST, requested_datetime="2026-12-01T09:00:00"))


@pytest.mark.parametrize("changes", [{"metadata": ...}, {"metadata": "false"}, {"type": "sometimes"}])
def test_a_service_with_a_mistake_is_refused(changes):
    with pytest.raises(jsonschema.ValidationError):
        validate("services.json", [broken(SERVICE, **changes)])


@pytest.mark.parametrize("errors", [[], [{"code": "400", "description": "x"}], [{"description": "x"}]])
def test_an_error_list_with_a_mistake_is_refused(errors):
    with pytest.raises(jsonschema.ValidationError):
        validate("errors.json", errors)
