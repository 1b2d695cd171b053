"""Fixtures: the app on a migrated database (SQLite by default, PostgreSQL with
--database-url), a client with a CSRF-aware helper, and the demo accounts built through
the same services people use."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.config import database_url as config_database_url
from app.extensions import db, limiter

DEMO_PASSWORD = "jamaati-demo"
REFERENCE_TABLES = {"communes", "permit_types", "holidays"}
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None, help="Run the suite on this database (e.g. PostgreSQL).")


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> str:
    url = request.config.getoption("--database-url")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    url = config_database_url(url)
    _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(TestConfig(database_url))
    app.instance_path = str(tmp_path_factory.mktemp("instance"))  # keys generated in demo mode land here
    with app.app_context():
        upgrade()  # the real migrations, on the real database engine
        from app.communes.services import import_communes
        from app.permits.services import seed_types

        import_communes()
        seed_types()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(app):
    """Each test starts with every commune closed, no account and no file."""
    yield
    with app.app_context():
        db.session.rollback()
        # Every table but the reference data the session loaded once (communes, permit types, holidays).
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                db.session.execute(table.delete())
        db.session.execute(
            sa.text(
                "UPDATE communes SET opened_at = NULL, centre_latitude = NULL, "
                "centre_longitude = NULL, area_radius_km = NULL"
            )
        )
        db.session.commit()
        db.session.remove()
    limiter.reset()


@pytest.fixture(autouse=True)
def uploads_in_tmp(app, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder, never the instance folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


@pytest.fixture
def files():
    """Permit files built through the services (see tests/permits/files.py)."""
    from tests.permits import files as permit_files

    return permit_files


@pytest.fixture
def demo(app):
    """The demo data: two open communes, one account per role (see README)."""
    from app.cli import seed_demo
    from app.models import User

    with app.app_context():
        seed_demo()
        users = {u.email: u.id for u in db.session.scalars(sa.select(User))}
        db.session.remove()
    return users


class Client:
    """A test client that fills in the CSRF token the way a browser form would.

    It reads English unless a test asks for another language (Arabic is the app's default:
    tests of the default use ``client.raw``).
    """

    def __init__(self, flask_client):
        self.raw = flask_client

    @staticmethod
    def _english(kwargs):
        kwargs["headers"] = {"Accept-Language": "en", **kwargs.get("headers", {})}
        return kwargs

    def get(self, url, **kwargs):
        return self.raw.get(url, **self._english(kwargs))

    def token(self, url: str = "/signin") -> str:
        page = self.raw.get(url).get_data(as_text=True)
        match = CSRF_FIELD.search(page)
        assert match, f"no CSRF token on {url}"
        return match.group(1) or match.group(2)

    def post(self, url, data=None, form_url: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(form_url or url))
        return self.raw.post(url, data=data, **self._english(kwargs))

    def signin(self, login: str, password: str = DEMO_PASSWORD, **extra):
        return self.post("/signin", {"login": login, "password": password, **extra})

    def signout(self):
        return self.post("/signout", form_url="/")


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def make_client(app):
    return lambda: Client(app.test_client())


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)


def pytest_sessionfinish(session, exitstatus):
    """CI must not pass with the PostgreSQL or browser tests skipped."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("REQUIRE_BROWSER") and any("browser" in r.nodeid for r in skipped):
        reporter.write_line("REQUIRE_BROWSER is set but browser tests were skipped", red=True)
        session.exitstatus = 1


class ClosedBeforeSending:
    """Werkzeug's development server skips closing a response when the browser drops the
    connection (a page left while a photo loads), leaving the file open; gunicorn does close it.
    The test server hands each body over whole, its file already closed, so the leak checks
    (warnings are errors) keep measuring our code, not the test server."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, ClosedBeforeSending(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class Mailbox:
    """A real SMTP server on a free port (aiosmtpd), keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, to: str, count: int = 1, timeout: float = 15):
        """The messages sent to ``to`` once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        while len(found := [m for m in self.messages if m["To"] == to]) < count:
            assert time.monotonic() < deadline, f"{count} message(s) to {to} did not arrive"
            time.sleep(0.05)
        return found

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox(app, monkeypatch):
    """The app sends its e-mail to a real local SMTP server for the test."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield box
    controller.stop()
