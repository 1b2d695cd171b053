"""A citizen's permit journey tapped through on a 320 px phone throttled to 3G, in Arabic and in
French: sign in, apply, the three steps, the documents (a camera photo and a PDF), check and
send, then /track with the receipt's code. On every page: no 5xx, no sideways scroll at 320 px,
no English sentence of the catalogue left untranslated, no axe-core violation; every photo
sent ≤ 400 KB."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.browser.test_performance_in_browser import axe_violations
from tests.browser.test_uploads_on_the_phone import camera_photo
from tests.permits.helpers import MINIMAL_PDF

ROOT = Path(__file__).resolve().parents[2]
# Chrome DevTools' "3G": 750 kbit/s down, 250 kbit/s up, 100 ms latency.
THREE_G = {"offline": False, "latency": 100, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}


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
    def __init__(self, tab, language: str):
        self.tab, self.page, self.language = tab, tab.page, language
        self.english = english_sentences(language)
        self.problems: list[str] = []
        self.photos: list[int] = []
        self.states = 0
        self.page.on("response", self._response)
        self.page.on("request", self._request)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.url}")

    def _request(self, request) -> None:
        if request.method == "POST" and request.url.endswith("/documents"):
            self.photos.append(int(request.header_value("content-length") or 0))

    def look(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")  # a boosted link swaps the page without a "load"
        self.states += 1
        if not self.tab.fits_the_screen():
            self.problems.append(f"{name}: scrolls sideways at 320 px")
        text = page.locator("body").inner_text()
        left = [sentence for sentence in self.english if sentence in text]
        if left:
            self.problems.append(f"{name}: untranslated {left}")
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{name}: axe {violations}")

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


def _send_form(journey: Journey, name: str) -> None:
    """A step sent: back on the task list, with its "Saved" message."""
    journey.tap("main form button:not([type=button])", name, then=journey.page.locator("ol.task-list"))


@pytest.mark.parametrize(("locale", "language"), [("ar-MA", "ar"), ("fr-MA", "fr")])
def test_a_permit_journey_tapped_on_a_slow_phone(browser, live_server, demo, tmp_path, locale, language):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale=locale, device_scale_factor=1)
    try:
        from tests.browser.conftest import Phone

        tab = Phone(context, live_server)
        cdp = context.new_cdp_session(tab.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THREE_G)
        journey = Journey(tab, language)
        page = tab.page
        pdf = tmp_path / "plans.pdf"
        pdf.write_bytes(MINIMAL_PDF)
        photo = tmp_path / "IMG_2041.jpg"
        photo.write_bytes(camera_photo())

        tab.goto("/")
        journey.look("home")
        journey.tap("main a[href='/signin']", "sign-in")
        page.fill("#login", "citizen@demo.ma")
        page.fill("#password", "jamaati-demo")
        page.locator("main button.button").click()
        page.wait_for_url(lambda url: "/signin" not in url)
        journey.look("home-signed-in")
        journey.tap("main a[href^='/permits']", "apply")
        if not page.url.endswith("/permits/new"):
            journey.tap("main a[href='/permits/new']", "new-application")
        page.locator("input[name=permit_type]").first.check()
        _send_form(journey, "task-list")

        journey.tap("ol.task-list a[href$='/applicant']", "applicant")
        page.fill("#applicant_address", "12 زنقة الأندلس، شفشاون")
        _send_form(journey, "task-list-1")
        journey.tap("ol.task-list a[href$='/parcel']", "parcel")
        page.fill("#land_title", "12345/08")
        page.fill("#address", "حي السلام، شفشاون")
        page.fill("#latitude", "35.1688")
        page.fill("#longitude", "-5.2636")
        _send_form(journey, "task-list-2")
        journey.tap("ol.task-list a[href$='/details']", "details")
        page.locator("input[name=use]").first.check()
        page.fill("#floor_area", "140,5")
        page.fill("#levels", "2")
        _send_form(journey, "task-list-3")
        journey.tap("ol.task-list a[href$='/documents']", "documents")
        required = page.evaluate("[...document.querySelectorAll('.doc-item:not(:has(.muted))')].map(e => e.id)")
        for index, item_id in enumerate(required):
            item = page.locator(f"#{item_id}")
            accepts_pdf = "pdf" in (item.locator("input[type=file]").get_attribute("accept") or "")
            item.locator("input[type=file]").set_input_files(str(pdf if accepts_pdf and index % 2 else photo))
            expect(item.locator("input[type=file]")).not_to_have_attribute("aria-busy", "true", timeout=30_000)
            item.locator("button").click()
            try:
                expect(item.locator(".tick")).to_have_text("✓", timeout=60_000)
            except AssertionError:
                tab.screenshot(f"journey-3g-failed-{language}")
                raise AssertionError(item.inner_text() + str(journey.problems) + str(tab.errors)) from None
        journey.look("documents-added")
        journey.tap("main a.back", "task-list-4", then=page.locator("main a[href$='/check']"))
        journey.tap("main a[href$='/check']", "check")
        journey.tap("form[action$='/check'] button", "receipt", then=page.locator(".receipt"))
        reference = page.locator(".receipt strong.big").first.inner_text()
        code = page.locator(".receipt strong.big").nth(1).inner_text()
        tab.screenshot(f"journey-3g-receipt-{language}-320")
        journey.tap(".top a.brand", "home-after")
        journey.tap("main a[href='/track']", "track")
        page.fill("#reference", reference)
        page.fill("#code", code)
        journey.tap("main form button:not([type=button])", "tracked", then=page.locator("main .timeline"))
        expect(page.locator("main")).to_contain_text(reference)

        assert journey.problems == []
        assert journey.photos and max(journey.photos) <= 400 * 1024, journey.photos
        assert journey.states >= 12
        assert [e for e in tab.errors if "422" not in e] == []
    finally:
        context.close()
