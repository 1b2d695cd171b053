"""Offline as people really use it, in real Chromium: pages reached by tapping stay readable from
the home screen, the agent downloads the day's work on purpose, keys and times are made on the
phone, and the service worker sends the outbox itself, with no page open (ODK Collect's lessons)."""

from __future__ import annotations

import io
import re
import socket
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from app.core.dates import aware
from app.inspections.models import InspectionReport
from tests.browser.conftest import SCREENSHOTS, wait_for_service_worker, wait_until
from tests.browser.test_inspections_offline import site_photos, write_report
from tests.browser.test_offline import complaints, fill, guest_on_the_form, send, stored, stored_drafts
from tests.inspections.helpers import complaint_to_check, permit_in_site_visit

__all__ = ["site_photos"]  # a fixture, used by name

ALL_KEPT_PAGES = """caches.open('pages').then(async (cache) => Promise.all((await cache.keys()).map(async (key) => {
    const copy = await cache.match(key);
    return [new URL(key.url).pathname + new URL(key.url).search, copy.headers.get('Content-Type'), await copy.text()];
})))"""


def kept_pages(page) -> dict[str, tuple[str, str]]:
    return {path: (kind, body) for path, kind, body in page.evaluate(ALL_KEPT_PAGES)}


def readable_offline(tab, path: str, heading: str) -> None:
    """Opened from the home screen (its own address) with no connection: the saved copy, whole."""
    tab.goto(path)
    expect(tab.page.locator("main h1").first).to_contain_text(heading)
    expect(tab.page.locator("[data-offline-copy-notice]")).to_be_visible()
    expect(tab.page.locator("section[lang=fr] h1")).to_have_count(0)  # not the "No connection" page


def tap(page, selector: str, path: str) -> str:
    """Tap a link; the heading of the page it leads to."""
    page.locator(selector).first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    expect(page.locator("main h1").first).to_be_visible()
    return page.locator("main h1").first.inner_text()


def test_pages_a_citizen_tapped_through_open_offline_from_the_home_screen(phone, app, demo, files):
    with app.app_context():
        case_id = files.submitted().id
    tab = phone("ar-MA")
    page = tab.page
    tab.sign_in("citizen@demo.ma")  # the first page; from here on, taps only
    wait_for_service_worker(page)
    headings = {}
    headings[f"/permits/{case_id}"] = tap(page, f"main a[href='/permits/{case_id}']", f"/permits/{case_id}")
    headings["/drafts"] = tap(page, "header a[href='/drafts']", "/drafts")
    headings["/account"] = tap(page, "header a[href='/account']", "/account")
    tap(page, "a.brand", "/")
    headings["/track"] = tap(page, "main a[href='/track']", "/track")
    headings["/"] = tap(page, "a.brand", "/")
    wait_until(page, "caches.open('pages').then((c) => c.keys()).then((k) => k.length >= 5)")
    for path, (kind, body) in kept_pages(page).items():  # whole pages, never a fragment under a page's key
        assert kind.startswith("text/html") and body.startswith('<!doctype html><html lang="ar" dir="rtl">'), path
        assert "<head>" in body and "build/jamaati.js" in body and body.rstrip().endswith("</html>"), path

    tab.context.set_offline(True)
    readable_offline(tab, "/?source=pwa", headings["/"])  # the home screen's start URL
    for path, heading in headings.items():
        readable_offline(tab, path, heading)
    tab.page.locator(f"main a[href='/permits/{case_id}']").first.click()  # tapping on, offline: the copy in full
    expect(page.locator("main h1").first).to_have_text(headings[f"/permits/{case_id}"])
    assert tab.fits_the_screen()
    tab.context.set_offline(False)


def test_the_very_first_visit_is_kept_once_the_worker_takes_over(phone, demo):
    tab = phone("en-GB")
    tab.goto("/track")  # before any service worker: it cannot keep this page itself
    wait_for_service_worker(tab.page)
    wait_until(tab.page, "caches.open('pages').then((c) => c.match('/track')).then(Boolean)")
    tab.context.set_offline(True)
    readable_offline(tab, "/track", "Track")
    tab.context.set_offline(False)


def test_the_no_connection_page_opens_the_page_by_itself_when_the_signal_is_back(phone, demo):
    tab = phone("en-GB")
    tab.goto("/")
    wait_for_service_worker(tab.page)
    tab.context.set_offline(True)
    tab.goto("/about")  # never seen: "No connection"
    expect(tab.page.locator("section[lang=fr] h1")).to_be_visible()
    expect(tab.page.locator("section[lang=en] [data-retry-online]")).to_be_visible()
    tab.context.set_offline(False)  # nothing tapped: the page itself tries again
    expect(tab.page.locator("section[lang=fr]")).to_have_count(0, timeout=20_000)
    expect(tab.page.locator("main h1")).to_contain_text("Jamaati")


def test_a_page_the_server_fails_to_give_shows_its_saved_copy(phone, app, demo, monkeypatch):
    # The database down, a bug: a 5xx is no better than no connection when the phone has a copy.
    tab = phone("en-GB")
    tab.sign_in("citizen@demo.ma")
    wait_for_service_worker(tab.page)
    heading = tap(tab.page, "header a[href='/account']", "/account")
    tap(tab.page, "a.brand", "/")

    def down():
        raise RuntimeError("the database is away")

    monkeypatch.setattr(app, "view_functions", {**app.view_functions, "main.account": down})
    tab.page.locator("header a[href='/account']").click()  # tapped: the copy, in full
    expect(tab.page.locator("[data-offline-copy-notice]")).to_be_visible()
    expect(tab.page.locator("main h1")).to_have_text(heading)
    readable_offline(tab, "/account", heading)  # opened from its address: the same


def test_saved_pages_are_bounded_the_least_recently_used_out(phone, demo):
    tab = phone("en-GB")
    tab.goto("/about")
    wait_for_service_worker(tab.page)
    counts = tab.page.evaluate("""async () => {
        const keep = (n, size) => jamaatiOffline.keepPage(`/bound-${n}`, "x".repeat(size), {});
        for (let n = 0; n < 65; n++) await keep(n, 10);
        const cache = await caches.open("pages");
        const kept = (await cache.keys()).map((k) => new URL(k.url).pathname);
        for (let n = 65; n < 70; n++) await keep(n, 3 * 1024 * 1024);  // 15 MB of pages
        const big = (await cache.keys()).map((k) => new URL(k.url).pathname);
        return [kept.length, kept.includes("/bound-0"), kept.includes("/bound-64"), big];
    }""")
    assert counts[:3] == [60, False, True]  # 60 pages at most, the oldest out
    assert counts[3][-3:] == ["/bound-67", "/bound-68", "/bound-69"] and len(counts[3]) < 10  # ≤ 10 MB


# --- the agent's day --------------------------------------------------------------------------


def reports(app) -> list[InspectionReport]:
    return stored(app, InspectionReport)


def fire_background_sync(tab, registration_id: str) -> None:
    """The browser's Background Sync, fired through DevTools from a tab that is not the app's."""
    blank = tab.context.new_page()
    blank.goto("about:blank")
    cdp = tab.context.new_cdp_session(blank)
    cdp.send("ServiceWorker.enable")
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": tab.base_url, "registrationId": registration_id, "tag": "outbox", "lastChance": False},
    )
    blank.close()


def registration_of(tab) -> str:
    cdp = tab.context.new_cdp_session(tab.page)
    found = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if found:
            break
        tab.page.wait_for_timeout(100)
    [registration] = {r["registrationId"] for r in found if not r["isDeleted"]}
    return registration


def test_an_agent_downloads_the_day_works_offline_and_the_reports_arrive_once_with_the_page_closed(
    phone, app, demo, site_photos
):
    case_id, visit_id = permit_in_site_visit(app)
    _, check_id = complaint_to_check(app)
    tab = phone("ar-MA")
    page = tab.page
    tab.context.grant_permissions(["background-sync"])
    tab.sign_in("agent@demo.ma")
    wait_for_service_worker(page)
    my_day = tap(page, "main a[href='/inspections/']", "/inspections/")
    box = page.locator("[data-offline-work]")
    expect(page.locator("[data-offline-urls]").first).to_have_text(box.get_attribute("data-missing"))
    box.locator("button").click()  # "Download today's work"
    expect(box.locator("[data-offline-status]")).to_contain_text(re.compile(r"\d:\d\d"))
    expect(page.locator(".offline-kept")).to_have_count(2)  # each inspection: on the phone, since when
    expect(box.locator("[data-offline-summary]")).to_contain_text("2")
    assert tab.fits_the_screen()
    tab.screenshot("inspections-my-day-downloaded-ar-360", full_page=True)
    documents = page.locator(f"[data-inspection='{visit_id}'] [data-offline-urls]").get_attribute("data-offline-urls")
    assert "/permits/files/" in documents  # the documents to bring come too
    registration = registration_of(tab)

    tab.context.set_offline(True)
    readable_offline(tab, "/inspections/", my_day)  # from its address
    written = {}
    for inspection_id in (visit_id, check_id):
        page.locator(f"[data-inspection='{inspection_id}'] h2 a").click()  # tapped, offline
        expect(page.locator("#findings")).to_be_visible()
        expect(page.locator("[data-offline-copy-notice]")).to_be_visible()
        expect(page.locator(".checklist-form legend").first).to_be_visible()
        before = datetime.now(UTC)
        write_report(page, f"المعاينة رقم {inspection_id}", site_photos)
        expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()  # kept on the phone
        written[inspection_id] = (before, datetime.now(UTC))
        page.locator("a.back").click()  # back to My day, offline
        expect(page.locator("[data-offline-work]")).to_be_visible()
    for url in documents.split():
        assert page.evaluate(f"jamaatiOffline.keptPage({url!r}).then(Boolean)"), url
    assert reports(app) == []

    page.close()  # the agent puts the phone away: no page of the app is open
    time.sleep(2)  # the phone's time on site and the time received must differ
    tab.context.set_offline(False)
    fire_background_sync(tab, registration)
    deadline = time.monotonic() + 60
    while len(reports(app)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    found = {r.inspection_id: r for r in reports(app)}
    assert sorted(found) == sorted([visit_id, check_id])
    for inspection_id, report in found.items():
        before, after = written[inspection_id]
        assert before - timedelta(seconds=1) <= aware(report.filed_at) <= after  # the phone's time on site
        assert aware(report.received_at) - aware(report.filed_at) >= timedelta(seconds=2)
        assert len(report.photos) == 2
    fire_background_sync(tab, registration)  # fired again: nothing twice
    time.sleep(1)
    assert len(reports(app)) == 2

    again = tab.context.new_page()  # the app opened again: it says what was sent meanwhile
    again.goto(tab.base_url + "/inspections/")
    expect(again.locator("[data-outbox] a[href*='/inspections/reports/']")).to_have_count(2)
    SCREENSHOTS.mkdir(exist_ok=True)
    again.screenshot(path=str(SCREENSHOTS / "outbox-sent-while-closed-ar-360.png"), caret="initial")


# --- complaints written offline ---------------------------------------------------------------


@pytest.fixture
def lost_answers(app, monkeypatch):
    """The server files each complaint, then the phone never hears back (the connection drops)
    the first time a key is sent: the phone must send it again, and it must stay one record."""
    seen = set()
    wsgi_app = app.wsgi_app

    def drop_first_answer(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or not environ["PATH_INFO"].startswith("/complaints/new"):
            return wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        key = re.search(rb'name="idempotency_key"\r\n\r\n([^\r]+)', body)
        environ["wsgi.input"] = io.BytesIO(body)
        answer = b"".join(wsgi_app(environ, start_response))
        if key and key.group(1) not in seen:
            seen.add(key.group(1))
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)  # stored, and the answer is lost
        return [answer]

    monkeypatch.setattr(app, "wsgi_app", drop_first_answer)
    return seen


def test_two_complaints_written_offline_in_a_saved_copy_with_lost_answers_are_two_records(
    phone, app, demo, lost_answers
):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.set_offline(True)
    page.reload()  # the saved copy of the form, with the key the server put in it
    expect(page.locator("[data-offline-copy-notice]")).to_be_visible()
    copy = page.evaluate("jamaatiOffline.keptPage(location.href).then((copy) => copy.text())")
    [copy_key] = re.findall(r'name="idempotency_key" type="hidden" value="([^"]+)"', copy)
    for description in ("A hole in the road by the school", "The street light is out"):
        fill(page, description=description)
        send(page)
        expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    keys = [d["key"] for d in stored_drafts(page)]
    assert len(set(keys)) == 2 and copy_key not in keys  # made on the phone, never the page's

    tab.context.set_offline(False)  # sent, the answers lost; sent again a little later
    sent = page.locator("[data-outbox] a[href*='/complaints/filed/']")
    expect(sent).to_have_count(2, timeout=60_000)  # the phone says "sent" for both
    found = complaints(app)
    assert sorted(c.description for c in found) == ["A hole in the road by the school", "The street light is out"]
    assert len(lost_answers) == 2 and stored_drafts(page) == []
    page.locator("header a[href='/drafts']").click()
    expect(page.locator("[data-sent-list] li")).to_have_count(2)  # and "My drafts" keeps the receipts
    assert len(complaints(app)) == 2


def test_background_sync_with_no_page_open_delivers_the_outbox(phone, app, demo):
    tab = guest_on_the_form(phone, locale="ar-MA")
    tab.context.grant_permissions(["background-sync"])
    registration = registration_of(tab)
    tab.context.set_offline(True)
    fill(tab.page, description="مصباح الشارع مطفأ منذ أسبوع")
    send(tab.page)
    expect(tab.page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    tab.page.close()
    tab.context.set_offline(False)
    assert complaints(app) == []
    fire_background_sync(tab, registration)
    deadline = time.monotonic() + 30
    while not complaints(app) and time.monotonic() < deadline:
        time.sleep(0.2)
    [complaint] = complaints(app)
    assert complaint.description == "مصباح الشارع مطفأ منذ أسبوع" and complaint.written_at is not None
    assert aware(complaint.received_at) > aware(complaint.written_at)


def test_a_replay_that_hangs_on_a_bad_connection_gives_up_and_the_next_goes(phone, app, demo):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.add_init_script("SyncManager.prototype.register = () => Promise.resolve();")  # the page sends
    page.reload()
    tab.context.set_offline(True)
    for description in ("Sent first, and it hangs", "Sent second"):
        fill(page, description=description)
        send(page)
        expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    hung = []

    def first_post_hangs(route):
        if route.request.method == "POST" and not hung:
            hung.append(route)  # never answered, like a 2G request that stalls
        else:
            route.continue_()

    tab.context.route(re.compile(r"/complaints/new\?"), first_post_hangs)
    tab.context.set_offline(False)
    deadline = time.monotonic() + 120  # the one that hung gives up after its timeout and is tried again later
    while len(complaints(app)) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(500)  # Playwright answers the routes while it waits
    assert hung  # one request never answered...
    assert sorted(c.description for c in complaints(app)) == ["Sent first, and it hangs", "Sent second"]  # ...once each
    expect(page.locator("[data-outbox] a[href*='/complaints/filed/']").first).to_be_visible()
    hung[0].abort()
