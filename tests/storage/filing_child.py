"""A server process filing one complaint with a photo, run by the crash test as a subprocess:
``python -m tests.storage.filing_child DATABASE_URL UPLOAD_FOLDER COMMUNE_ID CATEGORY_ID``.

It loads what it needs, says "ready", waits for a line on its standard input, then files the
complaint (the photo is written, then the complaint committed) and says "filed"."""

from __future__ import annotations

import io
import sys

from PIL import Image
from werkzeug.datastructures import FileStorage

from app import create_app
from app.complaints import services
from app.complaints.models import ComplaintCategory
from app.complaints.workflow import Kind
from app.config import TestConfig
from app.extensions import db
from app.models import Commune


def photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def main(url: str, folder: str, commune_id: str, category_id: str) -> None:
    app = create_app(TestConfig(url, UPLOAD_FOLDER=folder))
    with app.app_context():
        commune = db.session.get(Commune, int(commune_id))
        category = db.session.get(ComplaintCategory, int(category_id))
        data = photo()
        db.session.commit()  # no lock held while the test takes its own
        print("ready", flush=True)
        sys.stdin.readline()
        services.file_complaint(
            commune,
            category,
            Kind.COMPLAINT,
            "A lamp post is down.",
            location_text="Rue 5",
            photos=[FileStorage(io.BytesIO(data), "lamp.jpg")],
        )
        print("filed", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
