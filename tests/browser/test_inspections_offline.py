"""A field agent's day in real Chromium: inspections opened once stay available offline; two
reports with photos written without a connection wait in the outbox and, back online, each
arrives exactly once and lands on its case's timeline."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from app.inspections.models import InspectionReport
from tests.browser.conftest import wait_for_service_worker, wait_until
from tests.inspections.helpers import CASE_POSITION, complaint_to_check, permit_in_site_visit

FORM = "form[data-offline]"


@pytest.fixture
def site_photos(tmp_path):
    """Two phone-sized photos with grain, so the phone has something to make lighter."""
    paths = []
    for n in range(2):
        path = tmp_path / f"site-{n}.jpg"
        grain = Image.effect_noise((600, 450), 64 + n).convert("RGB").resize((2400, 1800), Image.Resampling.BICUBIC)
        grain.save(path, quality=92)
        paths.append(path)
    return paths


def stored_reports(app) -> list[tuple[int, int, bool]]:
    """(inspection id, photos, has a position) of every report received."""
    with app.app_context():
        found = db.session.scalars(sa.select(InspectionReport).execution_options(skip_commune_scope=True))
        result = sorted((r.inspection_id, len(r.photos), r.has_position) for r in found)
        db.session.remove()
    return result


def wait_for_reports(app, page, count: int, timeout: float = 20) -> list:
    deadline = time.monotonic() + timeout
    while len(found := stored_reports(app)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} reports after {timeout} s, {count} expected")
        page.wait_for_timeout(100)
    return found


def write_report(page, findings: str, photos, summary: str = "", locate: bool = False) -> None:
    if locate:
        page.locator("[data-geolocate-button]").click()
        expect(page.locator("#latitude")).not_to_have_value("")
    page.check("input[name=outcome][value=compliant]")
    page.check("input[name=check_0][value=yes]")
    page.fill("#findings", findings)
    page.fill("#public_summary", summary)
    page.set_input_files("#photos", [str(p) for p in photos])
    sizes = min(p.stat().st_size for p in photos)
    wait_until(
        page,
        "!document.querySelector('#photos[aria-busy]') && "
        f"Array.from(document.querySelector('#photos').files).every((f) => f.size < {sizes})",
    )
    page.locator(f"{FORM} button:not([type=button])").last.click()


def test_an_agent_files_two_reports_offline_and_both_arrive_exactly_once(phone, app, demo, make_client, site_photos):
    case_id, visit_id = permit_in_site_visit(app)
    complaint_id, check_id = complaint_to_check(app)
    tab = phone("ar-MA")
    page = tab.page
    # Granting replaces the permissions the phone had: Background Sync stays granted too.
    tab.context.grant_permissions(["geolocation", "background-sync"])
    tab.context.set_geolocation({"latitude": CASE_POSITION[0], "longitude": CASE_POSITION[1], "accuracy": 12})
    tab.sign_in("agent@demo.ma")
    tab.goto("/inspections/")
    wait_for_service_worker(page)
    for inspection_id in (visit_id, check_id):
        tab.goto(f"/inspections/{inspection_id}")  # opened once: it stays available offline
    tab.goto("/inspections/")
    expect(page.locator(".card")).to_have_count(2)
    expect(page.locator(f"a[href^='geo:{CASE_POSITION[0]:.6f}']").first).to_be_visible()
    assert tab.fits_the_screen()
    tab.screenshot("inspections-my-day-ar-360")

    tab.context.set_offline(True)
    tab.goto(f"/inspections/{visit_id}")
    write_report(page, "الأشغال مطابقة للتصاميم", site_photos, summary="تمت المعاينة: الأشغال مطابقة", locate=True)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()  # kept on the phone
    assert tab.fits_the_screen()
    tab.screenshot("inspections-report-queued-ar-360", full_page=True)
    tab.goto(f"/inspections/{check_id}")
    write_report(page, "حفرة عمقها 40 سنتيمترا", site_photos)  # no position: accepted and marked
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    assert stored_reports(app) == []

    tab.context.set_offline(False)  # the `online` event sends the outbox
    assert wait_for_reports(app, page, 2) == sorted([(visit_id, 2, True), (check_id, 2, False)])
    expect(page.locator("[data-outbox] a[href*='/inspections/reports/']")).to_have_count(2)  # the phone says both
    tab.screenshot("inspections-reports-sent-ar-360")
    page.reload()  # opening the app again sends nothing twice
    tab.goto("/inspections/")
    expect(page.locator(".card")).to_have_count(0)
    assert len(stored_reports(app)) == 2

    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    permit_page = clerk.get(f"/desk/permits/{case_id}").get_data(as_text=True)
    assert "الأشغال مطابقة للتصاميم" in permit_page and "تمت المعاينة: الأشغال مطابقة" in permit_page
    complaint_page = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "حفرة عمقها 40 سنتيمترا" in complaint_page and "No position" in complaint_page
    assert [e for e in tab.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_without_javascript_a_report_is_filed_and_the_clerk_reads_it_with_its_photos(phone, app, demo, site_photos):
    _, visit_id = permit_in_site_visit(app)
    tab = phone("ar-MA", javascript=False)
    page = tab.page
    tab.sign_in("agent@demo.ma")
    tab.goto(f"/inspections/{visit_id}")
    page.check("input[name=outcome][value=not_compliant]")
    page.locator(f"{FORM} button").last.click()  # no findings: refused, nothing lost
    expect(page.locator(".error-summary")).to_contain_text(
        "اكتب ما عاينته في عين المكان."
    )  # "Write what you found on site."
    expect(page.locator("input[name=outcome][value=not_compliant]")).to_be_checked()
    assert tab.fits_the_screen()
    tab.screenshot("inspections-report-error-ar-360")
    page.fill("#latitude", "35.1700")
    page.fill("#longitude", "-5.2636")
    page.fill("#findings", "طابق ثالث غير مرخص")
    page.set_input_files("#photos", [str(p) for p in site_photos])
    page.locator(f"{FORM} button").last.click()
    expect(page.locator(".receipt h1")).to_be_visible()
    expect(page.locator(".report-position")).to_contain_text("133 م")  # metres from the case, in Arabic
    assert tab.fits_the_screen()
    tab.screenshot("inspections-report-received-ar-360", full_page=True)
    assert stored_reports(app) == [(visit_id, 2, True)]
    tab.goto("/inspections/new")
    expect(page.locator("fieldset.checklist-form")).to_have_count(2)  # each kind of infraction's questions
    assert tab.fits_the_screen()
    tab.screenshot("inspections-on-the-spot-ar-360", full_page=True)

    clerk = phone("ar-MA")
    clerk.sign_in("clerk@demo.ma")
    clerk.goto(f"/inspections/{visit_id}")
    expect(clerk.page.locator(".photos img")).to_have_count(2)
    wait_until(
        clerk.page,
        "Array.from(document.querySelectorAll('.photos img')).every((i) => i.complete && i.naturalWidth > 0)",
    )
    assert clerk.fits_the_screen()
    clerk.screenshot("inspections-clerk-reads-report-ar-360", full_page=True)
    assert clerk.errors == []
