import pytest

from app.api.services import issue_key
from app.extensions import db


@pytest.fixture
def api_key(app, demo):
    """Two open communes (the demo data) and a key for one client application."""
    with app.app_context():
        _, key = issue_key("Test client")
        db.session.remove()
    return key


@pytest.fixture
def api(app):
    return app.test_client()
