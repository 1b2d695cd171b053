"""A permit's whole journey tapped through on two 320 px phones throttled to 3G, in Arabic and in
French. The citizen signs in, applies (the three steps, the documents: camera photos and a PDF),
sends. The clerk signs in, finds the file in the queue, asks for a document; the citizen adds it
and says so; the clerk finds the file complete, requests a site visit and records it (with a camera
photo), records the commission's opinions received on paper, approves, issues, opens the
certificate and its /verify page (the QR code's address). The citizen follows it on /track.

On every page of both sides: no 5xx, no sideways scroll at 320 px, no English sentence of the
catalogue left untranslated, no axe-core violation; every file sent ≤ 400 KB (photos made lighter
by the phone), and every file input says what it takes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from app.core.dates import today
from tests.browser.conftest import LANGUAGES, NARROW, SCREENSHOTS
from tests.browser.test_performance_in_browser import axe_violations
from tests.browser.test_uploads_on_the_phone import camera_photo, unstated_file_inputs
from tests.permits.helpers import MINIMAL_PDF

ROOT = Path(__file__).resolve().parents[2]
# Chrome DevTools' "3G": 750 kbit/s down, 250 kbit/s up, 100 ms latency.
THREE_G = {"offline": False, "latency": 100, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}
MOST_SENT = 400 * 1024


def english_sentences(language: str) -> list[str]:
    """The catalogue's English sentences whose translation differs (placeholders cut out)."""
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    found = []
    for message in catalog:
        text = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = message.string[0] if isinstance(message.string, tuple) else message.string
        if not text or translated == text or "%(" in text or len(text) < 12 or " " not in text:
            continue
        found.append(text)
    return found


class Journey:
    """What both sides meet, collected in one place and told at once."""

    def __init__(self, language: str):
        self.language = language
        self.english = english_sentences(language)
        self.problems: list[str] = []
        self.sent: list[tuple[str, int]] = []  # every form sent with a file: its address and size
        self.states: list[str] = []

    def side(self, tab, who: str) -> Side:
        return Side(self, tab, who)


class Side:
    """One person's phone (the citizen's, the clerk's): taps, and a look at every page it leads to."""

    def __init__(self, journey: Journey, tab, who: str):
        self.journey, self.tab, self.page, self.who = journey, tab, tab.page, who
        tab.on_a_slow_network(THREE_G)
        self.page.on("response", self._response)
        self.page.on("request", self._request)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.journey.problems.append(f"{self.who}: {response.status} from {response.url}")

    def _request(self, request) -> None:
        if request.method == "POST" and "multipart/form-data" in (request.header_value("content-type") or ""):
            self.journey.sent.append((request.url, int(request.header_value("content-length") or 0)))

    def look(self, name: str) -> None:
        journey, page = self.journey, self.page
        name = f"{self.who}: {name}"
        page.wait_for_load_state("networkidle")  # a boosted link swaps the page without a "load"
        journey.states.append(name)
        if not self.tab.fits_the_screen():
            journey.problems.append(f"{name}: scrolls sideways at 320 px")
        text = page.locator("body").inner_text()
        left = [sentence for sentence in journey.english if sentence in text]
        if left:
            journey.problems.append(f"{name}: untranslated {left}")
        if page.locator("input[type=file]").count():
            journey.problems += [f"{name}: {field}" for field in unstated_file_inputs(page, journey.language)]
        violations = axe_violations(page)
        if violations:
            journey.problems.append(f"{name}: axe {violations}")

    def tap(self, selector: str, name: str, then=None) -> None:
        """Tap, wait for what the tap leads to (a locator that shows), then look at the page."""
        link = self.page.locator(selector).first
        href = link.get_attribute("href")
        link.click()
        if href:
            self.page.wait_for_url(f"**{href}", timeout=60_000)
        if then is not None:
            expect(then).to_be_visible(timeout=60_000)
        self.look(name)

    def send(self, name: str, form: str = "main form", then=None) -> None:
        """A form sent with its own button (not a button that only helps fill it in)."""
        self.tap(f"{form} button:not([type=button])", name, then=then)

    def sign_in(self, login: str) -> None:
        """From the home page, by the header's link, as a person does."""
        page = self.page
        self.tap(".top-nav a[href='/signin']", "sign-in")
        page.fill("#login", login)
        page.fill("#password", "jamaati-demo")
        page.locator("main button.button").click()
        page.wait_for_url(lambda url: "/signin" not in url)
        self.look("signed-in")

    def add_file(self, item_id: str, path: Path) -> None:
        """One file added to a checklist item of the documents step: it ticks."""
        item = self.page.locator(f"#{item_id}")
        files_before = item.locator(".doc-file").count()  # one may be there already (asked for again)
        item.locator("input[type=file]").set_input_files(str(path))
        expect(item.locator("input[type=file]")).not_to_have_attribute("aria-busy", "true", timeout=30_000)
        item.locator("button").click()
        try:
            expect(item.locator(".doc-file")).to_have_count(files_before + 1, timeout=60_000)
            expect(item.locator(".tick")).to_have_text("✓")
        except AssertionError:
            self.tab.screenshot(f"journey-3g-failed-{self.journey.language}")
            raise AssertionError(item.inner_text() + str(self.journey.problems) + str(self.tab.errors)) from None


def _status(side: Side, status: str):
    return side.page.locator(f"main .status-{status}").first


def _citizen_applies(citizen: Side, pdf: Path, photo: Path) -> str:
    """From the home page to the receipt; returns the file's address."""
    page = citizen.page
    citizen.tab.goto("/")
    citizen.look("home")
    citizen.sign_in("citizen@demo.ma")
    citizen.tap("main a[href^='/permits']", "apply")
    if not page.url.endswith("/permits/new"):
        citizen.tap("main a[href='/permits/new']", "new-application")
    page.locator("input[name=permit_type]").first.check()
    citizen.send("task-list", then=page.locator("ol.task-list"))
    case_path = page.url.removeprefix(citizen.tab.base_url)

    citizen.tap("ol.task-list a[href$='/applicant']", "applicant")
    page.fill("#applicant_address", "12 زنقة الأندلس، شفشاون")
    citizen.send("task-list-1", then=page.locator("ol.task-list"))
    citizen.tap("ol.task-list a[href$='/parcel']", "parcel")
    page.fill("#land_title", "12345/08")
    page.fill("#address", "حي السلام، شفشاون")
    page.fill("#latitude", "35.1688")
    page.fill("#longitude", "-5.2636")
    citizen.send("task-list-2", then=page.locator("ol.task-list"))
    citizen.tap("ol.task-list a[href$='/details']", "details")
    page.locator("input[name=use]").first.check()
    page.fill("#floor_area", "140,5")
    page.fill("#levels", "2")
    citizen.send("task-list-3", then=page.locator("ol.task-list"))
    citizen.tap("ol.task-list a[href$='/documents']", "documents")
    # A camera photo for the first document and where only a photo will do, a PDF elsewhere: each
    # photo takes some 13 s to send on 3G, and two more are sent later.
    required = page.evaluate("[...document.querySelectorAll('.doc-item:not(:has(.muted))')].map(e => e.id)")
    for index, item_id in enumerate(required):
        accepts_pdf = "pdf" in (page.locator(f"#{item_id} input[type=file]").get_attribute("accept") or "")
        citizen.add_file(item_id, pdf if accepts_pdf and index else photo)
    citizen.look("documents-added")
    citizen.tap("main a.back", "task-list-4", then=page.locator("main a[href$='/check']"))
    citizen.tap("main a[href$='/check']", "check")
    citizen.send("receipt", "form[action$='/check']", then=page.locator(".receipt"))
    citizen.tab.screenshot(f"journey-3g-receipt-{citizen.journey.language}-320")
    return case_path


def _clerk_opens_the_file(clerk: Side, reference: str) -> None:
    clerk.tap(f"main a:has-text('{reference}')", "file")


def _clerk_asks_for_a_document(clerk: Side, reference: str) -> None:
    page = clerk.page
    clerk.tab.goto("/")
    clerk.look("home")
    clerk.sign_in("clerk@demo.ma")
    clerk.tap("main .cards a[href='/desk/permits']", "queue")
    _clerk_opens_the_file(clerk, reference)
    page.locator("details:has(form[action$='/request-documents']) summary").click()
    page.check("input[name=ask_property]")
    page.fill("input[name=reason_property]", "شهادة الملكية غير موجودة / Le certificat de propriété manque")
    clerk.send("documents-requested", "form[action$='/request-documents']", then=_status(clerk, "documents_requested"))


def _citizen_adds_it(citizen: Side, case_path: str, photo: Path) -> None:
    page = citizen.page
    citizen.tap(".top a.brand", "home-after-sending")
    citizen.tap(f"main a[href='{case_path}']", "file-documents-requested", then=page.locator(".panel-action"))
    citizen.tap(".panel-action a.button", "documents-requested")
    citizen.add_file("doc-property", photo)
    citizen.look("document-added")
    citizen.tap("main a.back", "file-document-added")
    citizen.send("documents-provided", "form[action$='/provide']", then=_status(citizen, "submitted"))


def _clerk_instructs_and_decides(clerk: Side, reference: str, photo: Path) -> None:
    page = clerk.page
    clerk.tap("main a.back", "queue-again")
    _clerk_opens_the_file(clerk, reference)
    clerk.send("complete", "form[action$='/complete']", then=_status(clerk, "under_review"))

    page.locator("details:has(form[action$='/site-visit/request']) summary").click()
    page.locator("input[name=visit_type]").first.check()
    page.fill("input[name=due_on]", (today() + timedelta(days=7)).isoformat())
    clerk.send("site-visit-requested", "form[action$='/site-visit/request']", then=_status(clerk, "site_visit"))
    page.fill("textarea[name=visit_note]", "الأشغال لم تبدأ بعد / Travaux non commencés")
    page.locator("form[action$='/site-visit/record'] input[type=file]").set_input_files(str(photo))
    clerk.send("site-visit-recorded", "form[action$='/site-visit/record']", then=_status(clerk, "under_review"))

    opinions = page.locator("#commission details")
    for recorded in range(opinions.count()):
        opinion = opinions.first
        opinion.locator("summary").click()
        opinion.locator("input[value=favourable]").check()
        given = page.locator("#commission .verdict").nth(recorded)
        clerk.send(f"opinion-{recorded + 1}", "#commission details form", then=given)

    page.locator("details:has(form[action$='/approve']) summary").click()
    page.fill("form[action$='/approve'] textarea[name=conditions]", "احترام علو 8 أمتار")
    clerk.send("approved", "form[action$='/approve']", then=_status(clerk, "approved"))
    clerk.send("issued", "form[action$='/issue']", then=_status(clerk, "issued"))
    clerk.tap("main a[href$='/certificate']", "certificate", then=page.locator(".certificate .qr svg"))
    page.goto(page.locator(".verify-url").inner_text().strip())  # the QR code, scanned
    clerk.look("verify")
    expect(page.locator(".verdict-box-valid")).to_be_visible()


def _citizen_tracks_it(citizen: Side, reference: str, code: str) -> None:
    page = citizen.page
    citizen.tap(".top a.brand", "home-at-the-end")
    citizen.tap("main a[href='/track']", "track")
    page.fill("#reference", reference)
    page.fill("#code", code)
    citizen.send("tracked", then=page.locator("main .timeline"))
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("main .status-issued").first).to_be_visible()


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_a_permit_journey_tapped_on_slow_phones(phone, demo, tmp_path, locale, language):
    journey = Journey(language)
    citizen = journey.side(phone(locale, viewport=NARROW), "citizen")
    clerk = journey.side(phone(locale, viewport=NARROW), "clerk")
    pdf = tmp_path / "plans.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(camera_photo())

    case_path = _citizen_applies(citizen, pdf, photo)
    reference = citizen.page.locator(".receipt strong.big").first.inner_text()
    code = citizen.page.locator(".receipt strong.big").nth(1).inner_text()
    _clerk_asks_for_a_document(clerk, reference)
    _citizen_adds_it(citizen, case_path, photo)
    _clerk_instructs_and_decides(clerk, reference, photo)
    _citizen_tracks_it(citizen, reference, code)

    too_heavy = [f"sent {size} bytes to {url}" for url, size in journey.sent if size > MOST_SENT]
    problems = journey.problems + too_heavy
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"journey-3g-problems-{language}.txt").write_text("\n".join(problems), encoding="utf-8")
    assert problems == []
    # The PDF is a few kB; a photo, made lighter, still weighs tens of kB: three were sent, none over 400 KB.
    assert len([size for _, size in journey.sent if size > 20_000]) >= 3, journey.sent
    assert len([s for s in journey.states if s.startswith("clerk")]) >= 12, journey.states
    assert len(journey.states) >= 30, journey.states
    assert [e for e in citizen.tab.errors + clerk.tab.errors if "422" not in e] == []
