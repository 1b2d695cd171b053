"""Real headless Chromium (Debian's), driven by Playwright, against the app on a free port."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 640}
NARROW = {"width": 320, "height": 640}  # the narrowest phones still sold, and WCAG 1.4.10's width
# The two languages every page is tested in (Arabic first, right to left), as pytest parameters.
LANGUAGES = [("ar-MA", "ar"), ("fr-MA", "fr")]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def built_scripts():
    """The pages load our JavaScript as built by `make install` (minified, static/build): rebuilt
    here when a source in static/js is newer, so a browser test never runs yesterday's script."""
    sources = [*(ROOT / "static" / "js").glob("*.js"), ROOT / "static" / "css" / "app.css"]
    newest_source = max(source.stat().st_mtime for source in sources)
    built = [ROOT / "static" / "build" / name for name in ("jamaati.js", "worker.js", "forms.js", "app.css")]
    if any(not file.exists() or file.stat().st_mtime < newest_source for file in built):
        subprocess.run(["make", "--no-print-directory", "-s", "js"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def wait_until(page, expression: str, timeout: float = 15) -> None:
    """Poll a JavaScript condition until it holds.

    Playwright's wait_for_function re-evaluates its predicate with eval() inside the page,
    which our CSP (rightly) refuses; page.evaluate goes through the DevTools protocol,
    which the CSP does not govern.
    """
    deadline = time.monotonic() + timeout
    while not _evaluate_between_navigations(page, expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page) -> None:
    """Until the service worker controls the page: it first precaches the shell, which on a busy
    machine (two suites at once, CI) can take a while."""
    wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=45)


def _evaluate_between_navigations(page, expression: str):
    """A page that is navigating (a redirect after sign-in, say) has no context yet: ask again."""
    try:
        return page.evaluate(expression)
    except PlaywrightError as error:
        if "context was destroyed" in str(error) or "navigat" in str(error):
            return False
        raise


class Phone:
    """A phone's browser tab: 360×640, a language, and a record of CSP or script errors."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def sign_in(self, login: str, password: str = "jamaati-demo", succeeds: bool = True) -> None:
        self.goto("/signin")
        self.page.fill("#login", login)
        self.page.fill("#password", password)
        self.page.locator("main button.button").click()
        if succeeds:  # a successful sign-in reloads the whole page, elsewhere
            self.page.wait_for_url(lambda url: "/signin" not in url)
            self.page.wait_for_load_state()

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": the default injects an inline style, which our CSP (rightly) blocks.
        self.page.screenshot(path=str(path), full_page=full_page, caret="initial")
        return path

    def on_a_slow_network(self, conditions: dict) -> None:
        """DevTools' network throttling (latency, throughput up and down) for this tab."""
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", conditions)

    def fits_the_screen(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def phone(browser, live_server):
    def open_phone(locale: str = "ar-MA", javascript: bool = True, viewport: dict = PHONE) -> Phone:
        context = browser.new_context(
            viewport=viewport, locale=locale, java_script_enabled=javascript, device_scale_factor=1
        )
        contexts.append(context)
        return Phone(context, live_server)

    contexts: list = []
    yield open_phone
    for context in contexts:
        context.close()
