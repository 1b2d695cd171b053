"""Issue 11.8 and 12.7: one cache rule for every private file (``private, no-store``: never kept
by a browser or a proxy); public photos asked for again each time (ETag), so a photo a clerk
withdraws is gone at the next look; a file missing from the store is a 404, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.inspections.models import InspectionReport
from app.permits.models import CaseDocument
from tests.inspections.helpers import permit_in_site_visit, photo, report_form, send
from tests.storage.helpers import complaint_with_photos


@pytest.fixture
def clerk(make_client, demo):
    client = make_client()
    client.signin("clerk@demo.ma")
    return client


def fetch(client, url: str, **headers):
    response = client.get(url, headers=headers)
    response.close()  # the file is streamed
    return response


def set_public(clerk, complaint_id: int, photo_id: int, public: bool) -> None:
    url = f"/desk/complaints/{complaint_id}"
    form = {"public": "1" if public else "0"}
    assert clerk.post(f"{url}/photos/{photo_id}/public", form, form_url=url).status_code == 303


def test_a_complaint_photo_on_the_desk_is_never_kept_by_a_browser_or_a_proxy(app, clerk):
    complaint_id, _ref, [(photo_id, _name)] = complaint_with_photos(app)
    served = fetch(clerk, f"/desk/complaints/{complaint_id}/photos/{photo_id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_permit_documents_have_the_same_private_rule(app, demo, files, make_client):
    with app.app_context():
        case = files.draft()
        document_id = case.documents[0].id
        db.session.remove()
    applicant = make_client()
    applicant.signin("citizen@demo.ma")
    served = fetch(applicant, f"/permits/files/{document_id}")
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == "private, no-store"


def test_an_agents_site_photo_has_the_same_private_rule(app, demo, client, clerk):
    _case, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    assert send(client, inspection_id, report_form(photos=[photo()])).status_code == 303
    with app.app_context():
        report = db.session.scalar(sa.select(InspectionReport).execution_options(skip_commune_scope=True))
        url = f"/inspections/reports/{report.id}/photos/{report.photos[0].id}"
    served = fetch(clerk, url)
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == "private, no-store"


def test_a_public_photo_is_asked_for_again_so_a_withdrawn_one_is_gone_at_the_next_look(app, clerk, make_client):
    complaint_id, reference, [(photo_id, _name)] = complaint_with_photos(app)
    set_public(clerk, complaint_id, photo_id, True)
    visitor = make_client()
    url = f"/complaints/{reference}/photos/{photo_id}"
    first = fetch(visitor, url)
    assert first.status_code == 200
    cache = first.headers["Cache-Control"]
    assert "no-cache" in cache and "max-age" not in cache and "no-store" not in cache
    etag = first.headers["ETag"]
    # The browser asks again with what it kept: 304, not the photo's bytes once more.
    again = fetch(visitor, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    set_public(clerk, complaint_id, photo_id, False)
    assert fetch(visitor, url, **{"If-None-Match": etag}).status_code == 404
    assert fetch(visitor, url).status_code == 404


def test_a_file_missing_from_the_store_answers_404_not_500(app, demo, files, clerk, make_client):
    """A second server with its own folder (not shared) finds no file for another's record."""
    complaint_id, reference, [(photo_id, name)] = complaint_with_photos(app)
    set_public(clerk, complaint_id, photo_id, True)
    with app.app_context():
        case = files.draft()
        document_id = case.documents[0].id
        document_name = db.session.scalar(sa.select(CaseDocument.storage_name).where(CaseDocument.id == document_id))
        db.session.remove()
    folder = Path(app.config["UPLOAD_FOLDER"])
    (folder / name).unlink()
    (folder / document_name).unlink()
    applicant = make_client()
    applicant.signin("citizen@demo.ma")
    assert fetch(clerk, f"/desk/complaints/{complaint_id}/photos/{photo_id}").status_code == 404
    assert fetch(make_client(), f"/complaints/{reference}/photos/{photo_id}").status_code == 404
    assert fetch(applicant, f"/permits/files/{document_id}").status_code == 404
