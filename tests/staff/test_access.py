"""Who may open which page, and the commune wall between staff of different communes."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Agency, Role, User

ROLES = ["citizen", "agent", "clerk", "reviewer", "admin", "clerk2", "national"]
# page → roles that may open it (others: 403, anonymous: sign-in)
PAGES = {
    "/staff/": {"agent", "clerk", "reviewer", "admin", "clerk2", "national"},
    "/staff/new": {"admin", "national"},
    "/admin/agencies": {"admin"},
    "/admin/communes": {"national"},
    "/account": set(ROLES),
}


def _id(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_its_pages(client, demo, page, role):
    client.signin(f"{role}@demo.ma")
    status = client.get(page).status_code
    if role in PAGES[page]:
        assert status == 200
    else:
        assert status in (403, 404)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")


def test_clerk2_does_not_see_commune_1_staff(client, app, demo):
    client.signin("clerk2@demo.ma")
    team = client.get("/staff/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Hassan Ouzzine" in team
    assert "Nadia Alaoui" not in team and "Karim Tazi" not in team
    for email in ("clerk@demo.ma", "admin@demo.ma", "reviewer@demo.ma", "agent@demo.ma"):
        assert client.get(f"/staff/{_id(app, email)}").status_code == 404


def test_clerk2_cannot_act_on_commune_1_staff(client, app, demo):
    client.signin("clerk2@demo.ma")
    clerk = _id(app, "clerk@demo.ma")
    response = client.post(f"/staff/{clerk}", {"role": "admin", "active": "y"}, form_url="/staff/")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(User, clerk).role.value == "clerk"


def test_an_admin_of_commune_2_gets_404_on_commune_1_staff_and_cannot_edit_them(make_client, app, demo):
    from app.auth.services import create_staff
    from app.communes.services import get_by_code

    with app.app_context():
        create_staff(
            login="admin2@demo.ma",
            password="x-password-2",
            full_name="Admin Deux",
            role=Role.ADMIN,
            commune=get_by_code("09.581.01.07"),
        )
    admin2 = make_client()
    admin2.signin("admin2@demo.ma", "x-password-2")
    clerk = _id(app, "clerk@demo.ma")
    assert admin2.get(f"/staff/{clerk}").status_code == 404
    assert admin2.post(f"/staff/{clerk}", {"role": "agent"}, form_url="/staff/").status_code == 404
    assert admin2.get(f"/staff/{_id(app, 'clerk2@demo.ma')}").status_code == 200


def test_the_commune_scope_hides_another_communes_records_from_any_query(app, demo):
    """The scope sits under every ORM query, not in the views."""
    from app.scoping import set_commune_scope

    with app.test_request_context():
        tiznit = db.session.scalar(sa.select(User.commune_id).where(User.email == "clerk2@demo.ma"))
        set_commune_scope(tiznit)
        emails = set(db.session.scalars(sa.select(User.email)))
        assert emails == {"clerk2@demo.ma", "citizen@demo.ma"}  # citizens are nobody's
        assert db.session.scalars(sa.select(Agency)).all() == []
        unscoped = sa.select(User.email).execution_options(skip_commune_scope=True)
        assert "admin@demo.ma" in set(db.session.scalars(unscoped))


def test_national_admin_sees_every_communes_staff(client, demo):
    client.signin("national@demo.ma")
    team = client.get("/staff/").get_data(as_text=True)
    assert "Hassan Ouzzine" in team and "Nadia Alaoui" in team


def test_an_admin_creates_a_staff_account_in_a_page(client, make_client, app, demo):
    client.signin("admin@demo.ma")
    with app.app_context():
        agency = db.session.scalar(sa.select(Agency.id).where(Agency.kind == "civil_protection"))
        commune = db.session.scalar(sa.select(User.commune_id).where(User.email == "admin@demo.ma"))
    response = client.post(
        "/staff/new",
        {
            "full_name": "Samir Idrissi",
            "login": "0712345678",
            "role": "reviewer",
            "commune": commune,
            "agency": agency,
            "password": "premier-acces-9",
        },
    )
    assert response.status_code == 303
    assert make_client().signin("07 12 34 56 78", "premier-acces-9").status_code == 303


def test_a_commune_admin_cannot_create_staff_for_another_commune(client, app, demo):
    client.signin("admin@demo.ma")
    with app.app_context():
        tiznit = db.session.scalar(sa.select(User.commune_id).where(User.email == "clerk2@demo.ma"))
    response = client.post(
        "/staff/new",
        {
            "full_name": "X Y",
            "login": "x@demo.ma",
            "role": "clerk",
            "commune": tiznit,
            "agency": 0,
            "password": "premier-acces-9",
        },
    )
    assert response.status_code == 200
    assert 'href="#commune"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "x@demo.ma")) is None


def test_a_commune_admin_cannot_make_a_national_admin(client, app, demo):
    client.signin("admin@demo.ma")
    clerk = _id(app, "clerk@demo.ma")
    response = client.post(f"/staff/{clerk}", {"role": "national_admin", "active": "y"}, form_url=f"/staff/{clerk}")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, clerk).role.value == "clerk"


def test_deactivating_a_staff_member_signs_them_out(make_client, app, demo):
    agent, admin = make_client(), make_client()
    agent.signin("agent@demo.ma")
    admin.signin("admin@demo.ma")
    agent_id = _id(app, "agent@demo.ma")
    assert admin.post(f"/staff/{agent_id}", {"role": "agent"}, form_url=f"/staff/{agent_id}").status_code == 303
    assert agent.get("/staff/").status_code == 302


def test_the_commune_scope_also_guards_bulk_updates(app, demo):
    from app.scoping import set_commune_scope

    with app.test_request_context():
        tiznit = db.session.scalar(sa.select(User.commune_id).where(User.email == "clerk2@demo.ma"))
        set_commune_scope(tiznit)
        result = db.session.execute(sa.update(User).where(User.email == "clerk@demo.ma").values(full_name="Changed"))
        db.session.commit()
        assert result.rowcount == 0
    with app.app_context():
        assert db.session.scalar(sa.select(User.full_name).where(User.email == "clerk@demo.ma")) != "Changed"


def test_a_national_admin_cannot_be_turned_into_commune_staff_without_a_commune(make_client, app, demo):
    """Otherwise a commune role with no commune would see every commune."""
    national = make_client()
    national.signin("national@demo.ma")
    with app.app_context():
        from app.auth.services import create_staff

        create_staff(
            login="nat2@demo.ma", password="x-password-2", full_name="Nat Deux", role=Role.NATIONAL_ADMIN, commune=None
        )
    nat2 = _id(app, "nat2@demo.ma")
    response = national.post(f"/staff/{nat2}", {"role": "clerk", "active": "y"}, form_url=f"/staff/{nat2}")
    assert response.status_code == 200 and "belongs to no commune" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, nat2).role is Role.NATIONAL_ADMIN
        db.session.rollback()
    import pytest as _pytest

    with app.app_context(), _pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(User).where(User.id == nat2).values(role="clerk"))
        db.session.commit()


def test_an_admin_gives_a_clerk_the_right_to_decide(client, app, demo):
    client.signin("admin@demo.ma")
    clerk2_like = _id(app, "agent@demo.ma")
    client.post(
        f"/staff/{clerk2_like}", {"role": "clerk", "active": "y", "may_decide": "y"}, form_url=f"/staff/{clerk2_like}"
    )
    with app.app_context():
        member = db.session.get(User, clerk2_like)
        assert member.role is Role.CLERK and member.can_decide
    client.post(
        f"/staff/{clerk2_like}", {"role": "agent", "active": "y", "may_decide": "y"}, form_url=f"/staff/{clerk2_like}"
    )
    with app.app_context():
        assert not db.session.get(User, clerk2_like).can_decide  # only clerks carry the right
