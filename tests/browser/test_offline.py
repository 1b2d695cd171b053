"""Offline drafts and the outbox in real Chromium with network emulation: a complaint written
without a connection waits on the phone and is filed exactly once when the connection is back;
a lost answer is replayed to the same reference; a refusal keeps the draft and says what to fix;
photos leave the phone lighter."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.communes.services import COMMUNE_COOKIE
from app.complaints.models import Complaint
from app.extensions import db
from tests.browser.conftest import wait_for_service_worker, wait_until
from tests.complaints.helpers import CHEFCHAOUEN_CODE, REFERENCE

FORM = "form[data-offline]"
PHOTO_LIMIT = 400 * 1024


@pytest.fixture
def camera_photo(tmp_path):
    """A 4,000×3,000 photo with grain, so it does not compress trivially (like a phone's)."""
    path = tmp_path / "camera.jpg"
    grain = Image.effect_noise((1000, 750), 64).convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    scene = Image.radial_gradient("L").convert("RGB").resize((4000, 3000))
    Image.blend(grain, scene, 0.5).save(path, quality=92)
    assert path.stat().st_size > 1_000_000
    return path


def stored(app, model) -> list:
    """Every record of ``model`` (complaints, reports), photos loaded, readable after the session ends."""
    with app.app_context():
        found = list(db.session.scalars(sa.select(model).execution_options(skip_commune_scope=True)))
        for record in found:
            record.photos  # noqa: B018 (loaded while the session is open)
        db.session.expunge_all()
        return found


def complaints(app) -> list[Complaint]:
    return stored(app, Complaint)


def script_errors(tab) -> list[str]:
    """What went wrong in the page, not counting the requests refused while offline."""
    return [error for error in tab.errors if "net::ERR_INTERNET_DISCONNECTED" not in error]


def guest_on_the_form(phone, locale="ar-MA"):
    """A guest of Chefchaouen, the service worker in control and the form page seen once."""
    tab = phone(locale)
    tab.context.add_cookies([{"name": COMMUNE_COOKIE, "value": CHEFCHAOUEN_CODE, "url": tab.base_url}])
    tab.goto("/complaints/new")
    wait_for_service_worker(tab.page)
    tab.goto("/drafts")  # seen once, so both pages open offline
    tab.goto("/complaints/new")
    return tab


def fill(page, description="حفرة كبيرة أمام المدرسة", photo=None, phone_number=None):
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", index=0)
    page.fill("#description", description)
    page.fill("#location_text", "حي السويقة")
    if phone_number:
        page.fill("#contact_phone", phone_number)
    if photo:
        page.set_input_files("#photos", str(photo))
        size = photo.stat().st_size
        wait_until(
            page,
            "!document.querySelector('#photos[aria-busy]') && "
            f"document.querySelector('#photos').files[0].size < {size}",
        )


def send(page):
    page.locator(f"{FORM} button:not([type=button])").last.click()


def stored_drafts(page) -> list[dict]:
    """The drafts in the phone's IndexedDB, with the size of each photo kept."""
    return page.evaluate("""() => new Promise((resolve) => {
        const opening = indexedDB.open("jamaati");
        opening.onsuccess = () => {
            const all = opening.result.transaction("drafts").objectStore("drafts").getAll();
            all.onsuccess = () => resolve(all.result.map((d) => ({
                key: d.key, queued: d.queued, problems: d.problems, title: d.title,
                description: (d.fields.find(([name]) => name === "description") || [])[1],
                photos: d.fields.filter(([, value]) => value instanceof Blob).map(([, value]) => value.size),
            })));
        };
    })""")


def until(page, check) -> None:
    """Wait (up to 15 s) for something the page does in its own time, like an autosave."""
    for _ in range(150):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page never got there")


def test_a_complaint_written_offline_waits_on_the_phone_and_is_filed_once_when_back_online(
    phone, app, demo, camera_photo
):
    tab = guest_on_the_form(phone)
    page = tab.page
    tab.context.set_offline(True)
    fill(page, photo=camera_photo)
    send(page)

    notice = page.locator("[data-outbox]")
    expect(notice.locator("a[href='/drafts']")).to_be_visible()  # queued: "kept on this phone"
    expect(page.locator("#description")).to_have_value("")  # the form is free for the next one
    assert tab.fits_the_screen()
    tab.screenshot("outbox-queued-ar-360")

    page.reload()  # still offline: the service worker's copy of the page, the outbox intact
    expect(page.locator("#description")).to_be_visible()
    [draft] = stored_drafts(page)
    assert draft["queued"] and draft["description"] == "حفرة كبيرة أمام المدرسة"
    assert len(draft["photos"]) == 1 and draft["photos"][0] <= PHOTO_LIMIT
    # The saved copy of the page carries the key of the first load: the next complaint gets its own.
    expect(page.locator("[name=idempotency_key]")).not_to_have_value(draft["key"])
    page.fill("#description", "complaint number two")
    until(page, lambda: len(stored_drafts(page)) == 2)  # saved as typed, next to the queued one
    assert sorted(d["description"] for d in stored_drafts(page)) == ["complaint number two", "حفرة كبيرة أمام المدرسة"]
    page.locator("header a[href='/drafts']").click()
    item = page.locator("[data-drafts-list] li")
    expect(item).to_have_count(2)
    status = item.locator("[data-draft-status]")
    expect(status.first).to_have_text(status.first.get_attribute("data-draft"))  # the newest: being written
    expect(status.last).to_have_text(status.last.get_attribute("data-queued"))
    tab.screenshot("drafts-queued-ar-360")
    assert complaints(app) == []

    tab.context.set_offline(False)  # the `online` event sends the outbox
    receipt_link = notice.locator("a")
    expect(receipt_link).to_have_attribute("href", re.compile(r"/complaints/filed/\d+$"))
    expect(item).to_have_count(1)  # only the draft still being written
    tab.screenshot("outbox-sent-ar-360")
    receipt_link.click()
    reference = page.locator(".receipt .reference")
    expect(reference).to_have_text(REFERENCE)
    [complaint] = complaints(app)
    assert complaint.reference == reference.inner_text().strip() and len(complaint.photos) == 1
    assert complaint.description == "حفرة كبيرة أمام المدرسة"
    assert [d["description"] for d in stored_drafts(page)] == ["complaint number two"]
    page.reload()  # loading the app again sends nothing twice
    expect(reference).to_be_visible()
    assert len(complaints(app)) == 1
    assert script_errors(tab) == []


@pytest.fixture
def tab_without_worker(browser, live_server):
    """A phone tab with no service worker: requests it passes on could escape Playwright's routing."""
    from tests.browser.conftest import PHONE, Phone

    context = browser.new_context(viewport=PHONE, locale="ar-MA", service_workers="block")
    yield Phone(context, live_server)
    context.close()


def test_a_complaint_stored_but_whose_answer_was_lost_is_replayed_to_the_same_reference(tab_without_worker, app, demo):
    tab = tab_without_worker
    tab.context.add_cookies([{"name": COMMUNE_COOKIE, "value": CHEFCHAOUEN_CODE, "url": tab.base_url}])
    tab.goto("/complaints/new")
    page = tab.page
    posts = []

    def cut_the_first_answer(route):
        posts.append(route.request.method)
        if len(posts) == 1:
            route.fetch()  # the server files it...
            route.abort("connectionreset")  # ...and the answer never reaches the phone
        else:
            route.continue_()

    page.route(re.compile(r"/complaints/new\?commune="), cut_the_first_answer)
    fill(page, description="إنارة عمومية معطلة")
    send(page)
    reference = page.locator(".receipt .reference")
    expect(reference).to_have_text(REFERENCE)
    assert posts == ["POST", "POST"]
    [complaint] = complaints(app)
    assert complaint.reference == reference.inner_text().strip()
    assert stored_drafts(page) == []


def test_a_replay_refused_for_a_wrong_answer_keeps_the_draft_and_says_what_to_fix(phone, app, demo):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.set_offline(True)
    fill(page, description="A broken street light", phone_number="12")
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    tab.context.set_offline(False)

    notice = page.locator("[data-outbox]")
    expect(notice).to_contain_text("Enter a Moroccan mobile number")
    [draft] = stored_drafts(page)
    assert not draft["queued"] and draft["description"] == "A broken street light"
    assert complaints(app) == []
    tab.goto("/drafts")
    item = page.locator("[data-drafts-list] li")
    expect(item.locator("[data-draft-problems]")).to_contain_text("Enter a Moroccan mobile number")
    tab.screenshot("drafts-refused-en-360")

    item.locator("[data-draft-open]").click()  # back to the form, filled, with what to fix
    expect(page.locator("#description")).to_have_value("A broken street light")
    expect(page.locator("#contact_phone")).to_have_value("12")
    expect(notice).to_contain_text("Enter a Moroccan mobile number")
    page.fill("#contact_phone", "0612345678")
    send(page)
    expect(page.locator(".receipt .reference")).to_have_text(REFERENCE)
    assert len(complaints(app)) == 1 and stored_drafts(page) == []


def test_a_draft_is_restored_with_a_notice_when_the_visitor_comes_back(phone, app, demo):
    tab = guest_on_the_form(phone)
    page = tab.page
    fill(page, description="أزبال متراكمة")
    until(page, lambda: [d["description"] for d in stored_drafts(page)] == ["أزبال متراكمة"])
    tab.goto("/")
    tab.goto("/complaints/new")
    expect(page.locator("#description")).to_have_value("أزبال متراكمة")
    expect(page.locator("[data-outbox]")).to_be_visible()
    tab.screenshot("draft-restored-ar-360")
    assert complaints(app) == []


def test_a_new_service_worker_takes_over_without_breaking_the_form_being_filled(phone, app, demo, monkeypatch):
    from app.pwa import routes

    tab = guest_on_the_form(phone)
    page = tab.page
    fill(page, description="الطريق مقطوع")
    old_shell = page.evaluate("caches.keys().then((keys) => keys.find((k) => k.startsWith('shell-')))")
    monkeypatch.setattr(routes, "SHELL", (*routes.SHELL, "icons/icon-512.png"))  # a new version is deployed
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(
        page, f"caches.keys().then((keys) => keys.some((k) => k.startsWith('shell-')) && !keys.includes('{old_shell}'))"
    )
    wait_until(page, "navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === 'activated'")
    expect(page.locator("#description")).to_have_value("الطريق مقطوع")
    page.fill("#location_text", "قرب المسجد")
    send(page)
    expect(page.locator(".receipt .reference")).to_have_text(REFERENCE)
    [complaint] = complaints(app)
    assert complaint.location_text == "قرب المسجد"
    assert script_errors(tab) == []


def test_a_camera_photo_leaves_the_phone_resized_and_under_400_kb(phone, app, demo, camera_photo, monkeypatch):
    from app.complaints import services

    received = []  # what reached the server, before it re-encodes it
    store_upload = services.store_upload

    def measured(upload, kinds):
        received.append(upload.stream.read())
        upload.stream.seek(0)
        return store_upload(upload, kinds)

    monkeypatch.setattr(services, "store_upload", measured)
    tab = guest_on_the_form(phone)
    page = tab.page
    fill(page, photo=camera_photo)
    send(page)
    expect(page.locator(".receipt .reference")).to_have_text(REFERENCE)
    [photo] = received
    assert len(photo) <= PHOTO_LIMIT
    assert Image.open(io.BytesIO(photo)).size == (1600, 1200)
    assert len(complaints(app)[0].photos) == 1


def test_a_permit_application_replayed_after_the_session_ended_waits_for_sign_in(phone, app, demo):
    from app.permits.models import PermitCase

    tab = phone("en-GB")
    page = tab.page
    tab.sign_in("citizen@demo.ma")
    tab.goto("/permits/new")
    assert tab.fits_the_screen()  # "My drafts" in the header too
    tab.screenshot("permit-new-signed-in-en-360")
    tab.context.set_offline(True)
    page.locator("input[name=permit_type]").first.check()
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()

    tab.context.clear_cookies()  # days later: the session is gone
    tab.context.set_offline(False)
    expect(page.locator("[data-outbox]")).to_contain_text("Sign in again")
    [draft] = stored_drafts(page)
    assert not draft["queued"] and draft["title"] == "Permit application"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PermitCase)) == 0

    tab.sign_in("citizen@demo.ma")
    tab.goto("/permits/new")
    expect(page.locator("input[name=permit_type]").first).to_be_checked()  # the draft is back
    send(page)
    page.wait_for_url(re.compile(r"/permits/\d+$"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PermitCase)) == 1
    assert stored_drafts(page) == []
    assert script_errors(tab) == []


def test_background_sync_sends_the_outbox(phone, app, demo, monkeypatch):
    from app.complaints import services

    tab = guest_on_the_form(phone)
    page = tab.page
    cdp = tab.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    tab.context.set_offline(True)
    fill(page, description="مصباح الشارع مطفأ")
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()

    attempts = []

    def down(*args, **kwargs):
        attempts.append(1)
        raise RuntimeError("the server is down for a moment")

    monkeypatch.setattr(services, "file_complaint", down)
    tab.context.set_offline(False)  # the replay on `online` meets a 500: it stays in the outbox
    until(page, lambda: attempts)
    expect(page.locator("[data-outbox]")).to_contain_text("500")  # and the phone says so
    assert [d["queued"] for d in stored_drafts(page)] == [True] and complaints(app) == []
    monkeypatch.undo()  # back up: only a sync event (the page replays on load and online only) sends it now
    [registration] = {r["registrationId"] for r in registrations if not r["isDeleted"]}
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": tab.base_url, "registrationId": registration, "tag": "outbox", "lastChance": False},
    )
    expect(page.locator("[data-outbox] a")).to_have_attribute("href", re.compile(r"/complaints/filed/\d+$"))
    assert len(complaints(app)) == 1 and stored_drafts(page) == []


def test_a_guest_shown_the_complaints_nearby_can_still_send_theirs(phone, app, demo):
    # The page that lists the complaints nearby marks the form "seen"; restoring the draft over it
    # must not unmark it, or "Send mine anyway" shows the same list again, for ever.
    from tests.complaints.helpers import file as file_complaint

    file_complaint(app, position=(35.1690, -5.2638))
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    fill(page, description="A hole in the road")
    page.fill("#latitude", "35.1688")
    page.fill("#longitude", "-5.2636")
    send(page)
    expect(page.locator("#duplicates-title")).to_be_visible()
    send(page)
    expect(page.locator(".receipt .reference")).to_be_visible()
    assert len(complaints(app)) == 2
    assert script_errors(tab) == []


def test_a_phone_that_refuses_background_sync_still_queues_without_a_script_error(phone, app, demo):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.add_init_script(
        "SyncManager.prototype.register = () => "
        "Promise.reject(new DOMException('Background Sync is disabled', 'NotAllowedError'));"
    )
    page.reload()
    tab.context.set_offline(True)
    fill(page, description="A broken bench")
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    page.wait_for_timeout(500)
    assert script_errors(tab) == []
    tab.context.set_offline(False)  # replayed on `online` all the same
    expect(page.locator("[data-outbox] a")).to_have_attribute("href", re.compile(r"/complaints/filed/\d+$"))
    assert len(complaints(app)) == 1


def test_a_page_seen_before_an_update_still_works_offline_after_it(phone, app, demo, monkeypatch):
    # The saved copy names the old script and style versions; the new worker dropped that shell.
    from app import web

    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    old_shell = page.evaluate("caches.keys().then((keys) => keys.find((k) => k.startsWith('shell-')))")
    version = web._static_version
    monkeypatch.setattr(web, "_static_version", lambda folder, name: "1" + version(folder, name)[1:])  # all changed
    tab.goto("/")  # the update is found on a visit, as on a phone
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(
        page, f"caches.keys().then((keys) => keys.some((k) => k.startsWith('shell-')) && !keys.includes('{old_shell}'))"
    )
    tab.context.new_cdp_session(page).send(
        "Network.clearBrowserCache"
    )  # the browser's own cache is not to be counted on
    tab.context.set_offline(True)
    tab.goto("/complaints/new")  # the copy saved before the update
    wait_until(page, "!!window.jamaatiOffline && getComputedStyle(document.body).margin !== '8px'")
    fill(page, description="Saved before the update")
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    tab.context.set_offline(False)
    expect(page.locator("[data-outbox] a")).to_have_attribute("href", re.compile(r"/complaints/filed/\d+$"))
    assert len(complaints(app)) == 1


def test_only_a_page_with_an_offline_form_loads_the_forms_part_and_a_tapped_one_gets_it(phone, demo):
    # Most pages have no form to keep: they do not pay for that script on 2G; a tapped form still
    # keeps its draft on the phone.
    tab = phone("ar-MA")
    page = tab.page
    tab.context.add_cookies([{"name": COMMUNE_COOKIE, "value": CHEFCHAOUEN_CODE, "url": tab.base_url}])
    forms_script = []
    page.on("request", lambda request: "/build/forms.js" in request.url and forms_script.append(request.url))
    tab.goto("/")
    page.wait_for_load_state("networkidle")
    assert forms_script == []
    page.locator("main a[href^='/complaints/new']").first.click()
    page.wait_for_url("**/complaints/new**")
    page.fill("#description", "حفرة كبيرة أمام المدرسة")
    until(page, lambda: [d["description"] for d in stored_drafts(page)] == ["حفرة كبيرة أمام المدرسة"])
    assert len(forms_script) == 1
