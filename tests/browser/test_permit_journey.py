"""The whole permit journey on a 360×640 phone in Arabic: a citizen applies with a photo and
a PDF, the clerk asks for a missing document, the citizen adds it, two agencies give their
opinions, the clerk approves and issues, and the QR code leads to a page that says "valid"."""

import re

import segno
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.permits.models import PermitCase, PermitType
from tests.permits.helpers import MINIMAL_PDF, photo_bytes

CHEFCHAOUEN = (35.1688, -5.2636)


def _files(tmp_path):
    photo, pdf = tmp_path / "request.jpg", tmp_path / "plans.pdf"
    photo.write_bytes(photo_bytes((1600, 1200)))
    pdf.write_bytes(MINIMAL_PDF)
    return photo, pdf


def _upload(page, item: str, path) -> None:
    page.set_input_files(f"#file-{item}", str(path))
    page.locator(f"#doc-{item} button").click()
    expect(page.locator(f"#doc-{item}.doc-done")).to_be_visible()  # the checklist item ticks


def _desk_file(tab, reference: str):
    page = tab.page
    tab.goto("/desk/permits")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_be_visible()
    return page


def test_a_building_permit_from_application_to_verified_certificate(phone, app, demo, tmp_path):
    photo, pdf = _files(tmp_path)
    with app.app_context():
        building = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_small"))

    # The citizen applies from the phone, over the task list.
    citizen = phone("ar-MA")
    citizen.context.grant_permissions(["geolocation"])
    citizen.context.set_geolocation({"latitude": CHEFCHAOUEN[0], "longitude": CHEFCHAOUEN[1], "accuracy": 12})
    citizen.sign_in("citizen@demo.ma")
    page = citizen.page
    citizen.goto("/permits/new")
    page.check(f"input[name=permit_type][value='{building}']")
    page.locator("main form button:not([type=button])").last.click()
    expect(page.locator("ol.task-list")).to_be_visible()
    case_url = page.url

    citizen.goto(case_url.removeprefix(citizen.base_url) + "/applicant")
    page.fill("#applicant_address", "12 زنقة الأندلس، شفشاون")
    page.locator("main form button:not([type=button])").last.click()
    citizen.goto(case_url.removeprefix(citizen.base_url) + "/parcel")
    page.fill("#land_title", "12345/08")
    page.fill("#address", "حي السلام، شفشاون")
    page.locator("[data-geolocate-button]").click()  # the phone's position, with its accuracy
    expect(page.locator("#latitude")).to_have_value("35.168800")
    expect(page.locator("[data-geolocate-status]")).to_contain_text("12")
    page.locator("main form button:not([type=button])").last.click()
    citizen.goto(case_url.removeprefix(citizen.base_url) + "/details")
    page.check("input[name=use][value=housing]")
    page.fill("#floor_area", "140")
    page.fill("#levels", "2")
    page.locator("main form button:not([type=button])").last.click()
    citizen.goto(case_url.removeprefix(citizen.base_url) + "/documents")
    _upload(page, "request", photo)
    _upload(page, "architectural_plans", pdf)
    assert citizen.fits_the_screen()
    citizen.screenshot("permit-documents-ar-360")
    citizen.goto(case_url.removeprefix(citizen.base_url) + "/check")
    page.locator("form[action$='/check'] button").click()
    expect(page.locator(".receipt")).to_be_visible()
    reference = page.locator(".receipt strong.big").first.inner_text()
    tracking_code = page.locator(".receipt strong.big").nth(1).inner_text()
    assert re.fullmatch(r"P-\d{4}-\d{6}", reference) and len(tracking_code) == 8
    citizen.screenshot("permit-receipt-ar-360")

    # The clerk finds it and asks for the missing property certificate.
    clerk = phone("ar-MA")
    clerk.sign_in("clerk@demo.ma")
    desk = _desk_file(clerk, reference)
    desk.locator("#actions details.step summary").first.click()
    desk.check("input[name=ask_property]")
    desk.fill("input[name=reason_property]", "شهادة الملكية غير موجودة في الملف")
    desk.locator("form[action$='/request-documents'] button").click()
    expect(desk.locator("form[action$='/request-documents']")).to_have_count(0)

    # The citizen sees exactly what is missing, adds it and sends it.
    citizen.goto(case_url.removeprefix(citizen.base_url))
    expect(page.locator(".panel-action")).to_contain_text("شهادة الملكية غير موجودة في الملف")
    citizen.screenshot("permit-documents-requested-ar-360")
    page.locator(".panel-action a.button").click()
    _upload(page, "property", photo)
    citizen.goto(case_url.removeprefix(citizen.base_url))
    page.locator("form[action$='/provide'] button").click()
    expect(page.locator(".panel-action")).to_have_count(0)

    # The clerk finds the file complete: the legal clock starts.
    desk = _desk_file(clerk, reference)
    desk.locator("form[action$='/complete'] button").click()
    expect(desk.locator("form[action$='/complete']")).to_have_count(0)

    # Two agencies give their opinion: the urban agency's reviewer, and the commune's
    # technical service whose paper opinion the clerk records.
    reviewer = phone("ar-MA")
    reviewer.sign_in("reviewer@demo.ma")
    review = _desk_file(reviewer, reference)
    review.locator("#commission input[value=favourable]").check()
    review.locator("#commission form button").click()
    expect(review.locator("#commission .verdict-favourable")).to_be_visible()

    desk = _desk_file(clerk, reference)
    desk.locator("#commission details summary").first.click()
    desk.locator("#commission details input[value=favourable_with_conditions]").check()
    desk.locator("#commission details textarea").fill("احترام علو 8 أمتار")
    desk.locator("#commission details form button").click()
    expect(desk.locator("#commission .verdict-favourable_with_conditions")).to_be_visible()
    expect(desk.locator("#commission .verdict-favourable")).to_be_visible()  # both opinions show at once

    # The clerk approves with a condition, then issues the permit.
    desk.locator("form[action$='/approve']").evaluate("form => form.closest('details').open = true")
    desk.locator("form[action$='/approve'] textarea").fill("احترام علو 8 أمتار")
    desk.locator("form[action$='/approve'] button").click()
    expect(desk.locator("form[action$='/approve']")).to_have_count(0)
    desk.locator("form[action$='/issue'] button").click()
    expect(desk.locator("form[action$='/issue']")).to_have_count(0)
    clerk.screenshot("permit-desk-issued-ar-360")

    # The citizen opens the certificate; its QR code carries the verify address.
    citizen.goto(case_url.removeprefix(citizen.base_url) + "/certificate")
    verify_url = page.locator(".verify-url").inner_text().strip()
    with app.app_context():
        code = db.session.scalar(sa.select(PermitCase.verify_code).where(PermitCase.reference == reference))
    assert verify_url.endswith(f"/verify/{code}")
    expected_qr = segno.make(verify_url, error="m").svg_inline(scale=3, dark="#000", omitsize=False)
    modules = re.compile(r' d="([^"]+)"')  # the QR's dark modules, as one SVG path
    assert modules.search(page.locator(".qr").inner_html()).group(1) == modules.search(expected_qr).group(1)
    assert citizen.fits_the_screen()
    citizen.screenshot("permit-certificate-ar-360")

    visitor = phone("ar-MA")
    visitor.page.goto(verify_url)
    expect(visitor.page.locator(".verdict-box-valid")).to_contain_text("شفشاون")
    visitor.screenshot("permit-verify-ar-360")

    # Every public step is on the citizen's timeline; internal ones are not.
    citizen.goto(case_url.removeprefix(citizen.base_url))
    timeline = page.locator("ol.timeline")
    assert timeline.locator("li").count() >= 8
    for text in ("P-", "شهادة الملكية غير موجودة في الملف", "احترام علو 8 أمتار"):
        expect(timeline).to_contain_text(text)
    assert citizen.errors == [] and clerk.errors == [] and reviewer.errors == []
