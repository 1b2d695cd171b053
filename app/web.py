"""What every page shares: rendering for htmx, headers, static URLs, errors."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import hmac
import mimetypes
import secrets
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import sqlalchemy as sa
from babel import support
from babel.lists import format_list
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from htmx_flask import make_response as htmx_response
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter
from wtforms.i18n import messages_path

from app import formatting
from app.core import chrome, cookies, fastforms, first_visit
from app.core.copies import Copy, kept
from app.core.errors import RuleError
from app.core.statemachine import IllegalTransition, StillWaiting
from app.extensions import db, login_manager
from app.i18n import LANGUAGE_NAMES, current_language, in_page_language, text_direction
from app.i18n import gettext as _
from app.scoping import set_commune_scope
from app.uploads import UploadError

YEAR = cookies.YEAR

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@cache
def _content_security_policy(inline_style: str) -> str:
    """The policy, its style-src allowing the inline stylesheet of a first visit by its hash."""
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src 'self' {inline_style}".rstrip())


def is_fragment_request() -> bool:
    """An htmx request that is not restoring history wants only part of a page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render(template: str, fragment: str | None = None, status: int = 200, **context) -> Response:
    """One URL, two answers: the full page, or for a targeted htmx request its fragment.

    The page template includes the fragment, so the two can never drift apart. A boosted
    navigation gets the page without its <head> (see base.html).
    """
    name = fragment if fragment and is_fragment_request() and not request.htmx.boosted else template
    return Response(render_template(name, **context), status=status)


def attach_error(form, field: str | None, message) -> None:
    """Show a refusal at its field, or at the top of the form when it belongs to no field."""
    if field and field in form:
        form[field].errors = [*form[field].errors, str(message)]
    else:
        form.form_errors.append(str(message))


def form_step(form, do, *, refusals: tuple, explain, success, redirect_to: str, show_again) -> Response:
    """One step taken from a form on a desk: validate, call the service, 303 back to the page;
    or, when the form or a rule refuses it, show the page again with the reason where it belongs
    and everything typed kept. ``explain(error)`` gives (field or None, message)."""
    if form.validate_on_submit():
        try:
            do()
        except refusals as error:
            db.session.rollback()  # a service may have changed the record before refusing
            attach_error(form, *explain(error))
        else:
            flash(success() if callable(success) else success, "success")
            return redirect(redirect_to, code=303)
    return show_again()


def absolute_url(endpoint: str, **values) -> str:
    """A link for outside the page (a QR code, an API's discovery): the configured public origin,
    never the Host header a request came with. Demo mode without one uses the address in use."""
    path = url_for(endpoint, **values)
    origin = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return origin + path


class PublicHostOnly:
    """WSGI guard: with a public URL configured, a request naming another host (Host, or the
    forwarded host a trusted proxy passes on) is refused before the app sees it. /healthz
    answers on any host, for the load balancer's probes by address."""

    def __init__(self, wsgi_app, origin: str) -> None:
        self.wsgi_app = wsgi_app
        parts = urlsplit(origin)
        default_port = {"http": 80, "https": 443}[parts.scheme]
        self.hosts = {parts.netloc} | ({parts.hostname} if (parts.port or default_port) == default_port else set())

    def __call__(self, environ, start_response):
        host = (environ.get("HTTP_HOST") or "").strip().lower()
        if host.removesuffix(".") in self.hosts or environ.get("PATH_INFO") == "/healthz":
            return self.wsgi_app(environ, start_response)
        body = b"Unknown host: this server answers only at its public address.\n"
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("400 Bad Request", headers)
        return [body]


def is_local_url(target: str | None) -> bool:
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def full_redirect(url: str) -> Response:
    """A redirect that reloads the whole page, also for htmx: after sign-in the language
    (and so <html lang dir>) may change, which a boosted swap would not apply."""
    if request.htmx:
        return htmx_response("", 200, redirect=url)
    return redirect(url, code=303)


def redirect_back(default_endpoint: str = "main.home", target: str | None = None) -> Response:
    """Follow ``next`` only to a path on this site (no open redirect)."""
    target = target if target is not None else request.values.get("next")
    return redirect(target if is_local_url(target) else url_for(default_endpoint), code=303)


def local_target(default_endpoint: str = "main.home") -> str:
    target = request.values.get("next")
    return target if is_local_url(target) else url_for(default_endpoint)


def desk_step(
    form, do, *, success, redirect_to: str, show_again, not_now, fields: dict[str, str | None] | None = None
) -> Response:
    """One step a member of staff takes on a case from a desk (see form_step). A refused
    transition is told in words: who may take it, or ``not_now()`` — the area's sentence for a
    step the case's status does not allow (it may have changed since the page was opened).
    ``fields`` maps a service's field names (RuleError.field) to this form's."""

    def explain(error) -> tuple[str | None, str]:
        if isinstance(error, StillWaiting):
            return (fields or {}).get("going_ahead", "going_ahead"), _(
                "Still awaited: %(waiting)s. Wait for it, or say below why the decision cannot wait.",
                waiting=format_list([in_page_language(n) for n in error.waiting], locale=get_locale()),
            )
        if isinstance(error, IllegalTransition):
            if error.reason == "needs the right to decide":
                return None, _("Only a clerk with the right to decide can take this step.")
            if error.reason == "not for this role":
                return None, _("Your role does not allow this step.")
            return None, not_now()
        field = "photos" if isinstance(error, UploadError) else error.field
        return (fields or {}).get(field, field), error.message

    return form_step(
        form,
        do,
        refusals=(RuleError, IllegalTransition, UploadError),
        explain=explain,
        success=success,
        redirect_to=redirect_to,
        show_again=show_again,
    )


BROWSER_COOKIE = "browser"


def submitter() -> str:
    """Who sends this request, as idempotency keys are scoped (app.core.replay): the account, or
    for a guest this browser (a long-lived cookie given on the first form it is served)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    if "browser_id" not in g:
        g.browser_id = request.cookies.get(BROWSER_COOKIE, "")[:64] or None
        g.new_browser_id = g.browser_id is None
        g.browser_id = g.browser_id or secrets.token_urlsafe(24)
    return f"browser:{g.browser_id}"


def _give_browser_cookie(response: Response) -> Response:
    if g.get("new_browser_id"):
        cookies.keep(response, BROWSER_COOKIE, g.browser_id, max_age=2 * YEAR)
    return response


def page_number() -> int:
    """?page=, clamped: nonsense or huge values give a page, never an error."""
    page = request.args.get("page", "1")
    return min(max(int(page), 1), 10_000) if page.isdigit() and len(page) < 7 else 1


def _refuse_nul_bytes() -> None:
    """PostgreSQL cannot store NUL in text; no honest form sends one."""
    values = [*request.args.values(), *(request.form.values() if request.method == "POST" else [])]
    if any("\x00" in value for value in values) or "\x00" in request.path:
        abort(400)


@cache
def _static_fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


@cache
def _static_version(folder: str, filename: str) -> str | None:
    """A static file's fingerprint, looked up once per file (not a stat per url_for)."""
    file = Path(folder) / filename
    return _static_fingerprint(str(file)) if file.is_file() else None


def _fingerprint_static_urls(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "filename" not in values:
        return
    if not current_app.debug:
        version = _static_version(current_app.static_folder, values["filename"])
    else:
        file = Path(current_app.static_folder) / values["filename"]
        version = str(int(file.stat().st_mtime)) if file.is_file() else None
    if version:
        values["v"] = version


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.endpoint == "static":
        _static_headers(response)
        return response
    # Document policies: on CSS and JS files they do nothing but cost bytes on every request.
    headers.setdefault("Content-Security-Policy", _content_security_policy(first_visit.style_source()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    if not current_app.config["DEMO_MODE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    headers.add("Vary", "HX-Request")
    if current_user and current_user.is_authenticated:
        # A signed-in page is one person's: never kept by a shared cache.
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def _static_headers(response: Response) -> None:
    if response.mimetype == "image/svg+xml":
        # An SVG opened on its own is a document: no script in it may run.
        response.headers.setdefault("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
    # Read the (small) file into memory so compression can close it; streamed,
    # Flask-Compress would leave the file handle to the garbage collector.
    if response.direct_passthrough:
        response.direct_passthrough = False
        response.get_data()
    if request.args.get("v"):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    # Bytes a phone pays for on every file and never uses: the ETag revalidates, ranges of a
    # compressed body are not offered, and a file shown inline needs no name.
    for unused in ("Content-Disposition", "Last-Modified", "Accept-Ranges"):
        response.headers.pop(unused, None)
    _compress_hard(response)


STATIC_TEXT = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/manifest+json"}


@lru_cache(maxsize=64)
def _compressed_at_best(content: bytes, encoding: str) -> bytes:
    return brotli.compress(content, quality=11) if encoding == "br" else gzip.compress(content, 9, mtime=0)


def _compress_hard(response: Response) -> None:
    """Static files change only with a deploy: compress each version once, at the best level of
    brotli or, for a phone without it (plain http, an old WebView), of gzip.

    About 4 KB less than Flask-Compress's per-request level on a first visit, which is a phone's
    data plan; Flask-Compress leaves the response alone once it carries a Content-Encoding. The
    ETag names the encoding, and a revalidation with it gets a 304 here (Flask-Compress does not
    evaluate conditional requests: config.py).
    """
    encoding = next((name for name in ("br", "gzip") if request.accept_encodings[name]), None)
    if response.status_code != 200 or response.mimetype not in STATIC_TEXT or encoding is None:
        return
    response.set_data(_compressed_at_best(response.get_data(), encoding))
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)
        response.make_conditional(request)  # a revalidation with this ETag gets a 304


def precompress_static(folder: Path) -> int:
    """Write file.br (brotli's best, as the app sends) and file.gz next to each text file, for a front
    server that sends them as they are (nginx's brotli_static and gzip_static, see deploy/).
    Files already compressed from their current version are left; returns how many were written."""
    written = 0
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or file.suffix in {".br", ".gz"} or mimetypes.guess_type(file.name)[0] not in STATIC_TEXT:
            continue
        content = file.read_bytes()
        for suffix, encoding in ((".br", "br"), (".gz", "gzip")):
            target = file.with_name(file.name + suffix)
            if not target.exists() or target.stat().st_mtime < file.stat().st_mtime:
                target.write_bytes(_compressed_at_best(content, encoding))
                written += 1
    return written


NO_COMMUNE = -1  # matches nothing: a commune role without a commune sees nothing
# Answers that are nobody's and never load the account: a file ("Vary: Cookie" stays off it), and
# what must keep working while the database is away (the health check, the service worker).
ACCOUNTLESS = {"static", "main.healthz", "pwa.service_worker", "pwa.manifest", "pwa.offline"}


def _without_account() -> None:
    """The visitor counts as signed out for this answer: the account is not loaded (Flask-Login
    would load it for any template rendered)."""
    g._login_user = login_manager.anonymous_user()


def _scope_to_commune() -> None:
    if request.endpoint in ACCOUNTLESS:
        _without_account()
        return
    user = current_user
    staff = user.is_authenticated and user.is_staff and not user.is_national_admin
    set_commune_scope((user.commune_id or NO_COMMUNE) if staff else None)


def _unauthorized() -> Response:
    target = url_for("auth.signin", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if request.htmx:
        # Otherwise htmx would swap the sign-in page into a fragment.
        return htmx_response("", 401, redirect=target)
    return redirect(target)


def _error_page(status: int, title: str, message: str) -> Response:
    response = render("errors/error.html", status=status, title=title, message=message)
    if request.htmx:
        # htmx does not swap 4xx/5xx by default: show the error page in full.
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _forget_the_database() -> None:
    """An error page never touches the database: it may be what failed. The transaction is rolled
    back, and the page is drawn for a visitor whose account is not loaded (its attributes would be
    read again from the database), in the language already chosen, else the cookie's or browser's."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    _without_account()


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _error_page(
            400,
            _("This form has expired"),
            _("For your security the form could not be sent. Go back, reload the page and send it again."),
        )

    @app.errorhandler(400)
    def bad_request(error):
        return _error_page(
            400,
            _("This request cannot be understood"),
            _("Something in the address or the form is not right. Go back and try again."),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _error_page(403, _("Not allowed"), _("Your account does not give access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        return _error_page(
            404,
            _("Page not found"),
            _("There is nothing at this address. Check it, or start again from the home page."),
        )

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _error_page(405, _("Not allowed"), _("This page cannot be used that way."))

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error):
        # Two tabs or two clerks acted on the same file at once: the first one won.
        db.session.rollback()
        return _error_page(
            409,
            _("This file has just changed"),
            _("Someone acted on this file at the same moment. Go back and reload the page to see where it stands now."),
        )

    @app.errorhandler(413)
    def too_large(error):
        return _error_page(
            413,
            _("This file is too large"),
            _(
                "The file you sent is far over the size limit. Go back and choose a smaller "
                "file: your other answers are saved."
            ),
        )

    @app.errorhandler(429)
    def too_many(error):
        return _error_page(
            429, _("Too many attempts"), _("Too many attempts from this connection. Wait a minute and try again.")
        )

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    def database_away(error):
        # One line, not a traceback per request: the health check and the worker say the rest.
        current_app.logger.error("database unreachable on %s: %s", request.path, str(error).strip().splitlines()[0])
        _forget_the_database()
        response = _error_page(
            503,
            _("Jamaati is briefly unavailable"),
            _(
                "We cannot reach our records just now. What was not confirmed on the screen has not "
                "been saved: try again in a few minutes."
            ),
        )
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(500)
    def server_error(error):
        _forget_the_database()
        return _error_page(
            500,
            _("Something went wrong"),
            _("Something went wrong on our side. Nothing you sent is lost: try again in a moment."),
        )


def account_key() -> str:
    """Who is signed in, as an opaque key: the page script clears the offline copies of pages
    when it changes, so one person's pages never show to the next person on the phone."""
    if not current_user.is_authenticated:
        return ""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, str(current_user.id).encode(), hashlib.sha256).hexdigest()[:16]


def _template_context() -> dict:
    language = current_language()
    return {
        "account_key": account_key,
        "lang": language,
        "dir": text_direction(language),
        "languages": LANGUAGE_NAMES,
        "is_fragment_request": is_fragment_request,
    }


class IdConverter(IntegerConverter):
    """<id:name> in routes: a database id, so a 40-digit number is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class _FormMessages:
    """WTForms' own messages ("Not a valid choice"…) in the page's language. Flask-WTF reads
    them from their catalogue on every request; they are read once per language here."""

    def ugettext(self, text: str) -> str:
        return _form_catalogue(current_language()).ugettext(text)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _form_catalogue(current_language()).ungettext(singular, plural, n)


@cache
def _form_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _form_messages() -> None:
    request.wtforms_translations = FORM_MESSAGES


FORM_MESSAGES = _FormMessages()


def same_for_everyone(template: str) -> Markup:
    """A template that shows every visitor the same in a language (no account, no request in it),
    rendered once per language: the outbox's sixteen sentences are not translated on every page."""
    key = ("same for everyone", template, current_language())
    return kept(key, lambda: Copy(render_template(template), {})).fill({})


def _template_url_for(app: Flask):
    """url_for for templates: the same address for the same arguments, built once. A page names
    twenty addresses, most of them the same on every page (the header, the footer, the static files)."""

    @lru_cache(maxsize=4096)
    def built(script_root: str, blueprint: str | None, endpoint: str, values: tuple) -> str:
        return app.url_for(endpoint, **dict(values))

    @lru_cache(maxsize=512)
    def built_static(script_root: str, filename: str, version: str | None) -> str:
        """``version`` only keys the cache: url_for writes the file's fingerprint itself."""
        return app.url_for("static", filename=filename)

    def url_for_in_template(endpoint: str, **values) -> str:
        if app.debug or not has_request_context() or any(n.startswith("_") for n in values):
            return app.url_for(endpoint, **values)
        if endpoint == "static" and values.keys() == {"filename"}:
            # Kept per fingerprint: a file changed on disk gets a new address (_static_version).
            filename = values["filename"]
            return built_static(request.script_root, filename, _static_version(app.static_folder, filename))
        try:
            frozen = tuple(values.items())  # in the order given: it is the query string's order
            hash(frozen)
        except TypeError:
            return app.url_for(endpoint, **values)
        blueprint = request.blueprint if endpoint.startswith(".") else None
        return built(request.script_root, blueprint, endpoint, frozen)

    return url_for_in_template


def init_app(app: Flask) -> None:
    if origin := app.config.get("PUBLIC_URL"):
        parts = urlsplit(origin)
        app.config["SERVER_NAME"], app.config["PREFERRED_URL_SCHEME"] = parts.netloc, parts.scheme
        app.wsgi_app = PublicHostOnly(app.wsgi_app, origin)  # inside ProxyFix: it sees the forwarded host
    app.url_map.converters["id"] = IdConverter
    login_manager.login_view = "auth.signin"
    login_manager.unauthorized_handler(_unauthorized)
    app.url_defaults(_fingerprint_static_urls)
    app.before_request(_refuse_nul_bytes)
    app.before_request(_scope_to_commune)
    app.before_request(_form_messages)
    app.after_request(_security_headers)
    app.after_request(_give_browser_cookie)
    app.after_request(first_visit.remember_stylesheet)
    app.context_processor(_template_context)
    app.jinja_env.globals["g"] = g
    app.jinja_env.globals["zip"] = zip
    app.jinja_env.globals["same_for_everyone"] = same_for_everyone
    app.jinja_env.globals.update(chrome.GLOBALS)
    app.jinja_env.globals["url_for"] = _template_url_for(app)
    fastforms.install()
    formatting.init_app(app)
    _register_errors(app)
