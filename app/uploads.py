"""Files people send: checked by content, images re-encoded, stored outside static/.

Photos are re-encoded with Pillow: EXIF (GPS included) is dropped, the long edge is capped,
and decompression bombs are refused before they are decoded. PDFs are checked by their
signature and capped in size. The bytes go to app.core.storage, published at commit.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core import storage

MAX_IMAGE_EDGE = 2000
MAX_IMAGE_PIXELS = 50_000_000  # a 20,000 × 20,000 image (400 M pixels) is refused unopened
PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"}


class UploadError(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    original_name: str
    content_type: str
    size: int


def _clean_name(name: str | None) -> str:
    name = (name or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')[:150] or "file"


def _reencode_image(data: bytes) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise UploadError(_l("This file is not a photo or a PDF document."))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadError(
                    _l(
                        "This image is too large (%(width)d × %(height)d pixels). Send a "
                        "photo of at most 50 megapixels.",
                        width=image.width,
                        height=image.height,
                    )
                )
            image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
            image.thumbnail((MAX_IMAGE_EDGE, MAX_IMAGE_EDGE))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.info = {}  # EXIF, GPS, comments, XMP: nothing of the original's metadata goes on
            out = io.BytesIO()
            image.save(out, "JPEG", quality=82, optimize=True)
            return out.getvalue()
        except UploadError:
            raise  # already in words (it is a ValueError too)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadError(_l("This image is too large. Send a photo of at most 50 megapixels.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):  # Pillow's ways of saying "broken"
            raise UploadError(_l("This photo could not be read. Take it again or choose another file.")) from None


def _check_pdf(data: bytes) -> None:
    limit = current_app.config["MAX_PDF_BYTES"]
    if len(data) > limit:
        raise UploadError(
            _l("This PDF is too large: the limit is %(mb)d MB. Scan it at a lower resolution.", mb=limit // 1_000_000)
        )
    if b"%%EOF" not in data[-2048:]:
        raise UploadError(_l("This PDF is damaged or incomplete. Save it again and send it once more."))


def kind_of(data: bytes) -> str | None:
    """'pdf', 'image' or None, from the content (never the file name)."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return "image" if probe.format in IMAGE_FORMATS else None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "image"  # an image, too large to open safely: _reencode_image says so
    except (UnidentifiedImageError, OSError, ValueError):  # a truncated header is a ValueError
        return None


def photos_problem(files, limit: int, too_many: str) -> str | None:
    """What is wrong with a form's photos, in words (too many, or one that is not a photo), else None.

    Checked before anything is stored, so the form can be answered with its other answers kept."""
    photos = [f for f in files if f and f.filename]
    if len(photos) > limit:
        return too_many
    for photo in photos:
        head = photo.stream.read()
        photo.stream.seek(0)
        if kind_of(head) != "image":
            return _l("%(name)s is not a photo. Send JPEG or PNG photos.", name=photo.filename[:80])
    return None


def store_upload(file_storage, accepted_kinds: list[str]) -> StoredFile:
    """Check, clean and store one uploaded file; UploadError says what is wrong, in words."""
    if file_storage is None or not file_storage.filename:
        raise UploadError(_l("Choose a file."))
    limit = current_app.config["MAX_PDF_BYTES"]
    data = file_storage.stream.read(limit + 1)
    if not data:
        raise UploadError(_l("This file is empty."))
    kind = kind_of(data)
    if kind is None or kind not in accepted_kinds:
        if accepted_kinds == ["image"]:
            raise UploadError(_l("This file is not a photo. Send a JPEG or PNG photo."))
        raise UploadError(_l("This file is not a photo or a PDF document."))
    if kind == "pdf":
        _check_pdf(data)
        content, content_type, suffix = data, "application/pdf", ".pdf"
    else:
        content, content_type, suffix = _reencode_image(data), "image/jpeg", ".jpg"
    storage_name = storage.new_name(suffix)
    storage.stage(storage_name, content)  # published when the record of it is committed
    original = _clean_name(file_storage.filename)
    if kind == "image":
        original = original.rsplit(".", 1)[0] + ".jpg"
    return StoredFile(storage_name, original, content_type, len(content))


def discard(files: list[StoredFile]) -> None:
    """Files stored for a form that is refused before anything is committed."""
    storage.discard([file.storage_name for file in files])
