"""What every page owes a person beyond what axe checks, on a 360×640 phone in Arabic and in
French, reached by tapping: no sideways scroll at 320 px nor at 200 % text, touch targets of
44×44 px, a focus ring of 3:1 or more on everything that takes focus, the error summary taking
the focus after a refused submit, one name per control, and the bidi details (the back chevron,
references, the certificate's French lines). axe-core runs on every page state: 0 violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.permits import services
from tests.browser.conftest import SCREENSHOTS, wait_until
from tests.browser.test_performance_in_browser import axe_violations
from tests.complaints import helpers as complaints
from tests.permits import files

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 360, "height": 640}
TARGETS = {
    "the header's links and sign-out": ".top-nav a, .top-nav button",
    "the footer's language buttons": ".languages button",
    "Delete this draft": "form[action$='/delete'] button",
    "Withdraw": "form[action$='/withdraw'] button",
    "Add this file": ".doc-item button",
    "Mark all as read": "main form[action*='read'] button",
}


@pytest.fixture
def journey(app, demo, tmp_path, monkeypatch):
    """A citizen's draft and a sent file; a complaint for the clerk; an issued permit."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    with app.app_context():
        draft = files.draft(applicant="Fatima Zahra Bennani")
        sent = files.submitted()
        issued = files.submitted(account="citizen2@demo.ma")
        admin = files.user("admin@demo.ma")
        services.mark_complete(issued, admin)
        files.give_opinions(issued)
        services.approve(issued, admin, "Façade blanche")
        services.issue(issued, admin)
        ids = {"draft": draft.id, "sent": sent.id, "issued": issued.id, "sent_ref": sent.reference}
        db.session.remove()
    ids["complaint"] = complaints.file(app)
    return ids


class Checks:
    """Every page state is looked at the same way; what is wrong is collected, then told at once."""

    def __init__(self, tab, language: str):
        self.tab, self.page, self.language = tab, tab.page, language
        self.states: list[str] = []
        self.problems: list[str] = []

    def state(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state()
        self.states.append(name)
        self.tab.screenshot(f"every-page-{name}-{self.language}-360")
        page.set_viewport_size(NARROW)
        if not self.tab.fits_the_screen():
            self.problems.append(f"{name}: scrolls sideways at 320 px")
        page.set_viewport_size(PHONE)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if not self.tab.fits_the_screen():
            wide = page.evaluate(
                """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
                   window.innerWidth + 1 || e.getBoundingClientRect().left < -1).slice(0, 3)
                   .map(e => e.tagName + '.' + e.className)"""
            )
            self.problems.append(f"{name}: scrolls sideways at 200 % text ({wide})")
        page.evaluate("document.documentElement.style.fontSize = ''")
        for what, selector in TARGETS.items():
            for box in [e.bounding_box() for e in page.locator(f"{selector}:visible").all()]:
                if box and (box["width"] < 44 or box["height"] < 44):
                    self.problems.append(f"{name}: {what} is {box['width']:.0f}×{box['height']:.0f} px")
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{name}: axe {violations}")

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state()


FOCUS_RING = """el => { el.focus(); const s = getComputedStyle(el);
  const shadow = s.boxShadow, outline = s.outlineStyle !== 'none' ? s.outlineColor : '';
  el.blur(); return {shadow, outline}; }"""


def _luminance(rgb: str) -> float:
    values = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ring_contrast(ring: dict) -> float:
    """The best contrast on white of the focus ring's colours (outline, box-shadow)."""
    colours = [ring["outline"]] if ring["outline"] else []
    shadow = ring["shadow"]
    while "rgb" in shadow:
        start = shadow.index("rgb")
        colours.append(shadow[start : shadow.index(")", start) + 1])
        shadow = shadow[shadow.index(")", start) + 1 :]
    return max([(1.05) / (_luminance(c) + 0.05) for c in colours] or [1])


@pytest.mark.parametrize(("locale", "language"), [("ar-MA", "ar"), ("fr-MA", "fr")])
def test_every_page_a_citizen_and_a_clerk_tap_through(phone, journey, locale, language):
    tab = phone(locale)
    checks = Checks(tab, language)
    page = tab.page
    tab.goto("/")
    checks.state("home-signed-out")
    checks.tap("main a[href='/signin']")
    checks.state("sign-in")
    tab.sign_in("citizen@demo.ma")
    checks.state("home")
    checks.tap(".top-nav a[href='/account']")
    checks.state("account")
    checks.tap(".top-nav a[href='/notifications/']")
    checks.state("inbox")
    tab.goto("/permits/")
    checks.state("my-applications")
    checks.tap(f"main a[href='/permits/{journey['draft']}']")
    checks.state("task-list")
    checks.tap(f"main a[href='/permits/{journey['draft']}/documents']")
    checks.state("documents")
    page.go_back()
    checks.tap(f"main a[href='/permits/{journey['draft']}/applicant']")
    checks.state("applicant-step")

    # A refused submit: the error summary takes the focus.
    page.fill("#applicant_name", "")
    page.locator("main form button").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    try:
        wait_until(page, "document.activeElement.matches('.error-summary')", timeout=5)
    except AssertionError:
        checks.problems.append("after a refused submit the focus is not on the error summary")
    checks.state("applicant-step-refused")

    tab.goto("/permits/")
    checks.tap(f"main a[href='/permits/{journey['sent']}']")
    checks.state("sent-file")
    # The reference sits at the start of the line, like the title under it (right to left in Arabic).
    text_box = """e => { const range = document.createRange(); range.selectNodeContents(e);
      const r = range.getBoundingClientRect(); return {x: r.x, width: r.width}; }"""
    caption, title = (page.locator(selector).first.evaluate(text_box) for selector in ("main .caption", "main h1"))
    start = (lambda box: box["x"] + box["width"]) if language == "ar" else (lambda box: box["x"])
    if abs(start(caption) - start(title)) > 2:
        checks.problems.append(f"the reference is not at the start of its line: {caption} {title}")
    # The back chevron is one character, which the browser mirrors right to left.
    chevron = page.locator("main .back").first.evaluate("a => getComputedStyle(a, '::before').content")
    if chevron != '"‹ "':
        checks.problems.append(f"the back chevron is {chevron}, mirrored twice right to left")

    checks.tap(".top-nav form[action='/signout'] button")
    page.wait_for_url(lambda url: "/signout" not in url)
    tab.sign_in("clerk@demo.ma")
    tab.goto(f"/desk/complaints/{journey['complaint']}")
    checks.state("clerk-complaint")
    # One control per id, each named by its own label (the Assign and the site check forms).
    unnamed = page.evaluate(
        """[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
           .filter(e => !e.labels || !e.labels.length || !e.labels[0].textContent.trim()).map(e => e.name)"""
    )
    ids = page.evaluate("[...document.querySelectorAll('[id]:not([type=hidden])')].map(e => e.id)")
    if unnamed or len(ids) != len(set(ids)):
        checks.problems.append(f"unnamed {unnamed}, ids twice {sorted({i for i in ids if ids.count(i) > 1})}")
    # A focus ring of 3:1 at least on white, on every kind of control.
    weak = {}
    for selector in ("main a", "main button", "main select", "main textarea", "main summary", ".languages button"):
        page.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
        element = page.locator(f"{selector}:visible:not([disabled])").first
        if element.count():
            contrast = _ring_contrast(element.evaluate(FOCUS_RING))
            if contrast < 3:
                weak[selector] = round(contrast, 2)
    if weak:
        checks.problems.append(f"focus rings under 3:1: {weak}")

    tab.goto(f"/desk/permits/{journey['issued']}")
    checks.state("clerk-issued-file")
    checks.tap(f"main a[href='/permits/{journey['issued']}/certificate']")
    checks.state("certificate")
    directions = page.evaluate(
        "[...document.querySelectorAll('.certificate [lang=fr]')].map(e => getComputedStyle(e).direction)"
    )
    if set(directions) != {"ltr"}:
        checks.problems.append(f"the certificate's French lines run {directions}")
    verify = page.locator(".verify-url").inner_text().strip()
    page.goto(verify)
    checks.state("verify")

    (SCREENSHOTS / f"every-page-problems-{language}.txt").write_text("\n".join(checks.problems), encoding="utf-8")
    assert checks.problems == []
    assert len(checks.states) >= 12
    assert [e for e in tab.errors if "422" not in e] == []  # the refused submit answers 422 (htmx logs it)
