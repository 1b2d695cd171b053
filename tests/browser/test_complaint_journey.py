"""The complaint journey on a 360×640 phone in Arabic: a guest files a complaint with a photo and
a GPS position and gets a reference and a tracking code; a clerk acknowledges, answers and
closes it; the guest tracks it at /track, rates it low and reopens it."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.communes.services import COMMUNE_COOKIE
from app.complaints.models import Complaint
from app.extensions import db
from tests.permits.helpers import photo_bytes

CHEFCHAOUEN = (35.1688, -5.2636)
CHEFCHAOUEN_CODE = "01.151.01.01"


def test_a_guest_complaint_from_filing_to_reopening(phone, app, demo, tmp_path):
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(photo_bytes((1600, 1200)))

    # A guest (no account) in Chefchaouen files a complaint with a photo and the phone's position.
    guest = phone("ar-MA")
    guest.context.add_cookies([{"name": COMMUNE_COOKIE, "value": CHEFCHAOUEN_CODE, "url": guest.base_url}])
    guest.context.grant_permissions(["geolocation"])
    guest.context.set_geolocation({"latitude": CHEFCHAOUEN[0], "longitude": CHEFCHAOUEN[1], "accuracy": 12})
    page = guest.page
    guest.goto("/complaints/new")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert guest.fits_the_screen()
    guest.screenshot("complaint-new-ar-360")
    guest.screenshot("complaint-new-ar-360-full", full_page=True)
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", index=0)
    page.fill("#description", "حفرة كبيرة أمام المدرسة <script>alert(1)</script>")
    page.locator("[data-geolocate-button]").click()
    expect(page.locator("#latitude")).to_have_value("35.168800")
    expect(page.locator("[data-geolocate-status]")).to_contain_text("12")
    expect(page.locator("#accuracy")).to_have_value("12")
    page.set_input_files("#photos", str(photo))
    page.fill("#contact_phone", "0612345678")
    page.locator("main form button:not([type=button])").last.click()

    expect(page.locator(".receipt")).to_be_visible()
    reference = page.locator(".receipt .reference").inner_text().strip()
    tracking_code = page.locator(".receipt .tracking-code").inner_text().strip()
    assert re.fullmatch(r"C-\d{4}-\d{6}", reference) and len(tracking_code) == 8
    assert guest.fits_the_screen()
    guest.screenshot("complaint-filed-ar-360")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert len(complaint.photos) == 1 and complaint.accuracy_m == 12 and complaint.latitude == CHEFCHAOUEN[0]

    # The clerk acknowledges and forwards it, answers publicly, and closes it.
    clerk = phone("ar-MA")
    clerk.sign_in("clerk@demo.ma")
    desk = clerk.page
    clerk.goto("/desk/complaints")
    assert clerk.fits_the_screen()
    desk.get_by_role("link", name=reference).click()
    expect(desk.locator("#acknowledge-form")).to_be_visible()
    expect(desk.locator(".description")).to_contain_text("<script>")  # shown as text
    assert clerk.fits_the_screen()
    desk.locator(".photos img").scroll_into_view_if_needed()
    expect(desk.locator(".photos img")).to_have_js_property("complete", True)  # the photo is in, and still fits
    assert clerk.fits_the_screen()
    clerk.screenshot("complaint-desk-ar-360", full_page=True)
    desk.locator("#acknowledge-form button").click()
    expect(desk.locator("[data-status=acknowledged]")).to_be_visible()
    desk.check("#answer-form input[value=resolved]")
    desk.fill("#answer-form textarea", "تم ردم الحفرة يوم الاثنين.")
    desk.locator("#answer-form button").click()
    expect(desk.locator("[data-status=answered]")).to_be_visible()
    desk.locator("#close-form button").click()
    expect(desk.locator("[data-status=closed]")).to_be_visible()

    # The guest tracks it, rates it low and reopens it.
    guest.goto("/track")
    page.fill("#reference", reference)
    page.fill("#code", tracking_code)
    page.locator("main form button").click()
    expect(page.locator("[data-status=closed]")).to_be_visible()
    expect(page.locator(".answer")).to_contain_text("تم ردم الحفرة")
    assert guest.fits_the_screen()
    guest.screenshot("complaint-track-ar-360")
    page.check(".rate-form input[name=rating][value='1']")
    page.fill(".rate-form textarea", "الحفرة ما زالت موجودة")
    page.locator(".rate-form button").click()
    expect(page.locator(".rating")).to_be_visible()
    page.locator(".reopen-form button").click()
    expect(page.locator("[data-status=in_progress]")).to_be_visible()
    expect(page.locator(".reopen-form")).to_have_count(0)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert (complaint.rating, complaint.rating_comment, complaint.reopen_count) == (1, "الحفرة ما زالت موجودة", 1)
    assert guest.errors == [] and clerk.errors == []
