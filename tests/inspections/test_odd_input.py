"""Odd input on the report forms is a 422 with a message, never a 500."""

from __future__ import annotations

import io
import struct
import zlib

from tests.inspections.helpers import permit_in_site_visit, report_form, reports, send


def truncated_png() -> bytes:
    """A PNG signature and an IHDR chunk too short: Pillow raises ValueError, not an OSError."""
    body = b"\0" * 4
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(body))
        + b"IHDR"
        + body
        + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    )


def test_a_malformed_photo_on_a_report_is_refused_not_a_500(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    response = send(client, inspection_id, report_form(photos=[(io.BytesIO(truncated_png()), "site.png")]))
    assert response.status_code == 422
    assert "site.png is not a photo" in response.get_data(as_text=True)
    with app.app_context():
        assert reports() == []


def test_a_malformed_photo_on_an_infraction_is_refused_not_a_500(app, client, demo):
    client.signin("agent@demo.ma")
    form = report_form(
        key="spot-1",
        infraction="unauthorised_construction",
        address="Route de Tétouan",
        photos=[(io.BytesIO(truncated_png()), "spot.png")],
    )
    response = client.post("/inspections/new", form, content_type="multipart/form-data", form_url="/inspections/new")
    assert response.status_code == 422
    with app.app_context():
        assert reports() == []
