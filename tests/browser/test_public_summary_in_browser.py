"""On a 360×640 phone in Arabic: a clerk publishes a complaint's public summary from the desk;
its public page then shows that summary, never the citizen's own words."""

from playwright.sync_api import expect

from app.extensions import db
from tests.complaints.helpers import file, get

WORDS = "جاري إدريس بناني يرمي الردم أمام منزله، اتصلوا بي على 0661234567"
SUMMARY = "ردم مرمي في الزقاق قرب المدرسة."


def test_a_clerk_publishes_the_summary_and_the_public_page_shows_only_it(app, demo, phone):
    complaint_id = file(app, description=WORDS, location_text="درب سيدي علي، منزل بناني")
    with app.app_context():
        reference = get(app, complaint_id).reference
        db.session.remove()
    tab = phone("ar-MA")
    tab.sign_in("clerk@demo.ma")
    tab.goto(f"/desk/complaints/{complaint_id}")
    tab.page.locator("#summary").fill(SUMMARY)
    tab.screenshot("complaint-public-summary-ar-360")
    assert tab.fits_the_screen()
    tab.page.locator("#public-summary button").click()
    expect(tab.page.locator("#summary")).to_have_value(SUMMARY)

    visitor = phone("ar-MA")
    visitor.goto(f"/complaints/{reference}/public")
    expect(visitor.page.locator("main .public-summary")).to_have_text(SUMMARY)
    visitor.screenshot("complaint-public-page-summary-ar-360")
    text = visitor.page.locator("main").inner_text()
    assert "بناني" not in text and "0661234567" not in text
    assert tab.errors == [] and visitor.errors == []
