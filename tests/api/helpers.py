"""Open311 test helpers: our JSON Schemas of the GeoReport v2 answers, XML parsing, a report to post."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

# Written for this project from the GeoReport v2 specification (tests/api/schemas/).
SCHEMAS = Path(__file__).resolve().parent / "schemas"
BASE = "/open311/v2"
CHEFCHAOUEN = "01.151.01.01"
TIZNIT = "09.581.01.07"

_contents = {path.name: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
assert _contents, f"the Open311 schemas are missing from {SCHEMAS}"
REGISTRY = Registry().with_resources((name, Resource.from_contents(schema)) for name, schema in _contents.items())


def validate(name: str, instance) -> None:
    """Validate against one of our schemas (they refer to each other by file name)."""
    Draft202012Validator(
        _contents[name], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    ).validate(instance)
    for item in instance if isinstance(instance, list) else [instance]:
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if isinstance(item, dict) and item.get(key) is not None:
                assert_datetime(item[key])


def assert_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no timezone"
    return moment


def xml_items(response, root: str, item: str) -> list[dict]:
    """An XML list answer as dicts of element texts (nested lists ignored)."""
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b"<?xml")
    element = ET.fromstring(response.data)
    assert element.tag == root
    return [{child.tag: child.text for child in entry} for entry in element.findall(item)]


def json_of(response):
    assert response.content_type == "application/json; charset=utf-8"
    return json.loads(response.data.decode("utf-8"))


def report(api_key: str, **overrides) -> dict:
    data = {
        "api_key": api_key,
        "jurisdiction_id": CHEFCHAOUEN,
        "service_code": "roads",
        "description": "Un grand trou devant l'école primaire, rue Hassan II.",
        "lat": "35.1688123",
        "long": "-5.2636789",
        "address_string": "Rue Hassan II, près de l'école",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
