"""The clerks' side: the queue, each step, the commune wall, the 60-day clock, merging."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.complaints import services
from app.complaints.models import ComplaintCategory
from app.core.dates import utcnow
from app.extensions import db
from tests.complaints.helpers import REFERENCE, TIZNIT, file, get


@pytest.fixture
def clerk(make_client, demo):
    client = make_client()
    client.signin("clerk@demo.ma")
    return client


def status(app, complaint_id):
    with app.app_context():
        return get(app, complaint_id).status.value


def test_a_clerk_acknowledges_answers_and_closes(app, clerk):
    complaint_id = file(app)
    url = f"/desk/complaints/{complaint_id}"
    assert clerk.get("/desk/complaints").status_code == 200
    assert f'href="{url}"' in clerk.get("/desk/complaints").get_data(as_text=True)
    assert clerk.post(f"{url}/acknowledge", {"department": "Service de la voirie"}, form_url=url).status_code == 303
    assert status(app, complaint_id) == "acknowledged"
    assert clerk.post(f"{url}/start", form_url=url).status_code == 303
    response = clerk.post(f"{url}/answer", {"outcome": "resolved", "answer": ""}, form_url=url)
    assert response.status_code == 200 and "Write the answer the citizen will read." in response.get_data(as_text=True)
    assert (
        clerk.post(f"{url}/answer", {"outcome": "resolved", "answer": "Filled on Monday."}, form_url=url).status_code
        == 303
    )
    assert clerk.post(f"{url}/close", form_url=url).status_code == 303
    with app.app_context():
        complaint = get(app, complaint_id)
        assert complaint.status.value == "closed" and complaint.answer == "Filled on Monday."
        assert [e.event for e in complaint.events] == ["received", "acknowledge", "start", "answer", "close"]


def test_an_illegal_step_is_a_message_not_a_500(app, clerk):
    complaint_id = file(app)
    url = f"/desk/complaints/{complaint_id}"
    response = clerk.post(f"{url}/close", form_url=url)
    assert response.status_code == 200
    assert "This step is not possible while the complaint is “Received”" in response.get_data(as_text=True)


def test_close_out_of_scope_with_a_redirect_message(app, clerk, client):
    complaint_id = file(app)
    url = f"/desk/complaints/{complaint_id}"
    assert (
        clerk.post(f"{url}/out-of-scope", {"message": "Go to the court of first instance."}, form_url=url).status_code
        == 303
    )
    with app.app_context():
        reference = get(app, complaint_id).reference
    page = client.get(f"/complaints/{reference}/public").get_data(as_text=True)
    assert "Go to the court of first instance." in page


def test_answer_templates_prefill_the_answer(app, clerk):
    complaint_id = file(app)
    with app.app_context():
        category = get(app, complaint_id).category
        category.answer_templates = [
            {"title": "Fixed", "text": "The team repaired it."},
            {"title": "Later", "text": "Planned for next month."},
        ]
        services.acknowledge(get(app, complaint_id), _clerk(), "Voirie")
    page = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "The team repaired it.</textarea>" in page
    page = clerk.get(f"/desk/complaints/{complaint_id}?template=1").get_data(as_text=True)
    assert "Planned for next month.</textarea>" in page


def _clerk():
    from app.models import User

    return db.session.scalar(sa.select(User).where(User.email == "clerk@demo.ma"))


def test_contact_details_and_supporters_show_to_clerks(app, clerk):
    complaint_id = file(app, contact_name="Amina Tazi", contact_phone="+212612345678")
    with app.app_context():
        services.support(get(app, complaint_id), contact="+212600000000")
    page = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert "Amina Tazi" in page and "06 12 34 56 78" in page.replace("\u00a0", " ") or "+212612345678" in page
    assert re.search(r'class="supporters">1<', page)


def test_merge_a_duplicate(app, clerk, client):
    original = file(app, contact_phone="+212611111111")
    duplicate = file(app, contact_phone="+212622222222")
    url = f"/desk/complaints/{duplicate}"
    with app.app_context():
        target = get(app, original).reference
    response = clerk.post(f"{url}/merge", {"target": "C-2000-999999"}, form_url=url)
    assert "No other complaint of this commune has this reference." in response.get_data(as_text=True)
    assert clerk.post(f"{url}/merge", {"target": target}, form_url=url).status_code == 303
    with app.app_context():
        merged = get(app, duplicate)
        assert merged.status.value == "closed" and merged.merged_into_id == original
        assert [s.contact for s in get(app, original).supporters] == ["+212622222222"]
        reference = merged.reference
    assert target in client.get(f"/complaints/{reference}/public").get_data(as_text=True)


def test_photos_are_public_only_once_approved(app, clerk, client):
    import io

    from werkzeug.datastructures import FileStorage

    from tests.permits.helpers import photo_bytes

    with app.app_context():
        from app.complaints.workflow import Kind
        from tests.complaints.helpers import category, commune_of

        commune = commune_of("clerk@demo.ma")
        complaint = services.file_complaint(
            commune,
            category(commune),
            Kind.OBSERVATION,
            "Broken bench",
            location_text="Park",
            photos=[FileStorage(io.BytesIO(photo_bytes()), "bench.jpg")],
        )
        complaint_id, reference, photo_id = complaint.id, complaint.reference, complaint.photos[0].id
    photo_url = f"/complaints/{reference}/photos/{photo_id}"
    assert client.get(photo_url).status_code == 404
    assert photo_url not in client.get(f"/complaints/{reference}/public").get_data(as_text=True)
    url = f"/desk/complaints/{complaint_id}"
    assert clerk.post(f"{url}/photos/{photo_id}/public", {"public": "1"}, form_url=url).status_code == 303
    served = client.get(photo_url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()  # send_file streams from the stored file
    assert photo_url in client.get(f"/complaints/{reference}/public").get_data(as_text=True)


# --- the commune wall ---------------------------------------------------------------------


def test_clerk2_cannot_see_or_act_on_commune_1s_complaints(app, make_client, demo):
    complaint_id = file(app)
    theirs = make_client()
    theirs.signin("clerk2@demo.ma")
    url = f"/desk/complaints/{complaint_id}"
    assert theirs.get(url).status_code == 404
    assert REFERENCE.search(theirs.get("/desk/complaints").get_data(as_text=True).split("<main", 1)[-1]) is None
    for action, data in [
        ("acknowledge", {"department": "X"}),
        ("start", {}),
        ("answer", {"outcome": "resolved", "answer": "x"}),
        ("close", {}),
        ("out-of-scope", {"message": "x"}),
        ("notes", {"text": "x"}),
        ("assign", {"agent": "0"}),
        ("merge", {"target": "C-2026-000001"}),
        ("photos/1/public", {"public": "1"}),
    ]:
        assert theirs.post(f"{url}/{action}", data, form_url="/desk/complaints").status_code == 404, action
    assert theirs.get(f"{url}/photos/1").status_code == 404
    assert status(app, complaint_id) == "received"
    with app.app_context():
        assert len(get(app, complaint_id).events) == 1


def test_clerk2_sees_his_own_communes_complaints(app, make_client, demo):
    complaint_id = file(app, email="clerk2@demo.ma", position=TIZNIT)
    theirs = make_client()
    theirs.signin("clerk2@demo.ma")
    assert theirs.get(f"/desk/complaints/{complaint_id}").status_code == 200


def test_a_citizen_has_no_desk(client, demo):
    client.signin("citizen@demo.ma")
    assert client.get("/desk/complaints").status_code == 403


def test_an_agent_sees_but_cannot_answer(app, make_client, demo):
    complaint_id = file(app)
    agent = make_client()
    agent.signin("agent@demo.ma")
    url = f"/desk/complaints/{complaint_id}"
    assert agent.get(url).status_code == 200
    assert agent.post(f"{url}/acknowledge", {"department": "X"}, form_url=url).status_code == 403


# --- the 60-day clock --------------------------------------------------------------------------


def test_the_60_day_clock_and_the_15_day_acknowledgment(app, demo):
    complaint_id = file(app)
    with app.app_context():
        complaint = get(app, complaint_id)
        start = services.received_on(complaint)
        clock = services.clock(complaint, start)
        assert clock.deadline == start + timedelta(days=60) and clock.days_left == 60
        assert clock.acknowledge_by == start + timedelta(days=15) and clock.acknowledge_days_left == 15
        late = services.clock(complaint, start + timedelta(days=61))
        assert late.days_left == -1 and late.overdue and late.acknowledgment_overdue
        services.acknowledge(complaint, _clerk(), "Voirie")
        assert services.clock(complaint, start).acknowledge_days_left is None
        services.answer(complaint, _clerk(), services.Outcome.RESOLVED, "Done.")
        assert services.clock(complaint, start + timedelta(days=90)).days_left is None


def test_the_queue_puts_overdue_complaints_first_with_days_left(app, clerk):
    recent = file(app, position=None)
    old = file(app, position=None)
    with app.app_context():
        get(app, old).received_at = utcnow() - timedelta(days=70)
        db.session.commit()
    page = clerk.get("/desk/complaints").get_data(as_text=True)
    assert page.index(f'/desk/complaints/{old}"') < page.index(f'/desk/complaints/{recent}"')
    assert "10 days overdue" in page and "60 days left" in page


def test_the_queue_filters_with_htmx(app, clerk):
    file(app, position=None)
    with app.app_context():
        lighting = db.session.scalar(
            sa.select(ComplaintCategory.id).where(ComplaintCategory.code == "lighting").limit(1)
        )
    response = clerk.get("/desk/complaints?status=answered&category=nonsense", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text and "No complaint matches these filters." in text
    assert clerk.get(f"/desk/complaints?category={lighting}&page=99999999").status_code == 200


def test_commune_admins_edit_categories(app, make_client, demo):
    admin = make_client()
    admin.signin("admin@demo.ma")
    assert admin.get("/complaints/categories").status_code == 200
    with app.app_context():
        roads = db.session.scalar(
            sa.select(ComplaintCategory).where(
                ComplaintCategory.code == "roads", ComplaintCategory.commune_id == _clerk().commune_id
            )
        )
        roads_id, tiznit_roads = (
            roads.id,
            db.session.scalar(
                sa.select(ComplaintCategory.id).where(
                    ComplaintCategory.code == "roads", ComplaintCategory.commune_id != roads.commune_id
                )
            ),
        )
    url = f"/complaints/categories/{roads_id}"
    data = {
        "name_ar": "الطرق",
        "name_fr": "Voirie",
        "name_en": "Roads",
        "department": "Voirie",
        "duplicate_radius_m": "5",
        "answer_templates": "Fixed\nThe team repaired it.\n\nLater\nPlanned.",
        "active": "y",
    }
    response = admin.post(url, data, form_url=url)
    assert "Enter a radius between 10 and 5,000 metres." in response.get_data(as_text=True)
    assert admin.post(url, {**data, "duplicate_radius_m": "300"}, form_url=url).status_code == 303
    with app.app_context():
        roads = db.session.get(ComplaintCategory, roads_id)
        assert roads.duplicate_radius_m == 300
        assert roads.answer_templates == [
            {"title": "Fixed", "text": "The team repaired it."},
            {"title": "Later", "text": "Planned."},
        ]
    assert admin.get(f"/complaints/categories/{tiznit_roads}").status_code == 404
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    assert clerk.get(url).status_code == 403
