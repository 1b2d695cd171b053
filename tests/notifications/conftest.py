import pytest
from py_vapid import Vapid

from tests.notifications.receiver import PushReceiver


@pytest.fixture
def receiver(app, monkeypatch):
    """A push service on loopback that the app is allowed to post to, and a fresh VAPID key."""
    push_service = PushReceiver()
    key = Vapid()
    key.generate_keys()
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", key.private_pem().decode())
    monkeypatch.setitem(app.config, "PUSH_SERVICE_HOSTS", ("127.0.0.1",))
    app.extensions.pop("jamaati_vapid", None)
    yield push_service
    app.extensions.pop("jamaati_vapid", None)
    push_service.close()
