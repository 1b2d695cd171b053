"""schemathesis fuzzes the published OpenAPI document against the app, in process (WSGI):
no answer is a 500 and every answer matches the document. Bounded and derandomized, so it
is quick and never flaky."""

import json
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api import openapi
from tests.api.helpers import BASE, CHEFCHAOUEN, report

schema = schemathesis.openapi.from_dict(openapi.document())


def test_the_published_document_is_the_one_fuzzed(api):
    response = api.get(f"{BASE}/openapi.json")
    assert response.status_code == 200 and response.content_type == "application/json; charset=utf-8"
    assert json.loads(response.data) == json.loads(json.dumps(openapi.document()))


@pytest.fixture
def fuzz_ready(app, api, api_key, monkeypatch):
    """Some requests to find, a valid key, and no rate limit in the way of the fuzzer."""
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "OPEN311_POST_RATE_LIMIT", "100000 per minute")
    for code in ("roads", "waste"):
        assert api.post(f"{BASE}/requests.json", data=report(api_key, service_code=code)).status_code == 201
    return api_key


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_fuzz(case, app, fuzz_ready):
    # Half of the cases go deeper than "unknown jurisdiction" / "bad key": a real commune and key.
    if case.query is not None and "jurisdiction_id" in case.query and zlib.crc32(repr(case.query).encode()) % 2 == 0:
        case.query["jurisdiction_id"] = CHEFCHAOUEN
    if isinstance(case.body, dict) and (choice := zlib.crc32(repr(case.body).encode()) % 4):
        case.body = {**case.body, "api_key": fuzz_ready, "jurisdiction_id": CHEFCHAOUEN}
        if choice > 1:
            case.body["service_code"] = "roads"
    case.call_and_validate(
        app=app,
        headers={"Accept-Encoding": "identity"},  # the WSGI transport does not decompress br/gzip
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
