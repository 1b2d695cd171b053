"""Web push end to end on loopback: the worker encrypts for the subscription's keys (aes128gcm),
a receiver decrypts it as the phone would; the push service down, rate-limited or saying the
subscription is gone; sign-out; and two workers on PostgreSQL sending each push once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from app.core.dates import aware, utcnow
from app.extensions import db
from app.notifications import push, services, worker
from app.notifications.models import Notification, PushDelivery, PushSubscription
from app.permits import services as permits
from tests.complaints.helpers import user
from tests.notifications.receiver import Browser, b64


def phone(app, receiver, email: str = "citizen@demo.ma", language: str = "ar", name: str = "phone") -> Browser:
    browser = Browser(f"{receiver.base}/push/{name}")
    with app.app_context():
        services.subscribe(user(email), f"device-{name}", browser.endpoint, browser.p256dh, browser.auth, language)
    return browser


def work_once(app) -> None:
    result = app.test_cli_runner().invoke(args=["notifications", "work", "--once"])
    assert result.exit_code == 0, result.output


def deliveries(app) -> list[PushDelivery]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(PushDelivery).order_by(PushDelivery.id)))
        db.session.expunge_all()
        return rows


def test_a_receipt_reaches_each_phone_encrypted_in_that_phones_language(app, demo, files, receiver):
    arabic, french = phone(app, receiver, language="ar", name="a"), phone(app, receiver, language="fr", name="b")
    with app.app_context():
        case = files.submitted()
        permits.mark_complete(case, user("clerk@demo.ma"))
        reference, case_id = case.reference, case.id
        notification_ids = list(db.session.scalars(sa.select(Notification.id).order_by(Notification.id)))
    work_once(app)
    key = push_key(app)
    assert len(receiver.received) == 4  # two notifications, two phones
    by_phone = {"a": [], "b": []}
    for request in receiver.received:
        browser = arabic if request.path.endswith("/a") else french
        by_phone[request.path[-1]].append(browser.decrypt(request))
        assert request.headers["content-encoding"] == "aes128gcm"
        assert request.headers["ttl"] == str(48 * 3600) and request.headers["urgency"] == "normal"
        assert Vapid.verify(request.headers["authorization"])  # a valid VAPID token…
        assert f"k={key}" in request.headers["authorization"]  # …signed with the server's key
    receipt, status = by_phone["a"]
    assert receipt["lang"] == "ar" and receipt["dir"] == "rtl" and receipt["title"] == "جماعتي"
    assert reference in receipt["body"] and receipt["url"] == f"/notifications/{notification_ids[0]}"
    assert "قيد الدراسة" in status["body"]  # "Under review", in Arabic
    receipt_fr, status_fr = by_phone["b"]
    assert receipt_fr["lang"] == "fr" and receipt_fr["dir"] == "ltr" and receipt_fr["title"] == "Jamaati"
    assert "En cours d’instruction" in status_fr["body"]
    assert all(d.sent_at is not None and d.attempts == 1 for d in deliveries(app))
    work_once(app)
    assert len(receiver.received) == 4  # sent once
    assert f"/permits/{case_id}" == services_url(app, notification_ids[0])


def services_url(app, notification_id: int) -> str:
    with app.app_context():
        return db.session.get(Notification, notification_id).url


def test_the_push_service_down_delays_notifications_it_never_loses_them(app, demo, files, receiver):
    browser = phone(app, receiver)
    receiver.answer(503, times=2)
    with app.app_context():
        files.submitted()
    work_once(app)
    assert receiver.received == []
    [delivery] = deliveries(app)
    assert (
        delivery.attempts == 1
        and delivery.sent_at is None
        and delivery.failed_at is None
        and "503" in delivery.last_error
    )
    first_retry = aware(delivery.next_attempt_at)
    assert first_retry > utcnow()
    work_once(app)  # not due yet: nothing is tried
    assert deliveries(app)[0].attempts == 1
    with app.app_context():
        worker.deliver_due(now=first_retry)  # still down: waits longer
        second = db.session.get(PushDelivery, delivery.id)
        assert second.attempts == 2 and second.sent_at is None
        assert aware(second.next_attempt_at) - first_retry == timedelta(seconds=worker.BACKOFF_BASE_SECONDS * 2)
        sent = worker.deliver_due(now=aware(second.next_attempt_at))  # back up
    assert sent == 1 and len(receiver.received) == 1
    assert "تم استلام طلبك" in browser.decrypt(receiver.received[0])["body"]  # the receipt, in the phone's Arabic


def test_an_unreachable_push_service_is_retried(app, demo, files, receiver):
    phone(app, receiver)
    receiver.close()  # nobody listens on that port any more
    with app.app_context():
        files.submitted()
    work_once(app)
    [delivery] = deliveries(app)
    assert delivery.attempts == 1 and delivery.sent_at is None and delivery.failed_at is None
    assert "ConnectionError" in delivery.last_error


def test_too_many_requests_waits_as_long_as_the_push_service_says(app, demo, files, receiver):
    phone(app, receiver)
    receiver.answer(429, Retry_After="120")
    with app.app_context():
        files.submitted()
        now = utcnow()
        worker.deliver_due(now=now)
        delivery = db.session.scalar(sa.select(PushDelivery))
        assert aware(delivery.next_attempt_at) == now + timedelta(seconds=120)
        assert worker.deliver_due(now=now + timedelta(seconds=119)) == 0
        assert worker.deliver_due(now=now + timedelta(seconds=120)) == 1


def test_a_subscription_the_browser_dropped_is_removed(app, demo, files, receiver):
    phone(app, receiver)
    receiver.answer(410)
    with app.app_context():
        files.submitted()
    work_once(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1  # still in the inbox


def test_a_refused_push_is_kept_for_inspection_not_retried(app, demo, files, receiver):
    phone(app, receiver)
    receiver.answer(400)
    with app.app_context():
        files.submitted()
    work_once(app)
    [delivery] = deliveries(app)
    assert delivery.failed_at is not None and delivery.last_error.startswith("400")
    with app.app_context():
        assert worker.deliver_due(now=utcnow() + timedelta(days=1)) == 0
    assert receiver.received == []


def test_a_password_change_elsewhere_stops_this_phones_pushes(app, demo, files, receiver):
    phone(app, receiver)
    with app.app_context():
        files.submitted()
        user("citizen@demo.ma").session_version += 1  # what changing the password does
        db.session.commit()
    work_once(app)
    assert receiver.received == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_a_phone_subscribes_from_the_account_page_and_sign_out_unsubscribes_it(app, client, demo, receiver):
    browser = Browser(f"{receiver.base}/push/x")
    client.signin("citizen@demo.ma")
    page = client.get("/account").get_data(as_text=True)
    assert "Notifications on this phone" in page and push_key(app) in page
    token = client.token("/account")
    answer = client.raw.post(
        "/notifications/push/subscribe",
        json={"subscription": browser.subscription_json(), "language": "fr"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 204
    with app.app_context():
        [stored] = db.session.scalars(sa.select(PushSubscription)).all()
        assert (stored.endpoint, stored.language) == (browser.endpoint, "fr")
    client.post("/language", {"lang": "ar"}, form_url="/account")  # the footer's switch, on this phone
    with app.app_context():
        assert db.session.scalar(sa.select(PushSubscription.language)) == "ar"
    client.signout()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def push_key(app) -> str:
    with app.app_context():
        return push.public_key()


@pytest.mark.parametrize("endpoint", ["https://evil.example/collect", "http://169.254.169.254/latest", "not a url", ""])
def test_the_server_posts_only_to_browsers_push_services(app, client, demo, endpoint):
    client.signin("citizen@demo.ma")
    token = client.token("/account")
    body = {"subscription": {"endpoint": endpoint, "keys": {"p256dh": "BAAA", "auth": "AAAA"}}, "language": "ar"}
    assert (
        client.raw.post("/notifications/push/subscribe", json=body, headers={"X-CSRFToken": token}).status_code == 400
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_subscribing_needs_the_csrf_token(app, client, demo, receiver):
    client.signin("citizen@demo.ma")
    body = {"subscription": Browser(f"{receiver.base}/push/x").subscription_json(), "language": "ar"}
    assert client.raw.post("/notifications/push/subscribe", json=body).status_code == 400


def test_two_workers_on_postgresql_send_each_notification_once(app, demo, files, receiver):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; SQLite runs one worker")
    phones = [phone(app, receiver, name=str(n)) for n in range(3)]
    with app.app_context():
        case = files.submitted()
        clerk = user("clerk@demo.ma")
        for n in range(12):
            permits.add_note(case, clerk, f"Message {n}", public=True)
        expected = db.session.scalar(sa.select(sa.func.count()).select_from(PushDelivery))
    assert expected == 13 * 3
    start = threading.Barrier(2)
    errors = []

    def run_worker():
        with app.app_context():
            try:
                start.wait()
                worker.deliver_due()
            except Exception as error:  # reported below: a thread's failure must fail the test
                errors.append(error)

    threads = [threading.Thread(target=run_worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seen = [(r.path, phones[int(r.path[-1])].decrypt(r)["url"]) for r in receiver.received]
    assert len(seen) == expected and len(set(seen)) == expected  # every (phone, notification) once


def test_a_person_keeps_a_few_phones_not_an_endless_list(app, demo, receiver):
    browsers = [phone(app, receiver, name=f"p{n}") for n in range(services.MAX_DEVICES + 1)]
    with app.app_context():
        kept = set(db.session.scalars(sa.select(PushSubscription.endpoint)))
    assert kept == {b.endpoint for b in browsers[1:]}  # the oldest went


def test_without_push_keys_the_account_page_offers_the_inbox_only(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", None)
    app.extensions.pop("jamaati_vapid", None)
    client.signin("citizen@demo.ma")
    page = client.get("/account")
    assert page.status_code == 200 and "data-push" not in page.get_data(as_text=True)
    app.extensions.pop("jamaati_vapid", None)


def test_the_deadlines_command_tells_the_clerks(app, demo, files):
    with app.app_context():
        case = files.submitted()
        permits.mark_complete(case, user("clerk@demo.ma"))
        case.clock_started_on = permits.today() - timedelta(days=90)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["notifications", "deadlines"])
    assert result.exit_code == 0 and "deadline reminders: 2 sent" in result.output


def test_demo_mode_generates_the_key_pair_once_into_the_instance_folder(app, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", None)
    app.extensions.pop("jamaati_vapid", None)
    with app.app_context():
        first = push.public_key()
        app.extensions.pop("jamaati_vapid")  # a restart, or the worker beside the server
        assert push.public_key() == first
    key_file = tmp_path / push.VAPID_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(first) == 87
    app.extensions.pop("jamaati_vapid", None)


def test_production_reads_the_key_from_the_environment(app, monkeypatch):
    key = Vapid()
    key.generate_keys()
    raw = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", b64(raw))  # what `vapid --gen` users paste
    app.extensions.pop("jamaati_vapid", None)
    with app.app_context():
        assert push.public_key() == b64(key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    app.extensions.pop("jamaati_vapid", None)


def test_turning_on_twice_keeps_what_the_phone_still_has_to_receive(app, demo, files, receiver):
    browser = phone(app, receiver, language="ar")
    with app.app_context():
        files.submitted()
        services.subscribe(
            user("citizen@demo.ma"), "device-phone", browser.endpoint, browser.p256dh, browser.auth, "fr"
        )
    work_once(app)
    [received] = receiver.received
    assert browser.decrypt(received)["lang"] == "fr"  # the language it was last turned on in


def test_another_account_on_the_same_phone_takes_the_subscription_over(app, demo, files, receiver):
    browser = phone(app, receiver)
    with app.app_context():
        files.submitted()  # a receipt waiting for citizen@demo.ma on this phone
        other = files.citizen("second@demo.ma", "Second")
        services.subscribe(other, "device-phone", browser.endpoint, browser.p256dh, browser.auth, "ar")
        other_id = other.id
    work_once(app)
    assert receiver.received == []  # the first account's receipt does not show to the second person
    with app.app_context():
        [subscription] = db.session.scalars(sa.select(PushSubscription)).all()
        assert subscription.user_id == other_id


def test_sent_pushes_are_purged_after_a_week_refused_ones_are_kept(app, demo, files, receiver):
    phone(app, receiver)
    phone(app, receiver, name="broken")
    receiver.answer(201)
    receiver.answer(400)
    with app.app_context():
        files.submitted()
    work_once(app)
    with app.app_context():
        worker.purge_sent(now=utcnow() + timedelta(days=8))
        [kept] = db.session.scalars(sa.select(PushDelivery)).all()
        assert kept.failed_at is not None
