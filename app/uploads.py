"""Files people send: checked by content, images re-encoded, stored outside static/.

Photos are re-encoded with Pillow: EXIF (GPS included) is dropped, the long edge is capped,
and decompression bombs are refused before they are decoded: by their pixels, and by the memory
their decoding would take (pixels × bytes per pixel). A process decodes one photo at a time,
on one thread. PDFs are parsed with pikepdf (qpdf): a broken one is refused, and the file stored
is saved anew without its active content (JavaScript, actions, embedded files). The bytes go to
app.core.storage, published at commit.
"""

from __future__ import annotations

import ctypes
import io
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import pikepdf
from flask import current_app
from PIL import Image, ImageMode, ImageOps, UnidentifiedImageError

from app.core import storage
from app.i18n import lazy_gettext as _l

MAX_IMAGE_EDGE = 2000
MAX_IMAGE_PIXELS = 50_000_000  # a 20,000 × 20,000 image (400 M pixels) is refused unopened
# What decoding one photo may hold in memory (see _decoding_cost): a 12-megapixel colour PNG, a
# 50-megapixel grey one; a JPEG of any allowed size, decoded at a reduced scale. A 16-bit RGBA PNG
# of 7000 × 7000 pixels (1.7 MB sent) would take 392 MB: it is refused from its header.
MAX_DECODING_BYTES = 48 * 2**20
DECODE_WAIT_SECONDS = 15.0  # how long a photo waits for its turn to be decoded (see photo_decoder)
_DECODERS: dict[int, ThreadPoolExecutor] = {}
_DECODERS_LOCK = threading.Lock()
try:
    _LIBC = ctypes.CDLL("libc.so.6")
except OSError:  # not glibc: nothing to hand back
    _LIBC = None
PDF_MAGIC = b"%PDF-"
# What makes a PDF act rather than show (PDF 2.0, 12.6 and 12.5.6): dropped wherever it is found.
# Kept: links within the document (GoTo, Named, Thread) and to web pages or e-mail (URI).
ACTIVE_KEYS = {"/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA"}
ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ResetForm", "/ImportData", "/GoToR", "/GoToE", "/GoToDp",
    "/Sound", "/Movie", "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/RichMediaExecute",
}  # fmt: skip
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Screen", "/Movie", "/Sound", "/RichMedia", "/3D"}
SAFE_LINK_SCHEMES = ("https://", "http://", "mailto:")
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


def _bytes_per_pixel(mode: str) -> int:
    """What one pixel of ``mode`` takes in Pillow's memory: 4 bytes for every multi-band mode
    (RGB is stored as RGBX), else the band's own size (1 for "1", "L", "P"; 2 for "I;16")."""
    described = ImageMode.getmode(mode)
    return 4 if len(described.bands) > 1 else max(1, int(described.typestr[-1]))


def _working_mode(mode: str) -> str:
    return mode if mode in ("RGB", "L") else "L" if mode in ("1", "LA", "La") else "RGB"


def _decoding_cost(image: Image.Image) -> int:
    """Bytes decoding ``image`` holds at its peak, from its header alone: its pixels, plus the
    full-size copy that converting them to RGB or grey makes (none for an RGB or grey photo)."""
    pixels = image.width * image.height
    cost = pixels * _bytes_per_pixel(image.mode)
    if image.mode != _working_mode(image.mode):
        cost += pixels * _bytes_per_pixel(_working_mode(image.mode))
    return cost


def _stored_size(width: int, height: int) -> tuple[int, int]:
    """The size the stored photo gets: its long edge capped at MAX_IMAGE_EDGE."""
    scale = min(1.0, MAX_IMAGE_EDGE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _opened(data: bytes) -> Image.Image:
    """The image with its header read and judged, nothing decoded yet; UploadError if it is no
    photo, or one too large to decode safely. A JPEG is set to decode at 1/2, 1/4 or 1/8 scale
    (Image.draft), so a 48-megapixel phone photo takes a sixteenth of its full size in memory."""
    image = Image.open(io.BytesIO(data))
    if image.format not in IMAGE_FORMATS:
        raise UploadError(_l("This file is not a photo or a PDF document."))
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise UploadError(
            _l(
                "This image is too large (%(width)d × %(height)d pixels). Send a photo of at most 50 megapixels.",
                width=image.width,
                height=image.height,
            )
        )
    width, height = image.size
    image.draft(None, _stored_size(width, height))  # JPEG only; other formats ignore it
    if _decoding_cost(image) > MAX_DECODING_BYTES:
        raise UploadError(
            _l(
                "This image is too large to process (%(width)d × %(height)d pixels). Send it as a "
                "JPEG photo, or at a smaller size.",
                width=width,
                height=height,
            )
        )
    return image


def photo_decoder() -> ThreadPoolExecutor:
    """The one thread of this process that decodes photos, one after the other: each may hold up
    to MAX_DECODING_BYTES, and so does the worker, whatever arrives together. One thread, not a
    lock: glibc keeps what a thread frees in that thread's own arena, so four threads decoding in
    turn would each keep their peak (a forked worker makes its own)."""
    with _DECODERS_LOCK:
        pid = os.getpid()
        if pid not in _DECODERS:
            _DECODERS[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-decoder")
        return _DECODERS[pid]


def _decoded_in_turn(data: bytes) -> bytes:
    # A citizen who has just sent photos over a slow link would rather wait a few seconds than
    # send them again: the request waits its turn, and is told to retry only past the wait.
    job = photo_decoder().submit(_reencoded, data)
    try:
        return job.result(timeout=current_app.config.get("IMAGE_DECODE_WAIT", DECODE_WAIT_SECONDS))
    except TimeoutError:
        if not job.cancel():  # being decoded by now: its answer is near
            return job.result()
        raise UploadError(
            _l("Many photos are being processed right now. Send the form again in a minute: what you wrote is kept.")
        ) from None


def _shrunk(data: bytes) -> Image.Image:
    """The photo at its stored size, upright. Shrunk before it is turned, and nothing keeps the
    full-size pixels once a smaller copy exists: every step after the first works on a fraction."""
    image = _opened(data)
    if image.mode != _working_mode(image.mode):
        image = image.convert(_working_mode(image.mode))
    target = _stored_size(*image.size)
    factor = min(image.width // target[0], image.height // target[1])
    if factor > 1:
        image = image.reduce(factor)  # box averaging: cheap, and what resizing by a whole factor does
    ImageOps.exif_transpose(image, in_place=True)  # keep it upright once EXIF is gone
    image.thumbnail((MAX_IMAGE_EDGE, MAX_IMAGE_EDGE))
    return image


def _give_back_freed_memory() -> None:
    """What a decoding freed goes back to the system, not only to the decoder's arena."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


@contextmanager
def _in_words():
    """Pillow's refusals, said as UploadError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except UploadError:
            raise  # already in words (it is a ValueError too)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadError(_l("This image is too large. Send a photo of at most 50 megapixels.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):  # Pillow's ways of saying "broken"
            raise UploadError(_l("This photo could not be read. Take it again or choose another file.")) from None


def _reencoded(data: bytes) -> bytes:
    """The photo as stored: a JPEG, shrunk and upright, without metadata (on the decoder thread)."""
    try:
        image = _shrunk(data)
        image.info = {}  # EXIF, GPS, comments, XMP: nothing of the original's metadata goes on
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
        del image
        return out.getvalue()
    finally:
        _give_back_freed_memory()


def _reencode_image(data: bytes) -> bytes:
    with _in_words():
        _opened(data)  # judged before it waits its turn: a refused photo never waits
        return _decoded_in_turn(data)


def image_problem(data: bytes):
    """Why this photo would be refused, judged from its header alone (nothing decoded), else None."""
    try:
        with _in_words():
            _opened(data).close()
    except UploadError as error:
        return error.message
    return None


def _check_pdf(data: bytes) -> None:
    limit = current_app.config["MAX_PDF_BYTES"]
    if len(data) > limit:
        raise UploadError(
            _l("This PDF is too large: the limit is %(mb)d MB. Scan it at a lower resolution.", mb=limit // 1_000_000)
        )
    if b"%%EOF" not in data[-2048:]:
        raise UploadError(_l("This PDF is damaged or incomplete. Save it again and send it once more."))


def _is_active(obj) -> bool:
    """An action that does more than move within the document or open a web page, or an
    annotation that carries a file, a film or a sound."""
    if not isinstance(obj, pikepdf.Dictionary):
        return False
    kind, subtype = str(obj.get("/S", "")), str(obj.get("/Subtype", ""))
    if kind == "/URI":
        return not str(obj.get("/URI", "")).lower().startswith(SAFE_LINK_SCHEMES)
    return kind in ACTIVE_ACTIONS or subtype in ACTIVE_ANNOTATIONS


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    """Remove what makes a PDF act rather than show, wherever it hides: every object reachable
    from the trailer is visited once (a stack, not recursion: a hostile file can nest deeply)."""
    seen: set[tuple[int, int]] = set()
    stack = [pdf.trailer]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            for index in reversed(range(len(obj))):
                if _is_active(obj[index]):
                    del obj[index]
                else:
                    stack.append(obj[index])
            continue
        for key in list(obj.keys()):
            if key in ACTIVE_KEYS or _is_active(obj[key]):
                del obj[key]
            else:
                stack.append(obj[key])


def _cleaned_pdf(data: bytes) -> bytes:
    """The PDF as stored: parsed (a broken one is refused), its active content removed, saved
    anew with the same pages. Streams are copied as they are, never decompressed."""
    _check_pdf(data)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages == 0:
                raise UploadError(_l("This PDF is damaged or incomplete. Save it again and send it once more."))
            _strip_active_content(pdf)
            out = io.BytesIO()
            pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    except pikepdf.PasswordError:
        raise UploadError(
            _l("This PDF is protected by a password. Save it without the password and send it again.")
        ) from None
    except (pikepdf.PdfError, ValueError, KeyError, TypeError):  # pikepdf's ways of saying "broken"
        raise UploadError(_l("This PDF is damaged or incomplete. Save it again and send it once more.")) from None
    return out.getvalue()


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
        if (problem := image_problem(head)) is not None:
            return _l("%(name)s: %(problem)s", name=photo.filename[:80], problem=problem)
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
        content, content_type, suffix = _cleaned_pdf(data), "application/pdf", ".pdf"
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
