"""A citizen on a 360×640 phone in Arabic: sign up, sign in, right-to-left, languages, no JS."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_until


def test_a_citizen_signs_up_then_signs_in_on_a_phone_in_arabic(phone, demo):
    tab = phone("ar-MA")
    tab.goto("/signup")
    page = tab.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("إنشاء حساب")
    assert tab.fits_the_screen()
    tab.screenshot("signup-ar-360")

    page.fill("#full_name", "سعاد المرابط")
    page.fill("#login", "06 55 44 33 22")
    chefchaouen = page.locator("#commune option", has_text="شفشاون").get_attribute("value")
    page.select_option("#commune", value=chefchaouen)
    page.fill("#password", "ورد-الربيع-2026")
    page.fill("#confirm", "ورد-الربيع-2026")
    page.get_by_role("button", name="إنشاء حسابي").click()
    expect(page.locator("h1")).to_contain_text("سعاد المرابط")
    assert page.url.endswith("/")
    tab.screenshot("home-citizen-ar-360")

    page.get_by_role("button", name="تسجيل الخروج").click()
    header_signin = page.locator("header").get_by_role("link", name="تسجيل الدخول")
    expect(header_signin).to_be_visible()
    header_signin.click()
    expect(page.locator("h1")).to_have_text("تسجيل الدخول")
    tab.screenshot("signin-ar-360")
    page.fill("#login", "0655443322")
    page.fill("#password", "ورد-الربيع-2026")
    page.locator("main button.button").click()
    expect(page.locator("h1")).to_contain_text("سعاد المرابط")
    assert tab.errors == []


def test_arabic_pages_are_laid_out_right_to_left(phone):
    tab = phone("ar-MA")
    tab.goto("/signin")
    page = tab.page
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand = page.locator(".brand").bounding_box()
    label = page.locator("label[for=login]").bounding_box()
    assert brand["x"] > 180  # the brand sits at the right of a 360 px screen
    assert label["x"] + label["width"] > 300  # labels start from the right
    assert tab.fits_the_screen()


def test_a_bad_sign_in_keeps_what_was_typed_and_says_why_in_arabic(phone, demo):
    tab = phone("ar-MA")
    tab.sign_in("citizen@demo.ma", "خطأ-خطأ", succeeds=False)
    page = tab.page
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^خطأ"))
    expect(page.locator("#login")).to_have_value("citizen@demo.ma")


def test_the_language_switch_changes_language_and_direction(phone, demo):
    tab = phone("ar-MA")
    tab.goto("/signin")
    page = tab.page
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Se connecter")
    assert page.url.endswith("/signin")
    tab.goto("/")  # the choice sticks
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_htmx_boosts_navigation_without_breaking_the_csp(phone, demo):
    tab = phone("ar-MA")
    tab.goto("/")
    page = tab.page
    wait_until(page, "window.htmx !== undefined")
    with page.expect_request(lambda r: r.headers.get("hx-boosted") == "true"):
        page.locator("header a[href='/signin']").click()
    expect(page.locator("h1")).to_have_text("تسجيل الدخول")
    expect(page).to_have_title(re.compile("تسجيل الدخول"))
    assert tab.errors == []


def test_everything_works_without_javascript(phone, demo):
    tab = phone("ar-MA", javascript=False)
    tab.goto("/communes/?q=شفشاون")
    page = tab.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("button.choice").first.click()
    expect(page.locator(".commune-choice")).to_contain_text("شفشاون")
    tab.sign_in("citizen@demo.ma")
    expect(page.locator("h1")).to_contain_text("محمد العلوي")
    tab.screenshot("home-nojs-ar-360")


def test_staff_home_on_a_phone(phone, demo):
    tab = phone("ar-MA")
    tab.sign_in("clerk@demo.ma")
    page = tab.page
    expect(page.locator("h1")).to_contain_text("فاطمة الزهراء بناني")
    assert tab.fits_the_screen()
    tab.screenshot("home-clerk-ar-360")
