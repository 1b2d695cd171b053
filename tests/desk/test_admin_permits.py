"""National admins edit permit types; commune and national admins keep the public holidays."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.permits.models import Holiday, PermitType

EDITABLE = (
    "name_ar",
    "name_fr",
    "name_en",
    "deadline_days",
    "working_days",
    "silence_is_approval",
    "validity_months",
    "active",
)


@pytest.fixture(autouse=True)
def restore_types_and_holidays(app):
    """Types and holidays are shared by the whole suite: put them back as they were."""
    with app.app_context():
        types = {t.id: {k: getattr(t, k) for k in EDITABLE} for t in db.session.scalars(sa.select(PermitType))}
        holidays = {h.day: h.name for h in db.session.scalars(sa.select(Holiday))}
        db.session.remove()
    yield
    with app.app_context():
        for permit_type in db.session.scalars(sa.select(PermitType)):
            for key, value in types[permit_type.id].items():
                setattr(permit_type, key, value)
        for holiday in db.session.scalars(sa.select(Holiday)):
            if holiday.day not in holidays:
                db.session.delete(holiday)
        present = set(db.session.scalars(sa.select(Holiday.day)))
        for day, name in holidays.items():
            if day not in present:
                db.session.add(Holiday(day=day, name=name))
        db.session.commit()
        db.session.remove()


def _type_id(app, code="repair") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(PermitType.id).where(PermitType.code == code))


def test_a_national_admin_edits_a_permit_type(app, client, demo):
    type_id = _type_id(app)
    client.signin("national@demo.ma")
    listing = client.get("/admin/permit-types").get_data(as_text=True)
    assert "Repair permit" in listing and "15 calendar days" in listing and f"/admin/permit-types/{type_id}" in listing
    form = client.get(f"/admin/permit-types/{type_id}").get_data(as_text=True)
    assert 'value="Autorisation de réfection"' in form
    response = client.post(
        f"/admin/permit-types/{type_id}",
        {
            "name_ar": "رخصة الإصلاح",
            "name_fr": "Autorisation de réfection",
            "name_en": "Repair authorisation",
            "deadline_days": "10",
            "working_days": "working",
            "silence_is_approval": "",
            "validity_months": "0",
            "active": "y",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/admin/permit-types"
    with app.app_context():
        permit_type = db.session.get(PermitType, type_id)
        assert (permit_type.name_en, permit_type.deadline_days, permit_type.working_days) == (
            "Repair authorisation",
            10,
            True,
        )
        assert permit_type.silence_is_approval is False and permit_type.validity_months == 0 and permit_type.active
    assert "10 working days" in client.get("/admin/permit-types").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"deadline_days": "0"}, "Enter a number of days between 1 and 365."),
        ({"deadline_days": ""}, "Enter the legal deadline in days."),
        ({"name_fr": " "}, "Enter the name in French."),
        ({"validity_months": "500"}, "Enter a number of months between 0 and 120."),
    ],
)
def test_a_bad_permit_type_is_refused_and_kept(app, client, demo, changes, message):
    type_id = _type_id(app)
    client.signin("national@demo.ma")
    data = {
        "name_ar": "رخصة",
        "name_fr": "Réfection",
        "name_en": "Repair",
        "deadline_days": "15",
        "working_days": "calendar",
        "validity_months": "6",
        "active": "y",
        **changes,
    }
    response = client.post(f"/admin/permit-types/{type_id}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and "<title>Error:" in page
    assert 'value="رخصة"' in page
    with app.app_context():
        assert db.session.get(PermitType, type_id).name_fr == "Autorisation de réfection"


@pytest.mark.parametrize("email", ["admin@demo.ma", "clerk@demo.ma", "reviewer@demo.ma", "citizen@demo.ma"])
def test_only_national_admins_edit_permit_types(app, client, demo, email):
    client.signin(email)
    assert client.get("/admin/permit-types").status_code == 403
    assert client.get(f"/admin/permit-types/{_type_id(app)}").status_code == 403


@pytest.mark.parametrize("email", ["national@demo.ma"])
def test_national_admins_add_and_delete_holidays(app, client, demo, email):
    client.signin(email)
    response = client.post("/admin/holidays", {"day": "2031-03-21", "name": "Aïd al-Fitr", "name_ar": "عيد الفطر"})
    assert response.status_code == 303
    page = client.get("/admin/holidays").get_data(as_text=True)
    assert "Aïd al-Fitr" in page and "The holiday is added." in page
    again = client.post("/admin/holidays", {"day": "2031-03-21", "name": "Twice", "name_ar": "مرتين"})
    assert again.status_code == 200 and "There is already a holiday on this date." in again.get_data(as_text=True)
    with app.app_context():
        holiday_id = db.session.scalar(sa.select(Holiday.id).where(Holiday.day == date(2031, 3, 21)))
    assert client.post(f"/admin/holidays/{holiday_id}/delete", {}, form_url="/admin/holidays").status_code == 303
    with app.app_context():
        assert db.session.get(Holiday, holiday_id) is None


def test_a_holiday_needs_a_date_and_a_name(client, demo):
    client.signin("national@demo.ma")
    response = client.post("/admin/holidays", {"day": "not a date", "name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter the holiday's name." in page and "<title>Error:" in page


@pytest.mark.parametrize(
    "email", ["admin@demo.ma", "clerk@demo.ma", "agent@demo.ma", "reviewer@demo.ma", "citizen@demo.ma"]
)
def test_other_roles_do_not_touch_holidays(app, client, demo, email):
    client.signin(email)
    assert client.get("/admin/holidays").status_code == 403
    with app.app_context():
        holiday_id = db.session.scalar(sa.select(Holiday.id).limit(1))
    assert client.post(f"/admin/holidays/{holiday_id}/delete", {}, form_url="/about").status_code == 403


@pytest.mark.parametrize(
    "email, expected, hidden",
    [
        ("clerk@demo.ma", ["/desk/permits"], ["/admin/holidays", "/admin/permit-types"]),
        ("admin@demo.ma", ["/desk/permits"], ["/admin/holidays", "/admin/permit-types"]),
        ("national@demo.ma", ["/desk/permits", "/admin/holidays", "/admin/permit-types"], []),
    ],
)
def test_the_staff_home_links_each_role_to_its_pages(client, demo, email, expected, hidden):
    client.signin(email)
    home = client.get("/").get_data(as_text=True)
    assert all(f'href="{url}"' in home for url in expected)
    assert not any(f'href="{url}"' in home for url in hidden)
