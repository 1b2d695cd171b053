"""The OpenAPI 3 description of the Open311 endpoint, served at /open311/v2/openapi.json.

Written by hand to match app/api/routes.py; tests/api/test_fuzz.py runs schemathesis against it.
"""

from __future__ import annotations

from app.api import services as api


def _nullable(kind: str, **extra) -> dict:
    return {"type": kind, "nullable": True, **extra}


STRING = {"type": "string"}
DATETIME = {"type": "string", "format": "date-time"}
CODE = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$"}
REFERENCE = {"type": "string", "pattern": "^[A-Za-z0-9-]{1,20}$", "example": "C-2026-000123"}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": STRING},
    },
    "Errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
    "Endpoint": {
        "type": "object",
        "required": ["specification", "url", "changeset", "type", "formats"],
        "properties": {
            "specification": STRING,
            "url": STRING,
            "changeset": DATETIME,
            "type": {"type": "string", "enum": ["production", "test"]},
            "formats": {"type": "array", "items": STRING},
        },
    },
    "Jurisdiction": {
        "type": "object",
        "required": ["jurisdiction_id", "name"],
        "properties": {"jurisdiction_id": STRING, "name": STRING, "name_fr": STRING, "name_ar": STRING},
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "endpoints"],
        "properties": {
            "changeset": DATETIME,
            "contact": STRING,
            "key_service": STRING,
            "endpoints": {"type": "array", "items": {"$ref": "#/components/schemas/Endpoint"}},
            "jurisdictions": {
                "type": "array",
                "description": "Extension: the communes served; jurisdiction_id is the commune's HCP code.",
                "items": {"$ref": "#/components/schemas/Jurisdiction"},
            },
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": STRING,
            "service_name": STRING,
            "description": _nullable("string"),
            "metadata": {"type": "boolean", "enum": [False]},
            "type": {"type": "string", "enum": ["realtime"]},
            "keywords": _nullable("string"),
            "group": _nullable("string"),
        },
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {"service_code": STRING, "attributes": {"type": "array", "maxItems": 0, "items": {}}},
    },
    "Request": {
        "type": "object",
        "required": ["service_request_id", "status", "service_code", "requested_datetime"],
        "properties": {
            "service_request_id": STRING,
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": _nullable("string"),
            "service_name": _nullable("string"),
            "service_code": STRING,
            "description": _nullable("string", maxLength=api.MAX_DESCRIPTION),
            "agency_responsible": _nullable("string"),
            "service_notice": _nullable("string"),
            "requested_datetime": DATETIME,
            "updated_datetime": _nullable("string", format="date-time"),
            "expected_datetime": _nullable("string", format="date-time"),
            "address": _nullable("string"),
            "address_id": _nullable("string"),
            "zipcode": _nullable("string"),
            "lat": _nullable("number", minimum=-90, maximum=90),
            "long": _nullable("number", minimum=-180, maximum=180),
            "media_url": _nullable("string"),
        },
        "additionalProperties": False,
    },
    "Created": {
        "type": "object",
        "required": ["service_request_id"],
        "properties": {
            "service_request_id": STRING,
            "service_notice": _nullable("string"),
            "account_id": _nullable("string"),
        },
    },
    "NewRequest": {
        "type": "object",
        "required": ["api_key", "service_code"],
        "properties": {
            "api_key": {
                "type": "string",
                "description": "The client application's key (403 when missing, unknown or revoked).",
            },
            "jurisdiction_id": {
                "type": "string",
                "description": "The commune's HCP code; required when more than one commune is open.",
            },
            "service_code": CODE,
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": {"type": "string", "maxLength": api.MAX_ADDRESS},
            "address_id": {"type": "string", "description": "Not supported: send lat/long or address_string."},
            "description": {"type": "string", "minLength": 1, "maxLength": api.MAX_DESCRIPTION},
            "email": {"type": "string", "description": "Private: seen by the commune's clerks only, never published."},
            "first_name": {"type": "string", "maxLength": api.MAX_NAME, "description": "Private, as email."},
            "last_name": {"type": "string", "maxLength": api.MAX_NAME, "description": "Private, as email."},
            "phone": {"type": "string", "description": "Private, as email."},
            "media_url": {"type": "string", "description": "Ignored: photos are accepted from the web form only."},
        },
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema: dict) -> dict:
    return {
        "application/json": {"schema": schema},
        "text/xml": {"schema": {"type": "string"}},
    }


def _ok(description: str, schema: dict, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": _content(schema)}
    if headers:
        answer["headers"] = headers
    return answer


ERROR_RESPONSES = {
    "400": {"description": "Bad request (Open311 error list).", "content": _content(_ref("Errors"))},
    "404": {"description": "Unknown jurisdiction, service, request or format.", "content": _content(_ref("Errors"))},
    "429": {"description": "Rate limited.", "content": _content(_ref("Errors"))},
}

FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "description": "json or xml",
    "schema": {"type": "string", "enum": ["json", "xml"]},
}
JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "description": "The commune's HCP code (see discovery); required when more than one commune is open.",
    "schema": {"type": "string"},
}
LOCALE = {
    "name": "locale",
    "in": "query",
    "required": False,
    "description": "Language of service names: ar, fr or en (else Accept-Language, else ar).",
    "schema": {"type": "string"},
}


def _query(name: str, description: str, **schema) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Jamaati Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Complaints and reports of the communes open on Jamaati, as Open311 GeoReport v2 "
                "(http://wiki.open311.org/GeoReport_v2) in JSON and XML. jurisdiction_id is the commune's "
                "HCP code. Every output is public: no name, e-mail, phone or account is ever shown."
            ),
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/discovery.{format}": {
                "get": {
                    "operationId": "discovery",
                    "summary": "Endpoints, formats and the jurisdictions (communes) served.",
                    "parameters": [FORMAT],
                    "responses": {"200": _ok("Discovery.", _ref("Discovery")), **ERROR_RESPONSES},
                }
            },
            "/services.{format}": {
                "get": {
                    "operationId": "listServices",
                    "summary": "One service per active complaint category of the commune.",
                    "parameters": [FORMAT, JURISDICTION, LOCALE],
                    "responses": {
                        "200": _ok("Services.", {"type": "array", "items": _ref("Service")}),
                        **ERROR_RESPONSES,
                    },
                }
            },
            "/services/{service_code}.{format}": {
                "get": {
                    "operationId": "serviceDefinition",
                    "summary": "Service definition (metadata is false: no attributes).",
                    "parameters": [
                        {"name": "service_code", "in": "path", "required": True, "schema": CODE},
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": {"200": _ok("Definition.", _ref("ServiceDefinition")), **ERROR_RESPONSES},
                }
            },
            "/requests.{format}": {
                "get": {
                    "operationId": "listRequests",
                    "summary": "Requests of the commune, newest first.",
                    "parameters": [
                        FORMAT,
                        JURISDICTION,
                        LOCALE,
                        _query("service_request_id", "Comma-separated references; the other filters are then ignored."),
                        _query("service_code", "Comma-separated service codes."),
                        _query(
                            "start_date",
                            "Received at or after (W3C date-time; no offset means UTC).",
                            format="date-time",
                        ),
                        _query(
                            "end_date",
                            "Received at or before (W3C date-time; no offset means UTC).",
                            format="date-time",
                        ),
                        _query(
                            "status", "open, closed, or both comma-separated.", enum=["open", "closed", "open,closed"]
                        ),
                        _query(
                            "channel",
                            "Extension: comma-separated channels the requests reached the commune by "
                            "(web, open311, counter, letter, phone).",
                        ),
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
                        },
                        {
                            "name": "page_size",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": api.MAX_PAGE_SIZE,
                                "default": api.DEFAULT_PAGE_SIZE,
                            },
                        },
                    ],
                    "responses": {
                        "200": _ok(
                            "Requests.",
                            {"type": "array", "items": _ref("Request")},
                            {
                                "X-Total-Count": {
                                    "description": "Matching requests on all pages, when they are at most"
                                    " 10,000 (or at most this page's end); beyond, the header is left out.",
                                    "schema": {"type": "integer"},
                                },
                                "Link": {
                                    "description": 'The next page, when there is one: <…>; rel="next".',
                                    "schema": {"type": "string"},
                                },
                            },
                        ),
                        **ERROR_RESPONSES,
                    },
                },
                "post": {
                    "operationId": "createRequest",
                    "summary": "File a report: it becomes a complaint in the commune's queue.",
                    "parameters": [
                        FORMAT,
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "Sending the same key again answers with the request already filed (200).",
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,40}$"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": _ref("NewRequest")}},
                    },
                    "responses": {
                        "201": _ok("Filed.", {"type": "array", "items": _ref("Created")}),
                        "200": _ok(
                            "Already filed with this Idempotency-Key.", {"type": "array", "items": _ref("Created")}
                        ),
                        "403": {
                            "description": "api_key missing, unknown or revoked.",
                            "content": _content(_ref("Errors")),
                        },
                        **ERROR_RESPONSES,
                    },
                },
            },
            "/requests/{service_request_id}.{format}": {
                "get": {
                    "operationId": "getRequest",
                    "summary": "One request by its reference; jurisdiction_id optional (must match when given).",
                    "parameters": [
                        {"name": "service_request_id", "in": "path", "required": True, "schema": REFERENCE},
                        FORMAT,
                        JURISDICTION,
                    ],
                    "responses": {
                        "200": _ok("A list holding the request.", {"type": "array", "items": _ref("Request")}),
                        **ERROR_RESPONSES,
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
