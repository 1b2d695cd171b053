"""On a 360×640 phone in Arabic: a clerk publishes a complaint's public summary from the desk;
its public page then shows that summary, never the citizen's own words."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.permits import services
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


# Where the dash after the name, and the name's last line, are drawn; and the page's direction.
DASH_AND_NAME = """() => {
  const cells = [...document.querySelectorAll(".certificate-table td")];
  const cell = cells.find((td) => td.textContent.includes("AB123456"));
  const name = cell.querySelector("bdi, .applicant-name") || cell.firstElementChild;
  const dash = [...cell.childNodes].find((n) => n.nodeType === 3 && n.textContent.includes("—"));
  const range = document.createRange();
  const at = dash.textContent.indexOf("—");
  range.setStart(dash, at);
  range.setEnd(dash, at + 1);
  const lines = [...name.getClientRects()];
  const box = (r) => ({ left: r.left, right: r.right, top: r.top });
  const last = box(lines[lines.length - 1]);
  return { dir: getComputedStyle(cell).direction, dash: box(range.getBoundingClientRect()), last: last };
}"""


@pytest.mark.parametrize("locale", ["fr-MA", "ar-MA"])
def test_a_name_stored_with_an_override_does_not_move_what_follows_on_the_certificate(
    app, demo, files, phone, tmp_path, locale
):
    """A name kept from before the input filter, with a lone U+202E: isolated, it reorders
    nothing after it — the dash and the CIN still come after the name, in either direction."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    with app.app_context():
        case = files.submitted()
        case.applicant_name = "Mohamed\u202e El Amrani"  # as an old row may hold it
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, "White walls")
        services.issue(case, admin)
        case_id = case.id
        db.session.remove()
    tab = phone(locale)
    tab.sign_in("citizen@demo.ma")
    tab.goto(f"/permits/{case_id}/certificate")
    tab.screenshot(f"certificate-bidi-{locale}-360")
    seen = tab.page.evaluate(DASH_AND_NAME)
    dash, last = seen["dash"], seen["last"]
    if abs(dash["top"] - last["top"]) < 2:  # on the name's last line: after it in reading order
        assert dash["left"] >= last["right"] - 1 if seen["dir"] == "ltr" else dash["right"] <= last["left"] + 1, seen
    else:
        assert dash["top"] > last["top"], seen
    row = tab.page.locator(".certificate-table tr", has_text="AB123456")
    assert row.locator("td span[dir='ltr']").inner_text() == "AB123456"
