"""The counter in real Chromium, in Arabic, by taps: a clerk files a permit application and a
complaint for a person at the counter and prints each receipt (Chromium's PDF: one A5 page);
later the person, on a 360×640 phone, attaches each file with reference, code and CIN and sees
the same timeline as anyone tracking it; a wrong CIN or code is refused without saying which."""

from __future__ import annotations

import io

import pikepdf
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.permits.models import PermitType
from tests.browser.conftest import wait_until
from tests.permits.helpers import MINIMAL_PDF, photo_bytes

A5_POINTS = (419.53, 595.28)  # 148 × 210 mm
REFUSAL = "لا يوجد ملف مودَع بالشباك يطابق هذا المرجع ورمز التتبع ورقم البطاقة الوطنية."


def _one_a5_page(page) -> None:
    """Print the receipt as Chromium prints it: exactly one page, A5."""
    page.emulate_media(media="print")
    with pikepdf.open(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True))) as pdf:
        assert len(pdf.pages) == 1
        left, bottom, right, top = (float(v) for v in pdf.pages[0].mediabox)
    page.emulate_media(media="screen")
    assert abs(right - left - A5_POINTS[0]) < 2 and abs(top - bottom - A5_POINTS[1]) < 2


def _receipt_ids(page) -> tuple[str, str]:
    ids = page.locator(".receipt-ids span")
    return ids.nth(0).inner_text().strip(), ids.nth(1).inner_text().strip()


def _timeline(page) -> list[str]:
    return [item.inner_text() for item in page.locator("ol.timeline li p:not(.timeline-meta)").all()]


def _send_claim(page) -> None:
    """Tap "attach" and wait until the answer's page has replaced this one (htmx swaps it in place)."""
    page.evaluate("document.querySelector('main').dataset.answered = 'not yet'")
    page.locator("main form button").click()
    wait_until(page, "document.querySelector('main') && !document.querySelector('main').dataset.answered")


def _public_timeline(phone, reference: str, code: str) -> list[str]:
    anyone = phone("ar-MA")
    anyone.goto("/track")
    anyone.page.fill("#reference", reference)
    anyone.page.fill("#code", code)
    anyone.page.locator("main form button").click()
    expect(anyone.page.locator("ol.timeline")).to_be_visible()
    return _timeline(anyone.page)


def test_filed_at_the_counter_printed_and_claimed_later_from_a_phone(phone, app, demo, tmp_path):
    with app.app_context():
        kind = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
        building, documents = kind.id, [d["code"] for d in kind.documents if d["required"]]
    scan, photo = tmp_path / "scan.pdf", tmp_path / "photo.jpg"
    scan.write_bytes(MINIMAL_PDF)
    photo.write_bytes(photo_bytes((1600, 1200)))

    # The clerk, at the counter's computer, in Arabic.
    clerk = phone("ar-MA")
    page = clerk.page
    page.set_viewport_size({"width": 1280, "height": 800})
    clerk.sign_in("clerk@demo.ma")
    page.locator("a[href='/counter']").click()
    expect(page.locator("h1")).to_have_text("الشباك")
    expect(page.locator("details.guide summary")).to_have_text("ما العمل هنا")
    page.locator("a[href='/counter/permits/new']").click()
    page.check("input[name=channel][value=counter]")
    page.check(f"input[name=permit_type][value='{building}']")
    page.fill("#applicant_name", "أحمد الحاضر")
    page.fill("#applicant_cin", "K123456")
    page.fill("#applicant_phone", "06 11 22 33 44")
    page.locator("main form button").click()
    expect(page.locator("h1")).to_have_text("طلب بالشباك")
    page.fill("#a-applicant_address", "3 درب الصباغين، شفشاون")
    page.fill("#p-land_title", "12345/08")
    page.fill("#p-address", "حي السويقة، شفشاون")
    page.check("input[name='d-use'][value=housing]")
    page.fill("#d-floor_area", "140")
    page.fill("#d-levels", "2")
    for position, code in enumerate(documents):
        page.set_input_files(f"#file-{code}", str(scan if position % 2 else photo))
    page.locator("button[name=send]").click()
    expect(page.locator(".counter-receipt")).to_be_visible()
    permit_reference, permit_code = _receipt_ids(page)
    assert permit_reference.startswith("P-")
    expect(page.locator(".receipt-half[lang=ar]")).to_contain_text("وصل إيداع طلب رخصة")
    expect(page.locator(".receipt-half[lang=fr]")).to_contain_text("Récépissé de dépôt d'une demande d'autorisation")
    expect(page.locator(".receipt-qr svg")).to_be_visible()
    expect(page.locator("[data-print]")).to_be_visible()
    clerk.screenshot("counter-permit-receipt-ar")
    _one_a5_page(page)

    # A complaint for the next person in the queue.
    page.get_by_role("link", name="الرجوع إلى الشباك").click()
    page.locator("a[href='/counter/complaints/new']").click()
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", index=1)
    page.fill("#description", "حفرة عميقة أمام المسجد، بلّغ عنها بالشباك.")
    page.fill("#location_text", "درب الصباغين")
    page.set_input_files("#photos", str(photo))
    page.fill("#contact_name", "زينب الحاضرة")
    page.fill("#contact_cin", "L654321")
    page.locator("main form button").click()
    expect(page.locator(".counter-receipt")).to_be_visible()
    complaint_reference, complaint_code = _receipt_ids(page)
    assert complaint_reference.startswith("C-")
    expect(page.locator(".receipt-half[lang=fr]")).to_contain_text("décret 2-17-265")
    _one_a5_page(page)
    page.get_by_role("link", name="لطابعة الوصولات 80 مم").click()  # the roll printer's layout also prints
    expect(page.locator(".counter-receipt-roll")).to_be_visible()

    # On the desk the channel shows.
    clerk.goto("/desk/permits")
    expect(page.locator(f"tr:has-text('{permit_reference}') [data-channel=counter]")).to_be_visible()

    # Later, the person on their phone.
    person = phone("ar-MA")
    mobile = person.page
    person.sign_in("citizen@demo.ma")
    mobile.locator("a[href='/claim']").first.click()
    expect(mobile.locator("h1")).to_have_text("ربط ملف مودَع بالشباك بحسابي")
    refusals = []
    for code, cin in ((permit_code, "K999999"), ("ZZZZ2345", "K123456")):  # wrong CIN, then wrong code
        mobile.fill("#reference", permit_reference)
        mobile.fill("#code", code)
        mobile.fill("#cin", cin)
        _send_claim(mobile)
        expect(mobile.locator(".error-summary")).to_be_visible()
        refusals.append(mobile.locator(".error-summary").inner_text())
    assert refusals[0] == refusals[1] and REFUSAL in refusals[0]
    assert "البطاقة الوطنية خاطئ" not in refusals[0] and "الرمز خاطئ" not in refusals[0]
    mobile.fill("#reference", permit_reference)
    mobile.fill("#code", permit_code)
    mobile.fill("#cin", "K123456")
    _send_claim(mobile)
    expect(mobile.locator(".flash-success")).to_contain_text("الملف الآن في حسابك")
    expect(mobile.locator("ol.timeline")).to_be_visible()
    assert person.fits_the_screen()
    person.screenshot("counter-claimed-permit-ar-360")
    assert _timeline(mobile) == _public_timeline(phone, permit_reference, permit_code)

    mobile.locator("a[href='/']").first.click()
    mobile.locator("a[href='/claim']").first.click()
    mobile.fill("#reference", complaint_reference)
    mobile.fill("#code", complaint_code)
    mobile.fill("#cin", "L654321")
    _send_claim(mobile)
    expect(mobile.locator(".flash-success")).to_be_visible()
    assert complaint_reference in mobile.content()
    assert _timeline(mobile) == _public_timeline(phone, complaint_reference, complaint_code)
    # No script or CSP error; the refusals' 422 (what keeps a phone's draft) is the browser's only complaint.
    assert clerk.errors == [] and [e for e in person.errors if "422" not in e] == []


def test_a_new_clerk_practises_with_the_banner_and_the_guide(phone, app, demo):
    admin = phone("ar-MA")
    admin.sign_in("admin@demo.ma")
    admin.page.get_by_role("button", name="تجديد ملفات التدريب").click()
    expect(admin.page.locator(".flash-success")).to_be_visible()

    clerk = phone("ar-MA")
    page = clerk.page
    clerk.sign_in("clerk@demo.ma")
    page.get_by_role("button", name="الدخول إلى فضاء التدريب").click()
    expect(page.locator(".practice-banner")).to_contain_text("تدريب")
    page.locator("a[href='/desk/permits']").first.click()
    expect(page.locator(".practice-banner")).to_be_visible()
    expect(page.locator("table.queue tbody tr")).to_have_count(3)  # the fictitious files only
    guide = page.locator("details.guide")
    expect(guide.locator("p")).to_be_hidden()
    guide.locator("summary").click()  # "what to do here" opens on the page itself
    expect(guide.locator("p")).to_be_visible()
    assert clerk.fits_the_screen()
    clerk.screenshot("counter-practice-desk-ar-360")
    page.locator("a.brand").click()
    page.get_by_role("button", name="مغادرة فضاء التدريب").click()
    expect(page.locator(".practice-banner")).to_have_count(0)
    page.locator("a[href='/desk/permits']").first.click()
    expect(page.locator("table.queue")).to_have_count(0)  # outside, no practice file
    assert clerk.errors == [] and admin.errors == []
