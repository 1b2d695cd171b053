"""What every page owes a person beyond what axe checks, on a phone in Arabic and in French, reached
by tapping. On every page state: no sideways scroll at 320 px, nor at 320 px with 200 % text; touch
targets of 44×44 px; a focus ring of 3:1 or more on everything that takes focus; one id per element
and a name for every control; a back chevron pointing back; 0 axe-core violations. Once each: the
error summary takes the focus after a refused submit, a reference sits at the start of its line
(<bdi>), what people type runs in its own direction (dir="auto"), the certificate's French lines run
left to right. Each check also says it met what it checks, so none passes on an empty page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.permits import services
from tests.browser.conftest import LANGUAGES, NARROW, PHONE, SCREENSHOTS, wait_until
from tests.browser.test_performance_in_browser import axe_violations
from tests.complaints import helpers as complaints
from tests.permits import files

TARGETS = {
    "the header's links and sign-out": ".top-nav a, .top-nav button",
    "the footer's language buttons": ".languages button",
    "Delete this draft": "form[action$='/delete'] button",
    "Withdraw": "form[action$='/withdraw'] button",
    "Add this file": ".doc-item button",
    "Choose a file (the file inputs)": "input[type=file]",
    "Mark all as read": "main form[action*='read'] button",
}
# Everything that takes focus, and the kinds of it each language's pages must have shown a ring on.
FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
FOCUSED_KINDS = {"a", "button", "input", "select", "textarea", "summary"}
# Typed on the phone or at the desk in the other language's script: each runs its own way on the page.
TYPED = {
    "conditions": ("Façade blanche", "ltr"),
    "description": ("حفرة عميقة أمام المدرسة", "rtl"),
    "postal address": ("12 rue Outa Hammam, Chefchaouen", "ltr"),  # as files.draft types it
}


@pytest.fixture
def journey(app, demo):
    """A citizen's draft and a sent file; a complaint for the clerk; an issued permit."""
    with app.app_context():
        draft = files.draft(applicant="Fatima Zahra Bennani")
        sent = files.submitted()
        issued = files.approved(files.submitted(account="citizen2@demo.ma"), conditions=TYPED["conditions"][0])
        services.issue(issued, files.user("admin@demo.ma"))
        ids = {"draft": draft.id, "sent": sent.id, "issued": issued.id}
        db.session.remove()
    ids["complaint"] = complaints.file(app, description=TYPED["description"][0])
    return ids


# Focus each element in turn and read its ring: the outline's colour (if drawn) and the box-shadow.
FOCUS_RINGS = """selector => [...document.querySelectorAll(selector)]
  .filter(e => !e.disabled && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { e.focus({preventScroll: true}); const s = getComputedStyle(e);
    const ring = {kind: e.tagName.toLowerCase(), name: (e.id || e.name || e.textContent.trim()).slice(0, 30),
                  outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? s.outlineColor : '',
                  shadow: s.boxShadow, focused: document.activeElement === e};
    e.blur(); return ring; })
  .filter(ring => ring.focused)"""
# What sticks out, innermost first (the skip link waits off-screen on purpose, on the side that never scrolls).
WIDER_THAN_THE_SCREEN = """(() => { const out = e => { const r = e.getBoundingClientRect();
    return r.right > window.innerWidth + 1 || r.left < -1; };
  return [...document.querySelectorAll('body *:not(.skip)')].filter(e => out(e) && ![...e.children].some(out))
    .slice(0, 3).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().width)} px`); })()"""
UNNAMED_CONTROLS = """[...document.querySelectorAll('select, input:not([type=hidden]), textarea')]
  .filter(e => !(e.labels && [...e.labels].some(l => l.textContent.trim())) && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id)"""
IDS = "[...document.querySelectorAll('[id]:not([type=hidden])')].map(e => e.id)"


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


class Checks:
    """Every page state is looked at the same way; what is wrong is collected, then told at once."""

    def __init__(self, tab, language: str):
        self.tab, self.page, self.language = tab, tab.page, language
        self.states: list[str] = []
        self.problems: list[str] = []
        self.targets_seen: set[str] = set()
        self.focused_kinds: set[str] = set()
        self.chevrons = 0

    def state(self, name: str) -> None:
        self.page.wait_for_load_state()
        self.states.append(name)
        self.tab.screenshot(f"every-page-{name}-{self.language}-360")
        self._fits_320_px(name)
        self._touch_targets(name)
        self._focus_rings(name)
        self._ids_and_names(name)
        self._back_chevron(name)
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(f"{name}: axe {violations}")

    def _fits_320_px(self, name: str) -> None:
        """At 320 px, then at 320 px with the text twice as large (WCAG 1.4.10 and 1.4.4)."""
        page = self.page
        page.set_viewport_size(NARROW)
        self._no_sideways_scroll(f"{name} at 320 px")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        self._no_sideways_scroll(f"{name} at 320 px, 200 % text")
        self.tab.screenshot(f"every-page-{name}-{self.language}-320-200-percent", full_page=True)
        page.evaluate("document.documentElement.style.fontSize = ''")
        page.set_viewport_size(PHONE)

    def _no_sideways_scroll(self, where: str) -> None:
        if not self.tab.fits_the_screen():
            self.problems.append(f"{where}: scrolls sideways ({self.page.evaluate(WIDER_THAN_THE_SCREEN)})")

    def _touch_targets(self, name: str) -> None:
        for what, selector in TARGETS.items():
            for box in [e.bounding_box() for e in self.page.locator(f"{selector}:visible").all()]:
                self.targets_seen.add(what)
                if box and (box["width"] < 44 or box["height"] < 44):
                    self.problems.append(f"{name}: {what} is {box['width']:.0f}×{box['height']:.0f} px")

    def _focus_rings(self, name: str) -> None:
        rings = self.page.evaluate(FOCUS_RINGS, FOCUSABLE)
        self.focused_kinds |= {ring["kind"] for ring in rings}
        weak = {f"{ring['kind']} {ring['name']}": round(_ring_contrast(ring), 2) for ring in rings}
        weak = {element: contrast for element, contrast in weak.items() if contrast < 3}
        if weak:
            self.problems.append(f"{name}: focus rings under 3:1 on white: {weak}")

    def _ids_and_names(self, name: str) -> None:
        """One element per id (a label names the first one only) and every control named."""
        ids = self.page.evaluate(IDS)
        twice = sorted({i for i in ids if ids.count(i) > 1})
        unnamed = self.page.evaluate(UNNAMED_CONTROLS)
        if twice or unnamed:
            self.problems.append(f"{name}: ids twice {twice}, unnamed controls {unnamed}")

    def _back_chevron(self, name: str) -> None:
        """U+2039 is mirrored by the browser right to left: the one character points back both ways."""
        for chevron in self.page.locator("main .back").evaluate_all(
            "links => links.map(a => getComputedStyle(a, '::before').content)"
        ):
            self.chevrons += 1
            if chevron != '"‹ "':
                self.problems.append(f"{name}: the back chevron is {chevron}, mirrored twice right to left")

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state()

    def typed_text_runs_its_own_way(self, typed: str) -> None:
        text, direction = TYPED[typed]
        shown = self.page.locator("main").get_by_text(text, exact=True).first
        runs = shown.evaluate("e => getComputedStyle(e).direction")
        if runs != direction:
            self.problems.append(f"{typed} typed as {text!r} runs {runs}, not {direction} (no dir=auto)")

    def summary(self) -> list[str]:
        """What is wrong, and what was never met (a check that met nothing proves nothing)."""
        missing = [f"no {what} on any page" for what in TARGETS if what not in self.targets_seen]
        missing += [f"no focus ring measured on a {kind}" for kind in sorted(FOCUSED_KINDS - self.focused_kinds)]
        missing += ["no back chevron on any page"] if not self.chevrons else []
        return self.problems + missing


def _error_summary_takes_the_focus(checks: Checks) -> None:
    page = checks.page
    page.fill("#applicant_name", "")
    page.locator("main form button").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    try:
        wait_until(page, "document.activeElement.matches('.error-summary')", timeout=5)
    except AssertionError:
        checks.problems.append("after a refused submit the focus is not on the error summary")


def _reference_at_the_start_of_its_line(checks: Checks) -> None:
    """The reference sits where its line starts, like the title under it (on the right in Arabic)."""
    text_box = """e => { const range = document.createRange(); range.selectNodeContents(e);
      const r = range.getBoundingClientRect(); return {x: r.x, width: r.width}; }"""
    caption, title = (checks.page.locator(where).first.evaluate(text_box) for where in ("main .caption", "main h1"))
    start = (lambda box: box["x"] + box["width"]) if checks.language == "ar" else (lambda box: box["x"])
    if abs(start(caption) - start(title)) > 2:
        checks.problems.append(f"the reference is not at the start of its line: {caption} {title}")


def _certificate_french_runs_left_to_right(checks: Checks) -> None:
    directions = checks.page.evaluate(
        "[...document.querySelectorAll('.certificate [lang=fr]')].map(e => getComputedStyle(e).direction)"
    )
    if set(directions) != {"ltr"}:
        checks.problems.append(f"the certificate's French lines run {directions}")


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
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
    checks.tap(".top a.brand")
    checks.tap(f"main a[href='/permits/{journey['draft']}']")
    checks.state("task-list")
    checks.tap(f"main a[href='/permits/{journey['draft']}/documents']")
    checks.state("documents")
    checks.tap("main a.back")
    checks.tap(f"main a[href='/permits/{journey['draft']}/applicant']")
    checks.state("applicant-step")
    _error_summary_takes_the_focus(checks)
    checks.state("applicant-step-refused")

    checks.tap(".top a.brand")
    checks.tap(f"main a[href='/permits/{journey['sent']}']")
    checks.state("sent-file")
    _reference_at_the_start_of_its_line(checks)
    checks.typed_text_runs_its_own_way("postal address")
    checks.tap("main a.back")
    checks.state("my-applications")

    checks.tap(".top-nav form[action='/signout'] button")
    page.wait_for_url(lambda url: "/signout" not in url)
    tab.sign_in("clerk@demo.ma")
    checks.state("staff-home")
    checks.tap("main .cards a[href='/desk/complaints']")
    checks.state("clerk-complaints")
    checks.tap(f"main a[href='/desk/complaints/{journey['complaint']}']")
    checks.state("clerk-complaint")
    checks.typed_text_runs_its_own_way("description")

    checks.tap(".top a.brand")
    checks.tap("main .cards a[href='/desk/permits']")
    checks.state("clerk-permits")
    checks.tap(f"main a[href='/desk/permits/{journey['issued']}']")
    checks.state("clerk-issued-file")
    checks.typed_text_runs_its_own_way("conditions")
    checks.typed_text_runs_its_own_way("postal address")
    checks.tap(f"main a[href='/permits/{journey['issued']}/certificate']")
    checks.state("certificate")
    _certificate_french_runs_left_to_right(checks)
    verify = page.locator(".verify-url").inner_text().strip()
    page.goto(verify)  # the certificate's QR code, scanned
    checks.state("verify")

    problems = checks.summary()
    (SCREENSHOTS / f"every-page-problems-{language}.txt").write_text("\n".join(problems), encoding="utf-8")
    assert problems == []
    assert len(checks.states) >= 18
    assert [e for e in tab.errors if "422" not in e] == []  # the refused submit answers 422 (htmx logs it)
