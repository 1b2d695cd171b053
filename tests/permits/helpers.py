"""Real files for upload tests: a small photo and a small PDF, made on the spot."""

import io
import struct
import zlib

from PIL import Image

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def photo_bytes(size=(640, 480), color=(180, 120, 60), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


PNG_GREY, PNG_RGBA = 0, 6  # PNG colour types


def huge_png(width: int, height: int, bit_depth: int = 1, colour_type: int = PNG_GREY) -> bytes:
    """A real, valid black PNG of any size, written row by row: small on disk and in memory.
    ``huge_png(7000, 7000, 16, PNG_RGBA)`` is the 1.7 MB file that took 400 MB to decode (issue 11)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    channels = {PNG_GREY: 1, PNG_RGBA: 4}[colour_type]
    row = b"\x00" * (1 + (width * channels * bit_depth + 7) // 8)  # filter byte, then the packed pixels
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
