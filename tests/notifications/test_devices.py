"""A phone's subscription: odd bodies are refused (never a 500), a phone that changes hands
stops receiving the previous account's pushes, and a password change keeps this phone's."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notifications import services
from app.notifications.models import PushSubscription
from tests.complaints.helpers import user
from tests.notifications.receiver import Browser
from tests.notifications.test_push import work_once

SUBSCRIBE = "/notifications/push/subscribe"


def subscribe(client, browser: Browser, language: str = "fr"):
    token = client.token("/account")
    return client.raw.post(
        SUBSCRIBE,
        json={"subscription": browser.subscription_json(), "language": language},
        headers={"X-CSRFToken": token},
    )


def subscriptions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id)).all()
        return [(endpoint, user_id) for endpoint, user_id in rows]


@pytest.mark.parametrize(
    "body", ["[1, 2]", '"subscription"', "5", "null", '{"subscription": [1]}', '{"subscription": {"keys": 3}}']
)
def test_a_body_that_is_not_a_subscription_is_refused_not_a_500(app, client, demo, body):
    client.signin("citizen@demo.ma")
    token = client.token("/account")
    answer = client.raw.post(SUBSCRIBE, data=body, headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert subscriptions(app) == []


@pytest.mark.parametrize("where", ["endpoint", "p256dh", "auth"])
def test_a_nul_byte_in_a_subscription_is_refused(app, client, demo, receiver, where):
    browser = Browser(f"{receiver.base}/push/x")
    body = browser.subscription_json()
    if where == "endpoint":
        body["endpoint"] += "\x00"
    else:
        body["keys"][where] += "\x00"
    client.signin("citizen@demo.ma")
    token = client.token("/account")
    assert (
        client.raw.post(
            SUBSCRIBE, json={"subscription": body, "language": "ar"}, headers={"X-CSRFToken": token}
        ).status_code
        == 400
    )
    assert subscriptions(app) == []


def test_signing_in_on_a_phone_stops_the_previous_accounts_pushes_there(app, client, demo, files, receiver):
    """A shared phone: the citizen's session ran out (no sign-out), the clerk signs in on it."""
    browser = Browser(f"{receiver.base}/push/shared")
    client.signin("citizen@demo.ma")
    assert subscribe(client, browser).status_code == 204
    for name in ("session", "remember_token"):
        client.raw.delete_cookie(name)
    client.signin("clerk@demo.ma")
    assert subscriptions(app) == []
    with app.app_context():
        files.submitted()  # the citizen's receipt: it must not show on the clerk's phone
    work_once(app)
    assert receiver.received == []


def test_signing_in_again_keeps_the_same_accounts_phone(app, client, demo, receiver):
    browser = Browser(f"{receiver.base}/push/mine")
    client.signin("citizen@demo.ma")
    assert subscribe(client, browser).status_code == 204
    for name in ("session", "remember_token"):
        client.raw.delete_cookie(name)
    client.signin("citizen@demo.ma")
    with app.app_context():
        assert subscriptions(app) == [(browser.endpoint, user("citizen@demo.ma").id)]


def test_changing_the_password_on_a_phone_keeps_that_phones_pushes(app, client, make_client, demo, files, receiver):
    here, there = Browser(f"{receiver.base}/push/here"), Browser(f"{receiver.base}/push/there")
    other = make_client()
    other.signin("citizen@demo.ma")
    assert subscribe(other, there).status_code == 204
    client.signin("citizen@demo.ma")
    assert subscribe(client, here).status_code == 204
    answer = client.post(
        "/account/password",
        {"current_password": "jamaati-demo", "new_password": "a-new-pass-2026", "confirm": "a-new-pass-2026"},
    )
    assert answer.status_code == 303
    with app.app_context():
        files.submitted()
    work_once(app)
    assert {r.path for r in receiver.received} == {"/push/here"}  # the other phone is signed out, this one is not
    assert [endpoint for endpoint, _ in subscriptions(app)] == [here.endpoint]


def test_a_long_device_cookie_is_the_same_device_at_sign_out(app, client, demo, receiver):
    client.raw.set_cookie("push_device", "d" * 100)
    client.signin("citizen@demo.ma")
    assert subscribe(client, Browser(f"{receiver.base}/push/long")).status_code == 204
    assert len(subscriptions(app)) == 1
    client.signout()
    assert subscriptions(app) == []


@pytest.mark.parametrize(
    "endpoint",
    [
        # urlsplit reads fcm.googleapis.com, requests posts to 127.0.0.1
        "https://127.0.0.1\\@fcm.googleapis.com/fcm/send/x",
        "https://169.254.169.254\\.fcm.googleapis.com/latest",  # requests posts to 169.254.169.254
        "https://user@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:99999/fcm/send/x",
        "https://fcm.googleapis.com /fcm/send/x",
    ],
)
def test_an_endpoint_that_only_looks_like_a_push_service_is_refused(app, client, demo, endpoint):
    client.signin("citizen@demo.ma")
    token = client.token("/account")
    body = {"subscription": {"endpoint": endpoint, "keys": {"p256dh": "BAAA", "auth": "AAAA"}}, "language": "ar"}
    assert client.raw.post(SUBSCRIBE, json=body, headers={"X-CSRFToken": token}).status_code == 400
    assert subscriptions(app) == []


def test_real_push_services_endpoints_are_still_accepted(app):
    with app.test_request_context():
        for endpoint in (
            "https://fcm.googleapis.com/fcm/send/dK9x:APA91bH-x_y",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
            "https://web.push.apple.com/QOz4-Ab_c",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2b%2fxyz",
        ):
            assert services.allowed_endpoint(endpoint), endpoint


def test_the_worker_never_posts_to_a_stored_endpoint_that_is_not_a_push_service(app, demo, files, receiver):
    """A subscription stored before the stricter check: dropped by the worker, never sent to."""
    with app.app_context():
        db.session.add(
            PushSubscription(
                user_id=user("citizen@demo.ma").id,
                device="old-device",
                language="fr",
                endpoint=f"http://127.0.0.1\\@{receiver.base.split('//')[1]}/push/evil",
                p256dh="BAAA",
                auth="AAAA",
            )
        )
        db.session.commit()
        files.submitted()
    work_once(app)
    assert receiver.received == [] and subscriptions(app) == []


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


OFF_CURVE = b"\x04" + bytes(range(1, 65))  # 65 bytes, uncompressed form, not a point of P-256


@pytest.mark.parametrize(
    ("p256dh", "auth"),
    [
        ("BAAA", "AAAA"),
        ("garbage", "garbage"),
        (_b64(OFF_CURVE), None),
        (_b64(b"\x02" + bytes(32)), None),  # the compressed form
        ("+/+/", None),  # standard base64, not base64url
        (None, _b64(bytes(15))),  # RFC 8291's secret is 16 bytes
        (None, _b64(bytes(17))),
        (None, "not base64url!"),
        (None, ""),
    ],
)
def test_a_subscription_with_keys_that_cannot_encrypt_is_refused_with_a_translated_message(
    app, client, demo, receiver, p256dh, auth
):
    browser = Browser(f"{receiver.base}/push/x")  # a real endpoint: only the keys are wrong
    body = browser.subscription_json()
    body["keys"] = {
        "p256dh": browser.p256dh if p256dh is None else p256dh,
        "auth": browser.auth if auth is None else auth,
    }
    client.signin("citizen@demo.ma")
    token = client.token("/account")
    answer = client.raw.post(
        SUBSCRIBE,
        json={"subscription": body, "language": "fr"},
        headers={"X-CSRFToken": token, "Accept-Language": "fr"},
    )
    assert answer.status_code == 400
    assert "clés" in answer.get_json()["error"]  # in the phone's language
    assert subscriptions(app) == []


def test_a_real_browsers_keys_are_taken(app, client, demo, receiver):
    client.signin("citizen@demo.ma")
    assert subscribe(client, Browser(f"{receiver.base}/push/x")).status_code == 204
    assert len(subscriptions(app)) == 1
