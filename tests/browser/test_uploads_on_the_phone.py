"""Files on the phone, in Arabic and in French: every file input says what it takes; a file the
server would refuse (too large, wrong type) is refused before a byte is sent; a camera photo on
the documents step is made lighter by the phone (≤ 400 KB sent), as on the complaint form."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import LANGUAGES
from tests.permits import files

CAMERA_PHOTO_BYTES = 5_000_000


def camera_photo() -> bytes:
    """A 4000×3000 photo of noise at JPEG quality 95: several megabytes, as a phone's camera takes."""
    noise = Image.effect_noise((4000, 3000), 80).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    data = out.getvalue()
    assert len(data) > CAMERA_PHOTO_BYTES
    return data


@pytest.fixture
def draft_id(app, demo, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    with app.app_context():
        case_id = files.draft().id
        db.session.remove()
    return case_id


MESSAGES = {
    "ar": ("حجم هذا الملف يتجاوز 20 ميغابايت", "لا يمكن إرسال هذا الملف", "ملف PDF لا يتجاوز 20 ميغابايت"),
    "fr": ("Ce fichier dépasse 20 Mo", "Ce fichier ne peut pas être envoyé", "Un PDF de 20 Mo au plus"),
}
# What a file input says it takes: a PDF (with its size) or a photo, or photos only (made lighter).
LIMITS = {
    "ar": ("ملف PDF لا يتجاوز 20 ميغابايت، أو صورة (JPEG أو PNG)", "صور بصيغة JPEG أو PNG. يخفف هاتفك حجمها"),
    "fr": ("Un PDF de 20 Mo au plus, ou une photo (JPEG, PNG)", "Photos JPEG ou PNG. Votre téléphone les allège"),
}
# Each file input: what it accepts, and the text a screen reader reads with it (aria-describedby).
FILE_INPUTS = """[...document.querySelectorAll('input[type=file]')].map(input => ({
  name: input.id || input.name, accept: input.getAttribute('accept') || '',
  described: (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
    .map(id => document.getElementById(id)?.innerText || '').join(' ')}))"""


def unstated_file_inputs(page, language: str) -> list[str]:
    """The page's file inputs that do not say, to the eye and to a screen reader, what they take.
    An empty page is a problem too: a test that meets no file input checks nothing."""
    inputs = page.evaluate(FILE_INPUTS)
    unstated = [
        f"{field['name']}: accepts {field['accept']!r}, says {field['described']!r}"
        for field in inputs
        if not field["accept"] or not any(limit in field["described"] for limit in LIMITS[language])
    ]
    return unstated if inputs else ["no file input on the page"]


@pytest.mark.parametrize(("locale", "language"), LANGUAGES)
def test_the_phone_checks_files_before_sending_and_shrinks_photos(phone, draft_id, locale, language):
    too_large, wrong_type, stated = MESSAGES[language]
    tab = phone(locale)
    tab.sign_in("citizen@demo.ma")
    page = tab.page
    tab.goto("/permits/")
    page.locator(f"main a[href='/permits/{draft_id}']").click()
    page.locator(f"main a[href='/permits/{draft_id}/documents']").click()
    page.wait_for_url(f"**/permits/{draft_id}/documents")
    item = page.locator("#doc-site_plan")
    expect(item.locator(".hint")).to_contain_text(stated)
    assert unstated_file_inputs(page, language) == []
    sent = []
    page.on("request", lambda r: r.method == "POST" and "/documents" in r.url and sent.append(r))

    big_pdf = b"%PDF-1.4\n" + b"0" * 30_000_000
    item.locator("input[type=file]").set_input_files(
        {"name": "plans.pdf", "mimeType": "application/pdf", "buffer": big_pdf}
    )
    expect(item.locator(".error-message")).to_contain_text(too_large)
    assert item.locator("input[type=file]").evaluate("i => i.files.length") == 0
    item.locator("input[type=file]").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a plan"}
    )
    expect(item.locator(".error-message")).to_contain_text(wrong_type)
    tab.screenshot(f"upload-refused-{language}-360")
    assert sent == []

    item.locator("input[type=file]").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()}
    )
    expect(item.locator(".error-message")).to_be_hidden()
    with page.expect_request(lambda r: r.method == "POST" and "/documents" in r.url) as posted:
        item.locator("form[data-upload] button").click()
    assert int(posted.value.header_value("content-length")) <= 400 * 1024
    expect(page.locator("#doc-site_plan")).to_contain_text("IMG_2041.jpg")
    assert tab.fits_the_screen()
    assert tab.errors == []
