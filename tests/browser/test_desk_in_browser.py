"""The clerk's desk, /track and /verify on a 360×640 phone in Arabic."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core.dates import today
from app.extensions import db
from app.permits import services
from tests.browser.conftest import wait_until


def _sign_in(tab, email: str) -> None:
    tab.sign_in(email)
    expect(tab.page.locator("main a[href='/desk/permits']")).to_be_visible()  # the staff home


@pytest.fixture
def desk_files(app, demo, tmp_path, monkeypatch):
    """Three files of Chefchaouen: one overdue, one under review, one waiting for its check."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    from tests.permits import files

    with app.app_context():
        clerk = files.user("clerk@demo.ma")
        waiting = files.submitted(applicant="سعاد المرابط")
        overdue = files.submitted(applicant="Mohamed El Amrani")
        services.mark_complete(overdue, clerk)
        overdue.clock_started_on = today() - timedelta(days=20)
        recent = files.submitted(type_code="repair", applicant="يوسف البقالي")
        services.mark_complete(recent, clerk)
        services.add_note(recent, clerk, "ملاحظة داخلية", public=False)
        db.session.commit()
        ids = {
            "waiting": waiting.id,
            "overdue": overdue.id,
            "recent": recent.id,
            "overdue_ref": overdue.reference,
            "waiting_ref": waiting.reference,
            "overdue_code": overdue.tracking_code,
        }
        db.session.remove()
    return ids


def test_the_queue_and_a_file_on_a_phone_in_arabic(phone, desk_files):
    tab = phone("ar-MA")
    _sign_in(tab, "clerk@demo.ma")
    page = tab.page
    tab.goto("/desk/permits")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(desk_files["overdue_ref"])
    expect(rows.last).to_contain_text(desk_files["waiting_ref"])
    assert tab.fits_the_screen()
    tab.screenshot("desk-queue-ar-360")

    wait_until(page, "window.htmx !== undefined")
    with page.expect_request(lambda r: "q=" in r.url and r.headers.get("hx-request") == "true"):
        page.fill("#q", "سعاد")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(desk_files["waiting_ref"])
    assert "q=" in page.url

    tab.goto(f"/desk/permits/{desk_files['overdue']}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".clock")).to_be_visible()
    expect(page.locator(".document img").first).to_be_visible()
    wait_until(page, "[...document.images].every(i => i.complete && i.naturalWidth > 0)")  # every thumbnail loads
    assert tab.fits_the_screen()
    tab.screenshot("desk-file-ar-360")
    tab.screenshot("desk-file-ar-360-full", full_page=True)
    assert tab.errors == []


def test_asking_for_documents_without_a_reason_keeps_what_was_typed(phone, desk_files):
    tab = phone("ar-MA")
    _sign_in(tab, "clerk@demo.ma")
    page = tab.page
    tab.goto(f"/desk/permits/{desk_files['waiting']}")
    page.locator("details.step summary").first.click()
    page.check("#ask_site_plan")
    page.fill("#documents_message", "شكرا")
    page.locator("form[action$='request-documents'] button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^خطأ"))
    expect(page.locator("#ask_site_plan")).to_be_checked()
    expect(page.locator("#documents_message")).to_have_value("شكرا")
    assert page.url.endswith(f"/desk/permits/{desk_files['waiting']}")
    assert tab.fits_the_screen()
    tab.screenshot("desk-request-documents-error-ar-360")
    page.fill("#reason_site_plan", "التصميم غير واضح")
    page.locator("form[action$='request-documents'] button").click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("التصميم غير واضح")
    assert tab.errors == []


def test_track_and_verify_on_a_phone_without_javascript(phone, desk_files, app):
    tab = phone("ar-MA", javascript=False)
    page = tab.page
    tab.goto("/track")
    page.fill("#reference", desk_files["overdue_ref"])
    page.fill("#code", desk_files["overdue_code"].lower())
    page.locator("main button.button").click()
    expect(page.locator(".timeline")).to_be_visible()
    assert tab.fits_the_screen()
    tab.screenshot("track-ar-360")

    from tests.permits import files

    with app.app_context():
        case = files.load(app, desk_files["overdue"])
        admin = files.user("admin@demo.ma")
        files.give_opinions(case)
        services.approve(case, admin, None)
        services.issue(case, admin)
        code = case.verify_code
        db.session.remove()
    tab.goto(f"/verify/{code}")
    expect(page.locator(".verdict-big")).to_be_visible()
    assert tab.fits_the_screen()
    tab.screenshot("verify-ar-360")


def test_admin_pages_fit_a_phone(phone, demo, app):
    import sqlalchemy as sa

    from app.permits.models import PermitType

    with app.app_context():
        type_id = db.session.scalar(sa.select(PermitType.id).where(PermitType.code == "building_large"))
    tab = phone("ar-MA")
    _sign_in(tab, "national@demo.ma")
    for path, name in (
        ("/admin/permit-types", "admin-permit-types-ar-360"),
        (f"/admin/permit-types/{type_id}", "admin-permit-type-ar-360"),
        ("/admin/holidays", "admin-holidays-ar-360"),
    ):
        tab.goto(path)
        expect(tab.page.locator("h1")).to_be_visible()
        assert tab.fits_the_screen(), path
        tab.screenshot(name)
    assert tab.errors == []
