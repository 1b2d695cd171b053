"""Installable, readable offline, and private: the service worker in real Chromium."""

import json
import time

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_service_worker, wait_until


def _controlled(tab) -> None:
    wait_for_service_worker(tab.page)


def test_chromium_finds_the_app_installable(browser, live_server, tmp_path):
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    # A real profile: Chromium never offers to install from an incognito-like context.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=PHONE,
        locale="ar-MA",
    )
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        wait_until(page, "navigator.serviceWorker.ready.then(() => true)")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and json.loads(manifest["data"])["short_name"] == "جماعتي"
    finally:
        context.close()


def test_a_page_already_seen_stays_readable_offline_with_its_date(phone, demo):
    tab = phone("ar-MA")
    tab.sign_in("citizen@demo.ma")
    _controlled(tab)
    tab.goto("/account")  # seen once, online
    expect(tab.page.locator("h1")).to_be_visible()
    tab.context.set_offline(True)
    tab.goto("/account")
    expect(tab.page.locator("h1")).to_contain_text("حسابي")
    expect(tab.page.locator("[data-offline-copy-notice]")).to_be_visible()
    expect(tab.page.locator("[data-offline-banner]")).to_be_visible()
    tab.screenshot("offline-copy-ar-360")
    tab.goto("/about")  # never seen: the offline page, in the three languages
    expect(tab.page.locator("section[lang=fr] h1")).to_be_visible()
    tab.screenshot("offline-page-ar-360")
    tab.context.set_offline(False)


def test_signing_out_removes_the_saved_pages(phone, demo):
    tab = phone("ar-MA")
    tab.sign_in("citizen@demo.ma")
    _controlled(tab)
    tab.goto("/account")
    assert tab.page.evaluate(
        "caches.open('pages').then(c => c.keys()).then(k => k.some(r => r.url.endsWith('/account')))"
    )
    tab.page.locator("form[action='/signout'] button").click()
    tab.page.wait_for_url(lambda url: url.endswith("/"))
    wait_until(tab.page, "caches.open('pages').then(c => c.keys()).then(k => !k.some(r => r.url.endsWith('/account')))")
    tab.context.set_offline(True)
    tab.goto("/account")
    expect(tab.page.locator("section[lang=fr] h1")).to_be_visible()  # the offline page, not the account
    tab.context.set_offline(False)


def test_signing_out_leaves_no_copy_of_the_pages_in_htmx_history(phone, demo):
    # htmx keeps copies of the pages left by a boosted link in sessionStorage: one person's, which
    # the next person on the phone, in the same window, could read.
    tab = phone("en-GB")
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    tab.page.locator("header a[href='/notifications/']").click()
    tab.page.wait_for_url("**/notifications/")
    copies = "(sessionStorage.getItem('htmx-history-cache') || '')"
    wait_until(tab.page, f"{copies}.includes('citizen@demo.ma')")
    tab.page.locator("form[action='/signout'] button").click()
    tab.page.wait_for_url(lambda url: url.endswith("/"))
    wait_until(tab.page, f"document.readyState === 'complete' && !{copies}.includes('citizen@demo.ma')")


def test_a_saved_copy_keeps_the_content_security_policy(phone, demo):
    # Offline, the copy is the page: it must not lose the policy that stops injected scripts.
    tab = phone("en-GB")
    tab.sign_in("citizen@demo.ma")
    _controlled(tab)
    tab.goto("/account")
    tab.context.set_offline(True)
    response = tab.goto("/account")
    expect(tab.page.locator("[data-offline-copy-notice]")).to_be_visible()
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    tab.context.set_offline(False)


def test_a_page_that_began_loading_while_the_worker_activated_is_taken_over_too(phone, demo):
    # The worker claims the pages open when it activates; a page still on its way then is missed,
    # and without a controller its first visit is never kept for offline reading.
    tab = phone("en-GB")

    def arrive_after_the_worker_activated(route):
        time.sleep(4)  # the worker installs (precaches the shell) and activates meanwhile
        route.continue_()

    tab.page.route("**/about", arrive_after_the_worker_activated)
    tab.goto("/")  # registers the worker
    tab.goto("/about")
    wait_for_service_worker(tab.page)
    wait_until(tab.page, "caches.open('pages').then((c) => c.match('/about')).then(Boolean)")
