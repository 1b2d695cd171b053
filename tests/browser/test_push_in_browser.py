"""Web push in real Chromium: turning it on from a tap on the account page, a push message
delivered to the real service worker (DevTools protocol) showing its text in Arabic, the tap that
opens the case, and sign-out ending the phone's subscription."""

from __future__ import annotations

import json

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.notifications.models import Notification, PushSubscription
from app.notifications.services import push_payload
from tests.browser.conftest import wait_for_service_worker, wait_until

ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test"

# Headless Chromium has no push service (subscribe() is refused in a fresh profile and never
# answers in a persistent one), so the browser's half of subscribe() is stood in for; the page's
# flow, the permission, the POST to the server and everything after it are real.
FAKE_PUSH_SERVICE = """
(() => {
  let current = null;
  const make = () => ({
    endpoint: "ENDPOINT",
    toJSON() {
      return { endpoint: this.endpoint, keys: { p256dh: "P256DH", auth: "tBHItJI5svbpez7KI4CCXg" } };
    },
    unsubscribe() { current = null; return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function () { current = make(); return Promise.resolve(current); };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
""".replace("ENDPOINT", ENDPOINT).replace(
    "P256DH", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
)


def subscriptions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(s.endpoint, s.language) for s in db.session.scalars(sa.select(PushSubscription))]


def test_a_push_reaches_the_service_worker_shows_in_arabic_and_opens_the_case(phone, demo, files, app, live_server):
    tab = phone("ar-MA")
    tab.context.grant_permissions(["notifications"], origin=live_server)
    tab.context.add_init_script(FAKE_PUSH_SERVICE)
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    wait_for_service_worker(tab.page)
    section = tab.page.locator("[data-push]")
    expect(section.locator("[data-push-nojs]")).to_be_hidden()
    section.locator("[data-push-on]").click()  # permission is asked from this tap
    expect(section.locator("[data-push-off]")).to_be_visible()
    expect(section.locator("[data-push-status]")).to_have_text(section.get_attribute("data-text-on"))
    assert subscriptions(app) == [(ENDPOINT, "ar")]
    assert tab.fits_the_screen()
    tab.screenshot("push-settings-ar-360")

    with app.app_context():
        case = files.submitted()
        case_id, reference = case.id, case.reference
        notification = db.session.scalar(sa.select(Notification))
        payload = push_payload(notification, "ar")  # what the worker encrypts for this phone

    cdp = tab.context.new_cdp_session(tab.page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    ours = lambda: [r for r in registrations if r["scopeURL"] == live_server + "/" and not r["isDeleted"]]  # noqa: E731
    for _ in range(100):  # the protocol reports registrations as events, shortly after enable
        if ours():
            break
        tab.page.wait_for_timeout(100)
    registration = ours()[0]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload, ensure_ascii=False),
        },
    )
    shown = (
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(ns => ns.map(n => ({title: n.title, body: n.body, dir: n.dir, lang: n.lang, url: n.data.url})))"
    )
    wait_until(tab.page, shown.replace("}))))", "})))).then(list => list.length === 1)"))
    [seen] = tab.page.evaluate(shown)
    assert seen["title"] == "جماعتي" and reference in seen["body"] and seen["dir"] == "rtl" and seen["lang"] == "ar"

    # The tap: the service worker's notificationclick handler, given the notification shown.
    tab.goto("/notifications/")
    expect(tab.page.locator("main .card .badge")).to_be_visible()  # unread
    tab.screenshot("inbox-ar-360")
    worker = tab.context.service_workers[0]
    worker.evaluate("""self.registration.getNotifications().then(([notification]) =>
        self.dispatchEvent(new NotificationEvent("notificationclick", { notification })))""")
    tab.page.wait_for_url(f"{live_server}/permits/{case_id}")
    expect(tab.page.locator("header .badge")).to_have_count(0)  # read now
    assert tab.page.evaluate("navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length)") == 0

    tab.page.locator("form[action='/signout'] button").click()
    tab.page.wait_for_url(lambda url: url.rstrip("/") == live_server)
    assert subscriptions(app) == []
    assert tab.errors == []


def test_without_javascript_the_page_says_so_and_the_inbox_still_works(phone, demo, files, app):
    with app.app_context():
        case_id = files.submitted().id
    tab = phone("ar-MA", javascript=False)
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    section = tab.page.locator("[data-push]")
    expect(section.locator("[data-push-nojs]")).to_be_visible()
    expect(section.locator("[data-push-on]")).to_be_hidden()
    expect(tab.page.locator("header .badge")).to_have_text("1")
    tab.page.locator("header a[href='/notifications/']").click()
    tab.page.locator("main .card button").click()  # reading is a POST: a form, no JavaScript needed
    tab.page.wait_for_url(f"**/permits/{case_id}")
    expect(tab.page.locator("header .badge")).to_have_count(0)


# The same stand-in, kept across page loads as the browser keeps a real subscription.
LASTING_PUSH_SERVICE = (
    FAKE_PUSH_SERVICE.replace(
        "let current = null;", "let current = null; const kept = localStorage.getItem('fake-push');"
    )
    .replace("unsubscribe() { current = null;", "unsubscribe() { current = null; localStorage.removeItem('fake-push');")
    .replace("current = make(); return", "current = make(); localStorage.setItem('fake-push', '1'); return")
    .replace(
        "PushManager.prototype.getSubscription", "if (kept) current = make();\n  PushManager.prototype.getSubscription"
    )
)


def test_the_next_person_on_the_phone_does_not_get_the_pushes_of_the_last_one(phone, demo, app, live_server):
    # The first person's session ended without signing out (it expired): the phone's subscription
    # is theirs, and would keep showing their notifications to whoever signs in next.
    tab = phone("en-GB")
    tab.context.grant_permissions(["notifications"], origin=live_server)
    tab.context.add_init_script(LASTING_PUSH_SERVICE)
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    wait_for_service_worker(tab.page)
    tab.page.locator("[data-push-on]").click()
    expect(tab.page.locator("[data-push-off]")).to_be_visible()
    assert len(subscriptions(app)) == 1
    tab.context.clear_cookies()  # the session is over
    tab.sign_in("clerk@demo.ma")
    tab.goto("/account")
    expect(tab.page.locator("[data-push-on]")).to_be_visible()  # not "on": that was someone else's
    assert tab.page.evaluate("localStorage.getItem('fake-push')") is None
    assert tab.errors == []


def test_turning_off_without_a_connection_says_so_and_signing_out_ends_the_subscription(phone, demo, app, live_server):
    tab = phone("en-GB")
    tab.context.grant_permissions(["notifications"], origin=live_server)
    tab.context.add_init_script(LASTING_PUSH_SERVICE)
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    wait_for_service_worker(tab.page)
    section = tab.page.locator("[data-push]")
    section.locator("[data-push-on]").click()
    expect(section.locator("[data-push-off]")).to_be_visible()
    tab.context.set_offline(True)
    section.locator("[data-push-off]").click()  # the phone's subscription ends; the server hears of it later (410)
    expect(section.locator("[data-push-status]")).to_have_text(section.get_attribute("data-text-off"))
    assert [e for e in tab.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    tab.context.set_offline(False)
    section.locator("[data-push-on]").click()
    expect(section.locator("[data-push-off]")).to_be_visible()
    tab.page.locator("form[action='/signout'] button").click()
    tab.page.wait_for_url(lambda url: url.rstrip("/") == live_server)
    wait_until(tab.page, "localStorage.getItem('fake-push') === null")
    assert subscriptions(app) == []
