"""Open311 GeoReport v2: discovery, services, service definitions, requests, in JSON and XML.

A client chooses the commune with ``jurisdiction_id`` = the commune's HCP code (discovery lists
them); it may be left out only while one commune is open. Errors are Open311 error lists in
the format of the URL (.json / .xml), with 403 for a bad api_key, 404 for an unknown
resource and 400 for anything else.
"""

from __future__ import annotations

import contextlib
import json

from flask import Response, current_app, g, request
from flask_babel import refresh
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.api import bp, openapi, xml
from app.api import services as api
from app.api.services import ApiError
from app.config import LANGUAGES
from app.core import health
from app.extensions import csrf, db, limiter
from app.scoping import set_commune_scope
from app.web import absolute_url

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+00:00"  # when this API last changed (discovery's changeset)

csrf.exempt(bp)  # machine clients authenticate with api_key, not a session: no CSRF token


def _rate_limit() -> str:
    return current_app.config.get("OPEN311_RATE_LIMIT", "300 per minute")


def _post_rate_limit() -> str:
    return current_app.config.get("OPEN311_POST_RATE_LIMIT", "30 per minute;500 per hour")


limiter.limit(_rate_limit)(bp)


@bp.before_request
def _api_context() -> None:
    # Public data of open communes, every query filtered by commune here: a staff cookie sent
    # along must not narrow it to the staff member's commune.
    set_commune_scope(None)
    # Language of service names: the ``locale`` parameter (ar, fr, en, fr_MA…), then the
    # Accept-Language header, then Arabic. An account's or cookie's choice does not apply.
    wanted = (request.args.get("locale") or "").strip().replace("-", "_").split("_")[0].lower()
    if wanted not in LANGUAGES:
        wanted = request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]
    g.language = wanted
    refresh()


@bp.after_request
def _public_reads(response: Response) -> Response:
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _format() -> str:
    # A request no route matched has no view_args: the format is then the path's extension.
    fmt = (request.view_args or {}).get("fmt") or request.path.rpartition(".")[2]
    return fmt if fmt in FORMATS else "json"


def respond(fmt: str, root: str, item: str | None, data, status: int = 200) -> Response:
    if fmt == "xml":
        body = xml.document(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")
    return Response(body, status=status, content_type=FORMATS[fmt])


def _errors(status: int, description: str) -> Response:
    return respond(_format(), "errors", "error", [{"code": status, "description": description}], status)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return _errors(error.status, error.description)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    allowed = getattr(error, "valid_methods", None) if error.code == 405 else None
    description = error.description or error.name
    if allowed:
        description = f"{request.method} is not allowed here: use {', '.join(m for m in allowed if m != 'OPTIONS')}"
    response = _errors(error.code or 500, description)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


# The app's handlers for these codes (HTML pages) would otherwise win over the class handler above.
for _code in (400, 403, 404, 405, 413, 429, 500):
    bp.register_error_handler(_code, _http_error)


@bp.before_app_request
def _routing_errors_in_open311_format():
    """PUT /requests.json or an unknown path under the API: no route matched, so no blueprint
    handler applies and the app would answer its HTML page. Answer an Open311 error list instead."""
    error = request.routing_exception
    if isinstance(error, NotFound | MethodNotAllowed) and request.path.startswith(f"{bp.url_prefix}/"):
        return _http_error(error)
    return None


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    if isinstance(error, health.DATABASE_DOWN):
        # An outage, not a bug: one line in the log, and an answer a client knows to retry.
        current_app.logger.error("open311: database unreachable: %s", str(error).strip().splitlines()[0])
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        response = _errors(503, "the service is briefly unavailable: try again in a minute")
        response.headers["Retry-After"] = "60"
        return response
    current_app.logger.exception("open311 error")
    return _errors(500, "internal error")


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ApiError(404, f"format {fmt} is not served: use json or xml")
    return fmt


def _commune():
    return api.resolve_jurisdiction(request.values.get("jurisdiction_id"))


@bp.get("/discovery.<fmt>")
def discovery(fmt: str):
    fmt = _check_format(fmt)
    base = absolute_url("api.discovery", fmt=fmt).rpartition("/")[0]
    data = {
        "changeset": CHANGESET,
        "contact": "Jamaati national administrators (ask them for an api_key)",
        "key_service": "An api_key is issued to a client application by a national administrator.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        # Extension: the jurisdictions served, jurisdiction_id = the commune's HCP code.
        "jurisdictions": [
            {
                "jurisdiction_id": commune.code,
                "name": commune.name,
                "name_fr": commune.name_fr,
                "name_ar": commune.name_ar,
            }
            for commune in api.open_communes()
        ],
    }
    return respond(fmt, "discovery", None, data)


@bp.get("/services.<fmt>")
def services(fmt: str):
    fmt = _check_format(fmt)
    commune = _commune()
    return respond(fmt, "services", "service", [api.service_dict(c) for c in api.categories(commune)])


@bp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    fmt = _check_format(fmt)
    item = api.category(_commune(), code)
    return respond(fmt, "service_definition", None, api.service_definition(item))


@bp.get("/requests.<fmt>")
def requests(fmt: str):
    fmt = _check_format(fmt)
    page = api.search_requests(_commune(), request.args)
    response = respond(fmt, "service_requests", "request", [api.request_dict(c) for c in page.items])
    if page.counted_all:
        response.headers["X-Total-Count"] = str(page.total)
    if page.has_next:
        following = request.args.to_dict() | {"page": page.page + 1}
        response.headers["Link"] = f'<{absolute_url(".requests", fmt=fmt, **following)}>; rel="next"'
    return response


@bp.post("/requests.<fmt>")
@limiter.limit(_post_rate_limit, override_defaults=False)
def post_request(fmt: str):
    fmt = _check_format(fmt)
    client = api.client_for_key(request.form.get("api_key"))
    if client is None:
        raise ApiError(403, "api_key is missing, unknown or revoked")
    commune = api.resolve_jurisdiction(request.form.get("jurisdiction_id"))
    complaint, created = api.post_request(commune, request.form, client, request.headers.get("Idempotency-Key"))
    data = [{"service_request_id": complaint.reference, "service_notice": api.SERVICE_NOTICE, "account_id": None}]
    return respond(fmt, "service_requests", "request", data, 201 if created else 200)


@bp.get("/requests/<request_id>.<fmt>")
def one_request(request_id: str, fmt: str):
    fmt = _check_format(fmt)
    # The reference names one complaint on the whole platform: jurisdiction_id is optional here,
    # and when given, the request must belong to that commune.
    jurisdiction = request.args.get("jurisdiction_id")
    commune = api.resolve_jurisdiction(jurisdiction) if (jurisdiction or "").strip() else None
    complaint = api.find_request(request_id, commune)
    return respond(fmt, "service_requests", "request", [api.request_dict(complaint)])


@bp.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str):
    _check_format(fmt)
    raise ApiError(404, "tokens are not used: POST requests answers with the service_request_id at once")


@bp.get("/openapi.json")
def openapi_document():
    return Response(json.dumps(openapi.document(), ensure_ascii=False), content_type=FORMATS["json"])
