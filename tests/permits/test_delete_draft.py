"""A draft never sent is the applicant's alone: "Delete this draft" deletes it and its files; it
never reaches the desk, and no page shows a reference of "None"."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.permits.models import CaseDocument, PermitCase
from tests.permits import files


def _draft(app) -> tuple[int, list[str]]:
    with app.app_context():
        case = files.draft(applicant="Fatima Zahra Bennani")
        stored = [d.storage_name for d in case.documents]
        ids = case.id, stored
        db.session.remove()
    return ids


def test_deleting_a_draft_deletes_it_and_its_files_and_the_desk_never_sees_it(app, client, make_client, demo):
    case_id, stored = _draft(app)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert stored and all(any(folder.rglob(name)) for name in stored)
    client.signin("citizen@demo.ma")
    task_list = client.get(f"/permits/{case_id}").get_data(as_text=True)
    assert "Delete this draft" in task_list
    response = client.post(f"/permits/{case_id}/delete", form_url=f"/permits/{case_id}")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The draft is deleted." in page and "withdrawn" not in page
    assert client.get(f"/permits/{case_id}").status_code == 404
    with app.app_context():
        assert db.session.get(PermitCase, case_id, execution_options={"skip_commune_scope": True}) is None
        assert not db.session.scalars(
            sa.select(CaseDocument).where(CaseDocument.case_id == case_id).execution_options(skip_commune_scope=True)
        ).all()
    assert not any(any(folder.rglob(name)) for name in stored)
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    queue = clerk.get("/desk/permits?status=").get_data(as_text=True)
    assert "Fatima Zahra Bennani" not in queue and "None" not in queue


def test_a_draft_cannot_be_withdrawn_into_the_desks_queue(app, client, make_client, demo):
    case_id, _ = _draft(app)
    client.signin("citizen@demo.ma")
    client.post(f"/permits/{case_id}/withdraw", form_url=f"/permits/{case_id}")
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    for url in ("/desk/permits", "/desk/permits?status=withdrawn", "/desk/permits?status="):
        queue = clerk.get(url).get_data(as_text=True)
        assert "Fatima Zahra Bennani" not in queue and "None" not in queue
    assert clerk.get(f"/desk/permits/{case_id}").status_code == 404
