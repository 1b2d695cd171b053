"""A complaint with photos, filed through the service the pages use."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from app.complaints import services
from app.complaints.workflow import Kind
from tests.complaints.helpers import category, commune_of
from tests.permits.helpers import photo_bytes


def complaint_with_photos(app, count: int = 1, description: str = "Broken bench") -> tuple[int, str, list]:
    """(complaint id, reference, [(photo id, storage name)]) of a new complaint in Chefchaouen."""
    with app.app_context():
        commune = commune_of("clerk@demo.ma")
        photos = [FileStorage(io.BytesIO(photo_bytes(color=(40 * i, 90, 200))), f"p{i}.jpg") for i in range(count)]
        complaint = services.file_complaint(
            commune, category(commune), Kind.OBSERVATION, description, location_text="Park", photos=photos
        )
        return complaint.id, complaint.reference, [(p.id, p.storage_name) for p in complaint.photos]
