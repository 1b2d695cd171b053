"""What the phone says matches what happened: "My drafts" tells drafts apart and asks before
deleting, no notice contradicts the page, turning notifications on gives feedback, the report's
checklist reads clearly, one's own files open as files."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_offline import camera_photo, complaints, fill, guest_on_the_form, send, stored_drafts, until
from tests.complaints.helpers import CHEFCHAOUEN
from tests.complaints.helpers import file as file_complaint

__all__ = ["camera_photo"]  # a fixture, used by name


def test_my_drafts_tells_each_draft_apart_and_asks_before_deleting(phone, app, demo, camera_photo):
    tab = guest_on_the_form(phone, locale="ar-MA")
    page = tab.page
    tab.context.set_offline(True)
    fill(page, description="حفرة كبيرة أمام المدرسة الابتدائية في حي السويقة", photo=camera_photo)
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    page.fill("#description", "أزبال متراكمة قرب السوق")
    until(page, lambda: len(stored_drafts(page)) == 2)
    page.locator("header a[href='/drafts']").click()
    items = page.locator("[data-drafts-list] li")
    expect(items).to_have_count(2)
    writing, waiting = items.nth(0), items.nth(1)  # the newest first
    expect(writing.locator("[data-draft-summary]")).to_have_text("أزبال متراكمة قرب السوق")
    expect(waiting.locator("[data-draft-summary]")).to_have_text("حفرة كبيرة أمام المدرسة الابتدائية في حي السويقة")
    expect(waiting.locator("[data-draft-photos]")).to_contain_text("1")
    expect(writing.locator("[data-draft-photos]")).to_have_text("")
    status = waiting.locator("[data-draft-status]")
    expect(status).to_have_text(status.get_attribute("data-queued"))
    assert tab.fits_the_screen()
    tab.screenshot("drafts-two-kinds-ar-360", full_page=True)

    waiting.locator("[data-draft-delete]").click()  # asked first: a waiting complaint and its photo
    expect(waiting.locator("[data-draft-confirm]")).to_be_visible()
    tab.screenshot("drafts-delete-asked-ar-360", full_page=True)
    waiting.locator("[data-draft-keep]").click()
    expect(waiting.locator("[data-draft-confirm]")).to_be_hidden()
    assert len(stored_drafts(page)) == 2
    waiting.locator("[data-draft-delete]").click()
    waiting.locator("[data-draft-yes]").click()
    expect(items).to_have_count(1)
    assert [d["description"] for d in stored_drafts(page)] == ["أزبال متراكمة قرب السوق"]
    tab.context.set_offline(False)


def test_a_form_sent_back_keeps_its_photo_and_says_nothing_that_contradicts_it(phone, app, demo, camera_photo):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    fill(page, description="A broken bench", photo=camera_photo, phone_number="12")
    send(page)  # online: refused for the phone number, the photo not kept by the server...
    expect(page.locator(".error-summary")).to_contain_text("Enter a Moroccan mobile number")
    wait = "document.querySelector('#photos').files.length === 1"
    until(page, lambda: page.evaluate(wait))  # ...but kept by the phone
    expect(page.locator("#photos-again")).to_be_hidden()  # so no "choose them again"
    expect(page.locator("[data-outbox]")).to_be_hidden()  # and no "your draft is back": it was just sent
    page.fill("#contact_phone", "0612345678")
    send(page)
    expect(page.locator(".receipt .reference")).to_be_visible()
    assert len(complaints(app)[0].photos) == 1


def test_complaints_nearby_shown_after_sending_are_no_draft_coming_back(phone, app, demo):
    file_complaint(app, position=CHEFCHAOUEN)
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    fill(page, description="A hole in the road")
    page.fill("#latitude", str(CHEFCHAOUEN[0]))
    page.fill("#longitude", str(CHEFCHAOUEN[1]))
    send(page)
    expect(page.locator("#duplicates-title")).to_be_visible()
    page.wait_for_timeout(500)
    expect(page.locator("[data-outbox]")).to_be_hidden()


def test_a_form_freed_for_the_next_one_forgets_the_position_it_found(phone, app, demo):
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.grant_permissions(["geolocation"])
    tab.context.set_geolocation({"latitude": CHEFCHAOUEN[0], "longitude": CHEFCHAOUEN[1], "accuracy": 12})
    status = page.locator("[data-geolocate-status]")
    tab.context.set_offline(True)
    fill(page, description="A broken street light")
    page.locator("[data-geolocate-button]").click()
    expect(status).to_contain_text("12 m")
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    expect(page.locator("#latitude")).to_have_value("")
    expect(status).not_to_contain_text("12 m")  # no stale "position found" under empty coordinates
    expect(page.locator("#category")).not_to_have_value("")  # a choice still made, as on a new form


def test_a_complaint_written_offline_that_was_already_reported_nearby_says_which(phone, app, demo):
    file_complaint(app, position=CHEFCHAOUEN)
    [nearby] = [c.reference for c in complaints(app)]
    tab = guest_on_the_form(phone, locale="en-GB")
    page = tab.page
    tab.context.set_offline(True)
    fill(page, description="The same hole, I think")
    page.fill("#latitude", str(CHEFCHAOUEN[0]))
    page.fill("#longitude", str(CHEFCHAOUEN[1]))
    send(page)
    expect(page.locator("[data-outbox] a[href='/drafts']")).to_be_visible()
    tab.context.set_offline(False)
    notice = page.locator("[data-outbox]")
    expect(notice).to_contain_text("Already reported nearby?")
    expect(notice).to_contain_text(nearby)
    assert len(complaints(app)) == 1 and not stored_drafts(page)[0]["queued"]


NEVER_ANSWERING_PUSH_SERVICE = "PushManager.prototype.subscribe = () => new Promise(() => {});"


def test_turning_notifications_on_says_so_then_explains_a_browser_that_never_answers(phone, demo, live_server):
    tab = phone("ar-MA")
    tab.context.grant_permissions(["notifications"], origin=live_server)
    tab.context.add_init_script(NEVER_ANSWERING_PUSH_SERVICE)
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    section = tab.page.locator("[data-push]")
    button = section.locator("[data-push-on]")
    button.click()
    status = section.locator("[data-push-status]")
    expect(status).to_have_text(section.get_attribute("data-text-turning-on"))
    expect(button).to_be_disabled()
    expect(status).to_have_text(section.get_attribute("data-text-timeout"), timeout=40_000)
    expect(button).to_be_enabled()
    assert tab.fits_the_screen()
    tab.screenshot("push-timeout-ar-360")


def test_notifications_refused_by_the_browser_are_explained(phone, demo):
    tab = phone("en-GB")  # nothing granted: headless Chromium refuses the permission
    tab.sign_in("citizen@demo.ma")
    tab.goto("/account")
    section = tab.page.locator("[data-push]")
    section.locator("[data-push-on]").click()
    expect(section.locator("[data-push-status]")).to_have_text(
        re.compile(f"{section.get_attribute('data-text-denied')}|{section.get_attribute('data-text-failed')}")
    )


def test_the_reports_checklist_answers_do_not_cover_their_questions(phone, app, demo, make_client):
    from tests.inspections.helpers import permit_in_site_visit, report_form
    from tests.inspections.helpers import send as send_report

    _, inspection_id = permit_in_site_visit(app)
    agent = make_client()
    agent.signin("agent@demo.ma")
    assert send_report(agent, inspection_id, report_form()).status_code == 303
    tab = phone("ar-MA")
    tab.sign_in("clerk@demo.ma")
    tab.goto(f"/inspections/{inspection_id}")
    answers = tab.page.locator(".checklist-answers li")
    expect(answers).to_have_count(2)
    boxes = tab.page.evaluate("""Array.from(document.querySelectorAll('.checklist-answers li'), (li) => {
        const item = li.getBoundingClientRect(), mark = li.querySelector('span').getBoundingClientRect();
        return [item.top, item.bottom, mark.top, mark.bottom];
    })""")
    for (top, bottom, mark_top, mark_bottom), (next_top, *_) in zip(boxes, [*boxes[1:], [1e9]], strict=True):
        assert top - 1 <= mark_top and mark_bottom <= bottom + 1 and mark_bottom <= next_top + 1
    tab.page.locator(".checklist-answers").scroll_into_view_if_needed()
    tab.screenshot("inspections-checklist-answers-ar-360")


def test_ones_own_uploaded_file_opens_as_a_file_not_inside_the_page(phone, app, demo, files):
    with app.app_context():
        case_id = files.draft().id  # with its documents, photos among them
    tab = phone("en-GB")
    tab.sign_in("citizen@demo.ma")
    tab.goto(f"/permits/{case_id}/documents")
    link = tab.page.locator(".doc-file a:not([download])").first  # a photo: opened, not downloaded
    href = link.get_attribute("href")
    link.click()
    tab.page.wait_for_url(f"**{href}")
    assert tab.page.evaluate("document.contentType").startswith("image/")
