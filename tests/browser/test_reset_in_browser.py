"""Getting back into an account on a 360×640 phone in Arabic: by a link sent by e-mail (a real
local SMTP server), and by a code a clerk gives at the counter after checking the CIN card."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User

NEW = "زيتون-الشاون-2026"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/reset/[A-Za-z0-9_-]+")


def _choose_new_password(page) -> None:
    page.fill("#new_password", NEW)
    page.fill("#confirm", NEW)
    page.get_by_role("button", name="حفظ كلمة المرور الجديدة").click()


def test_a_citizen_resets_the_password_by_email_in_arabic(phone, demo, mailbox):
    tab = phone("ar-MA")
    page = tab.page
    tab.goto("/signin")
    page.get_by_role("link", name="نسيت كلمة المرور؟").click()
    expect(page.locator("h1")).to_have_text("نسيت كلمة المرور؟")
    assert tab.fits_the_screen()
    tab.screenshot("reset-request-ar-360")
    page.fill("#login", "citizen@demo.ma")
    page.get_by_role("button", name="متابعة").click()
    expect(page.locator("h1")).to_have_text("تفقد بريدك الإلكتروني")
    tab.screenshot("reset-sent-ar-360")

    [message] = mailbox.wait_for("citizen@demo.ma")
    assert "كلمة مرور" in message["Subject"]  # written in the language the citizen asked in
    tab.page.goto(LINK.search(message.get_content()).group(0))  # the link, opened from the mail app
    expect(page.locator("h1")).to_have_text("اختر كلمة مرور جديدة")
    assert tab.fits_the_screen()
    tab.screenshot("reset-link-ar-360")
    _choose_new_password(page)
    expect(page.locator("h1")).to_have_text("تسجيل الدخول")
    expect(page.locator(".flash")).to_contain_text("تم تغيير كلمة المرور")

    page.fill("#login", "citizen@demo.ma")
    page.fill("#password", NEW)
    page.locator("main button.button").click()
    expect(page.locator("h1")).to_contain_text("محمد العلوي")
    assert tab.errors == []


def test_a_clerk_gives_a_code_at_the_counter_and_the_citizen_uses_it_in_arabic(phone, app, demo):
    with app.app_context():  # the citizen signs in with a mobile number, and has no e-mail
        db.session.execute(
            sa.update(User).where(User.email == "citizen@demo.ma").values(phone="+212661234567", email=None)
        )
        db.session.commit()

    desk = phone("ar-MA")
    counter = desk.page
    desk.sign_in("clerk@demo.ma")
    counter.get_by_role("link", name="رمز إعادة تعيين كلمة المرور").click()
    counter.fill("#login", "06 61 23 45 67")
    counter.get_by_role("button", name="البحث عن الحساب").click()
    expect(counter.locator("main h2").first).to_have_text("محمد العلوي")
    counter.fill("#cin", "AB123456")  # read from the card
    counter.check("#seen")
    desk.screenshot("reset-desk-ar-360", full_page=True)
    assert desk.fits_the_screen()
    counter.get_by_role("button", name="تسليم رمز إعادة التعيين").click()
    code = counter.locator("[data-reset-code]").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code)
    expect(counter.locator("[data-print]")).to_be_visible()
    desk.screenshot("reset-code-slip-ar-360")

    tab = phone("ar-MA")
    page = tab.page
    tab.goto("/signin")
    page.get_by_role("link", name="نسيت كلمة المرور؟").click()
    page.get_by_role("link", name="لدي رمز إعادة التعيين").click()
    expect(page.locator("h1")).to_have_text("استعمال رمز إعادة التعيين")
    page.fill("#login", "0661234567")
    page.fill("#code", code)
    tab.screenshot("reset-code-ar-360", full_page=True)
    assert tab.fits_the_screen()
    _choose_new_password(page)
    expect(page.locator("h1")).to_have_text("تسجيل الدخول")

    page.fill("#login", "0661234567")
    page.fill("#password", NEW)
    page.locator("main button.button").click()
    expect(page.locator("h1")).to_contain_text("محمد العلوي")
    page.locator("header").get_by_role("link", name="حسابي").click()
    expect(page.locator("main")).to_contain_text("فاطمة الزهراء بناني")  # who gave the code, on the account
    assert tab.fits_the_screen()
    tab.screenshot("account-resets-ar-360", full_page=True)
    assert tab.errors == [] and desk.errors == []
