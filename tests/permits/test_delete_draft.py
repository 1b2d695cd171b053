"""A draft never sent is the applicant's alone: "Delete this draft" deletes it and its files; it
never reaches the desk, and no page shows a reference of "None"."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.permits.models import CaseDocument, PermitCase
from tests.languages import in_each_language, said, shown, speaks
from tests.permits import files


def _draft(app) -> tuple[int, list[str]]:
    with app.app_context():
        case = files.draft(applicant="Fatima Zahra Bennani")
        stored = [d.storage_name for d in case.documents]
        ids = case.id, stored
        db.session.remove()
    return ids


@in_each_language
def test_deleting_a_draft_deletes_it_and_its_files_and_the_desk_never_sees_it(app, client, make_client, demo, language):
    case_id, stored = _draft(app)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert stored and all(any(folder.rglob(name)) for name in stored)
    client.signin("citizen@demo.ma")
    task_list = client.get(f"/permits/{case_id}", **speaks(language)).get_data(as_text=True)
    assert said(app, language, "Delete this draft") in task_list
    response = client.post(f"/permits/{case_id}/delete", form_url=f"/permits/{case_id}", **speaks(language))
    assert response.status_code == 303
    page = shown(client.get(response.headers["Location"], **speaks(language)))
    assert said(app, language, "The draft is deleted.") in page
    assert said(app, language, "Your application is withdrawn.") not in page  # what it said before
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


@in_each_language
def test_a_draft_cannot_be_withdrawn_into_the_desks_queue(app, client, make_client, demo, language):
    case_id, _ = _draft(app)
    client.signin("citizen@demo.ma")
    answer = client.post(
        f"/permits/{case_id}/withdraw", form_url=f"/permits/{case_id}", follow_redirects=True, **speaks(language)
    )
    assert said(app, language, "This application can no longer be withdrawn.") in shown(answer)
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    for url in ("/desk/permits", "/desk/permits?status=withdrawn", "/desk/permits?status="):
        queue = clerk.get(url).get_data(as_text=True)
        assert "Fatima Zahra Bennani" not in queue and "None" not in queue
    assert clerk.get(f"/desk/permits/{case_id}").status_code == 404
