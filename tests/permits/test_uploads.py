"""What happens to a file someone sends: checked by its content, photos cleaned, PDFs parsed and capped.

Every refusal must say what is wrong in words, and leave nothing in the upload folder.
"""

from __future__ import annotations

import io
import struct

import pikepdf
import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import User
from app.permits import services
from app.permits.models import CaseDocument, PermitCase, PermitType
from app.uploads import UploadError, store_upload
from tests.permits.helpers import MINIMAL_PDF, huge_png

MB = 1_000_000
NOT_PHOTO_OR_PDF = "This file is not a photo or a PDF document."
NOT_PHOTO = "This file is not a photo. Send a JPEG or PNG photo."
PDF_TOO_LARGE = "This PDF is too large: the limit is 20 MB. Scan it at a lower resolution."
PDF_DAMAGED = "This PDF is damaged or incomplete. Save it again and send it once more."
BOTH = ["pdf", "image"]
PHOTOS = ["image"]


# --- files made on the spot ------------------------------------------------------------------


def pdf_bytes(total: int | None = None, eof: bool = True) -> bytes:
    """A real one-page PDF, padded with a comment to ``total`` bytes."""
    body, tail = MINIMAL_PDF.removesuffix(b"%%EOF\n"), b"%%EOF\n" if eof else b"\n"
    padding = b"" if total is None else b"%" + b"0" * (total - len(body) - len(tail) - 2) + b"\n"
    return body + padding + tail


def pages_of(path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def blank_image(size=(64, 48), fmt="JPEG", mode="RGB", **save_options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt, **save_options)
    return out.getvalue()


def huge_jpeg_header(width: int, height: int) -> bytes:
    """A small JPEG whose frame header announces ``width`` × ``height`` (what a bomb looks like)."""
    data = bytearray(blank_image((16, 16), mode="L"))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_exif(size=(3000, 1000), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"  # Make
    exif[0x0110] = "SpyPhone 9"  # Model
    if orientation:
        exif[0x0112] = orientation
    # GPSInfo (34853): 35°34'N 5°22'W, a house in Tétouan.
    exif[34853] = {1: "N", 2: (35.0, 34.0, 12.0), 3: "W", 4: (5.0, 22.0, 8.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, filename: str = "file.bin", content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


@pytest.fixture
def folder(app, monkeypatch, tmp_path):
    target = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(target))
    return target


@pytest.fixture
def store(app, folder):
    """store_upload inside an English request: returns the StoredFile, or the refusal's words."""

    def run(file_storage, accepted=BOTH):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            try:
                stored = store_upload(file_storage, accepted)
                db.session.commit()  # a stored file is published with the transaction that records it
                return stored
            except UploadError as error:
                return str(error.message)

    return run


def stored_files(folder) -> list:
    return sorted(folder.iterdir()) if folder.exists() else []


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "accepted", "expected"),
    [
        (b"Hello, this is a text file.\n", "photo.jpg", BOTH, NOT_PHOTO_OR_PDF),
        (b"Hello, this is a text file.\n", "photo.jpg", PHOTOS, NOT_PHOTO),
        (b"<html><body>not a pdf</body></html>", "scan.pdf", BOTH, NOT_PHOTO_OR_PDF),
        (b"PK\x03\x04" + b"\x00" * 200, "plans.docx", BOTH, NOT_PHOTO_OR_PDF),
        (b"MZ\x90\x00" + b"\x00" * 200, "photo.png", PHOTOS, NOT_PHOTO),
        (pdf_bytes(), "photo.jpg", PHOTOS, NOT_PHOTO),  # a PDF where only photos are accepted
        (b"", "photo.jpg", BOTH, "This file is empty."),
        (b"%PDF-1.4 whatever", "", BOTH, "Choose a file."),
    ],
    ids=[
        "text-as-jpg",
        "text-as-jpg-photos-only",
        "html-as-pdf",
        "zip",
        "exe-as-png-photos-only",
        "pdf-photos-only",
        "empty",
        "no-file-chosen",
    ],
)
def test_a_file_that_is_not_what_is_asked_is_refused_in_words(store, folder, data, filename, accepted, expected):
    assert store(upload(data, filename, "image/jpeg"), accepted) == expected
    assert stored_files(folder) == []


def test_no_file_at_all_is_refused(store, folder):
    assert store(None) == "Choose a file."


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        # 400 megapixels: Pillow itself refuses it unopened.
        (lambda: huge_png(20_000, 20_000), "This image is too large. Send a photo of at most 50 megapixels."),
        # 100 megapixels: over Pillow's warning threshold.
        (lambda: huge_png(10_000, 10_000), "This image is too large. Send a photo of at most 50 megapixels."),
        # 56 megapixels: under Pillow's threshold, over the app's own limit; the message gives the size.
        (
            lambda: huge_png(8_000, 7_000),
            "This image is too large (8000 × 7000 pixels). Send a photo of at most 50 megapixels.",
        ),
    ],
    ids=["png-20000x20000", "png-10000x10000", "png-8000x7000"],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(store, folder, make, expected):
    data = make()
    assert len(data) < 2 * MB  # small on disk: the danger is in memory
    assert store(upload(data, "plan.png", "image/png"), PHOTOS) == expected
    assert store(upload(data, "plan.png", "image/png"), BOTH) == expected
    assert stored_files(folder) == []


def test_a_huge_jpeg_is_called_too_large_not_something_else(store, folder):
    """A 20,000 × 20,000 JPEG (say a stitched panorama) is a photo: the applicant must be told
    it is too large, not that it is not a photo at all."""
    result = store(upload(huge_jpeg_header(20_000, 20_000), "panorama.jpg", "image/jpeg"), BOTH)
    assert stored_files(folder) == []
    assert isinstance(result, str)
    assert "too large" in result, (
        f"BUG: a JPEG over Pillow's bomb limit is refused as {result!r}: kind_of() treats "
        "DecompressionBombError as 'not an image' unless the bytes start with the PNG signature"
    )


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (20 * MB + 1, PDF_TOO_LARGE),
        (25 * MB, PDF_TOO_LARGE),
        (20 * MB, None),  # exactly the limit is accepted
    ],
    ids=["one-byte-over", "25MB", "exactly-20MB"],
)
def test_pdfs_over_the_size_limit_are_refused(store, folder, size, expected):
    data = pdf_bytes(size)
    assert len(data) == size
    result = store(upload(data, "plans.pdf", "application/pdf"))
    if expected is None:
        assert result.content_type == "application/pdf"
        assert pages_of(folder / result.storage_name) == 1
    else:
        assert result == expected
        assert stored_files(folder) == []


@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes(eof=False),
        pdf_bytes()[:-8],  # cut just before %%EOF
        pdf_bytes(200_000)[:100_000],  # cut in the middle
        b"%PDF-",
    ],
    ids=["no-eof", "cut-before-eof", "cut-in-the-middle", "signature-only"],
)
def test_a_truncated_pdf_is_refused(store, folder, data):
    assert store(upload(data, "plans.pdf", "application/pdf")) == PDF_DAMAGED
    assert stored_files(folder) == []


# --- what is stored ------------------------------------------------------------------------------


def test_a_pdf_is_stored_as_a_pdf_with_its_pages(store, folder):
    result = store(upload(pdf_bytes(), "plans.pdf", "application/octet-stream"))
    assert result.content_type == "application/pdf"
    assert result.original_name == "plans.pdf"
    assert result.storage_name.endswith(".pdf")
    assert stored_files(folder) == [folder / result.storage_name]
    assert result.size == (folder / result.storage_name).stat().st_size
    assert pages_of(folder / result.storage_name) == 1


def test_a_photo_loses_its_exif_and_gps_and_is_capped_at_2000_pixels(store, folder):
    data = jpeg_with_exif((3000, 1000))
    with Image.open(io.BytesIO(data)) as original:  # the test photo really carries them
        assert 34853 in original.getexif() and original.getexif()[0x010F] == "SecretCam Maker"

    result = store(upload(data, "IMG_0001.JPG", "image/jpeg"), PHOTOS)

    path = folder / result.storage_name
    assert result.content_type == "image/jpeg" and result.storage_name.endswith(".jpg")
    assert result.size == path.stat().st_size
    stored = path.read_bytes()
    assert b"SecretCam" not in stored and b"SpyPhone" not in stored and b"Exif" not in stored
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.size == (2000, 667)


def test_a_photo_taken_sideways_is_stored_upright(store, folder):
    # Orientation 6: the camera stored it lying down; viewers rotate it 90° clockwise.
    result = store(upload(jpeg_with_exif((300, 100), orientation=6), "door.jpg", "image/jpeg"), PHOTOS)
    with Image.open(folder / result.storage_name) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (100, 300)


@pytest.mark.parametrize(
    ("data", "filename", "expected_size"),
    [
        (blank_image((640, 480), "PNG", "RGBA"), "plan.png", (640, 480)),
        (blank_image((640, 480), "PNG", "P"), "plan.png", (640, 480)),
        (blank_image((640, 480), "PNG", "LA"), "plan.png", (640, 480)),
        (blank_image((640, 480), "PNG", "1"), "plan.png", (640, 480)),
        (blank_image((640, 480), "PNG", "I;16"), "plan.png", (640, 480)),
        (blank_image((2500, 2500), "PNG", "RGB"), "plan.png", (2000, 2000)),
        (blank_image((1000, 3000), "PNG", "L"), "plan.png", (667, 2000)),
        (blank_image((640, 480), "JPEG", "CMYK"), "scan.jpeg", (640, 480)),
        (blank_image((640, 480), "GIF", "P"), "anim.gif", (640, 480)),
        (blank_image((640, 480), "WEBP", "RGB"), "photo.webp", (640, 480)),
        (blank_image((2000, 2000), "JPEG", "RGB"), "exact.jpg", (2000, 2000)),
    ],
    ids=[
        "png-rgba",
        "png-palette",
        "png-grey-alpha",
        "png-1bit",
        "png-16bit",
        "png-large",
        "png-tall",
        "jpeg-cmyk",
        "gif",
        "webp",
        "jpeg-2000-exact",
    ],
)
def test_every_photo_is_stored_as_a_jpeg(store, folder, data, filename, expected_size):
    result = store(upload(data, filename, "image/png"), PHOTOS)
    assert result.content_type == "image/jpeg"
    assert result.original_name == filename.rsplit(".", 1)[0] + ".jpg"
    with Image.open(folder / result.storage_name) as image:
        assert image.format == "JPEG"
        assert image.mode in ("RGB", "L")
        assert image.size == expected_size


def test_a_photo_with_a_pdf_name_is_stored_as_a_photo(store, folder):
    result = store(upload(blank_image(), "plans.pdf", "application/pdf"))
    assert result.content_type == "image/jpeg" and result.original_name == "plans.jpg"


def test_a_photo_loses_its_jpeg_comment_too(store, folder):
    """A JPEG comment (COM segment) is metadata like EXIF: phone apps and editors write names,
    places or coordinates there. It must not survive the re-encoding."""
    data = blank_image((200, 100), comment=b"Home of M. Alaoui, 35.5712 -5.3689")
    result = store(upload(data, "facade.jpg", "image/jpeg"), PHOTOS)
    stored = (folder / result.storage_name).read_bytes()
    assert b"Alaoui" not in stored, (
        "BUG: the JPEG comment is copied into the re-encoded photo (Pillow's JPEG save falls back "
        "to im.info['comment']); _reencode_image does not drop it"
    )


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/var/www/static/plans.pdf", "plans.pdf"),
        ("C:\\Users\\Karim\\Desktop\\plans.pdf", "plans.pdf"),
        ("..\\..\\boot.pdf", "boot.pdf"),
        ('plan "final" <v2>.pdf', "plan final v2.pdf"),
        ("plan\r\nSet-Cookie: x=1.pdf", "planSet-Cookie: x=1.pdf"),
        ("nul\x00byte.pdf", "nulbyte.pdf"),
        ("طلب رخصة البناء.pdf", "طلب رخصة البناء.pdf"),  # Arabic names are kept
        ("plans/", "file"),
        ('"".pdf', ".pdf"),
        ("a" * 300 + ".pdf", "a" * 150),
    ],
    ids=[
        "dot-dot",
        "absolute",
        "windows",
        "windows-dot-dot",
        "quotes-and-angles",
        "header-injection",
        "nul",
        "arabic",
        "only-a-folder",
        "only-quotes",
        "very-long",
    ],
)
def test_file_names_are_cleaned(store, folder, filename, expected):
    result = store(upload(pdf_bytes(), filename, "application/pdf"))
    assert result.original_name == expected
    # Wherever the name pointed, the file lands in the upload folder under a random name.
    assert stored_files(folder) == [folder / result.storage_name]
    assert "/" not in result.storage_name and "\\" not in result.storage_name and ".." not in result.storage_name


def test_two_uploads_of_the_same_file_never_overwrite_each_other(store, folder):
    first = store(upload(pdf_bytes(), "plans.pdf"))
    second = store(upload(pdf_bytes(), "plans.pdf"))
    assert first.storage_name != second.storage_name
    assert len(stored_files(folder)) == 2


# --- through the pages -------------------------------------------------------------------------


@pytest.fixture
def draft(app, demo, folder):
    """A draft building permit of the demo citizen; yields its id."""
    if "permits.documents" not in app.view_functions:
        pytest.skip("no document upload page yet")
    with app.app_context():
        citizen = db.session.scalar(sa.select(User).where(User.email == "citizen@demo.ma"))
        permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
        case = services.start(citizen, permit_type, citizen.commune)
        case_id = case.id
        db.session.remove()
    return case_id


def documents_of(app, case_id: int) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        case = db.session.get(PermitCase, case_id)
        documents = [(d.item_code, d.original_name, d.content_type, d.storage_name) for d in case.documents]
        db.session.remove()
    return documents


def post_file(client, case_id, item, data, filename, **kwargs):
    url = f"/permits/{case_id}/documents"
    return client.post(url, {"item": item, "file": (io.BytesIO(data), filename)}, form_url=url, **kwargs)


def test_a_text_file_renamed_photo_jpg_is_refused_on_the_page(client, app, draft, folder):
    client.signin("citizen@demo.ma")
    response = post_file(client, draft, "request", b"just some text\n", "photo.jpg")
    assert response.status_code == 200
    assert NOT_PHOTO_OR_PDF in response.get_data(as_text=True)
    assert documents_of(app, draft) == []
    assert stored_files(folder) == []


def test_a_refusal_comes_back_in_the_item_alone_with_htmx(client, app, draft, folder):
    client.signin("citizen@demo.ma")
    response = post_file(client, draft, "request", pdf_bytes(eof=False), "request.pdf", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="doc-request"' in page and "<html" not in page
    assert PDF_DAMAGED in page
    assert documents_of(app, draft) == []


def test_a_photo_sent_on_the_page_is_served_back_clean(client, app, draft, folder):
    client.signin("citizen@demo.ma")
    response = post_file(client, draft, "request", jpeg_with_exif((3000, 1000)), "IMG_0001.jpg")
    assert response.status_code == 303
    [(item, name, content_type, storage_name)] = documents_of(app, draft)
    assert (item, name, content_type) == ("request", "IMG_0001.jpg", "image/jpeg")
    assert stored_files(folder) == [folder / storage_name]

    with app.app_context():
        document_id = db.session.scalar(sa.select(CaseDocument.id).where(CaseDocument.case_id == draft))
    served = client.get(f"/permits/files/{document_id}")
    body = served.get_data()
    served.close()  # send_file streams from the stored file
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (2000, 667) and dict(image.getexif()) == {}
