"""A first visit on the phone paints with the stylesheet that came inside the page (the CSP lets
it in by its hash); the next page links the stylesheet, which the service worker keeps."""

from tests.browser.conftest import wait_for_service_worker

HEADER_COLOUR = "getComputedStyle(document.querySelector('header.top')).backgroundColor"


def test_the_first_page_is_styled_without_fetching_the_stylesheet_and_the_next_from_the_kept_one(phone, demo):
    tab = phone("ar-MA")
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(request.url))
    tab.goto("/")
    green = tab.page.evaluate(HEADER_COLOUR)
    assert green == "rgb(11, 110, 79)"  # --green: the stylesheet applied, CSP and all
    assert tab.page.locator("head style").count() == 1
    assert not [url for url in fetched if "/static/build/app.css" in url]  # nothing to wait for
    wait_for_service_worker(tab.page)
    tab.page.reload()
    assert tab.page.locator("head style").count() == 0
    assert tab.page.locator('head link[rel="stylesheet"]').count() == 1
    assert tab.page.evaluate(HEADER_COLOUR) == green
    tab.page.locator("footer.foot a").last.click()  # "About Jamaati": a boosted navigation
    tab.page.wait_for_url("**/about**")
    assert tab.page.evaluate(HEADER_COLOUR) == green
    assert tab.errors == []
