import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.languages import in_each_language, said, shown, speaks

GOOD = {
    "full_name": "أمينة بنعلي",
    "login": "06 61 23 45 67",
    "cin": "",
    "password": "zitoun-ahmar-7",
    "confirm": "zitoun-ahmar-7",
}


def signup(client, commune_id, language="en", **changes):
    data = {**GOOD, "commune": str(commune_id), **changes}
    return client.post("/signup", data, headers={"Accept-Language": language})


@pytest.fixture
def chefchaouen(app, demo):
    from app.communes.services import get_by_code

    with app.app_context():
        return get_by_code("01.151.01.01").id


def test_a_citizen_signs_up_with_a_mobile_number_and_is_signed_in(client, app, chefchaouen):
    response = signup(client, chefchaouen, cin=" ab 12345 ")
    assert response.status_code == 303
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hello, <bdi>أمينة بنعلي</bdi>" in home
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.phone == "+212661234567"))
        assert user.cin == "AB12345"
        assert user.commune_id == chefchaouen
        assert user.password_hash.startswith("$argon2id$")


def test_a_citizen_signs_up_with_an_email_address(client, app, chefchaouen):
    assert signup(client, chefchaouen, login="Amina.Benali@Example.MA").status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.email).where(User.role == "citizen", User.email.like("amina%")))
            == "amina.benali@example.ma"
        )


@pytest.mark.parametrize(
    "changes, field, messages",
    [
        (
            {"login": "+212 6 61-23-45-67"},  # the same number written another way
            "login",
            {
                "en": "An account already uses this mobile number. Sign in instead.",
                "fr": "Un compte utilise déjà ce numéro de mobile",
                "ar": "رقم الهاتف",
            },
        ),
        ({"password": "12345678", "confirm": "12345678"}, "password", {"en": "too easy to guess"}),
        ({"password": "short", "confirm": "short"}, "password", {"en": "Use at least 8 characters."}),
        ({"cin": "1234ABCD"}, "cin", {"en": "A CIN number is one or two letters then up to six digits"}),
        ({"login": "05 22 12 34 56"}, "login", {"en": "Enter a Moroccan mobile number such as 06 12 34 56 78"}),
        ({"login": "06123"}, "login", {"en": "Enter a Moroccan mobile number such as 06 12 34 56 78"}),
        ({"confirm": "something-else-1"}, "confirm", {"en": "The two passwords are not the same."}),
        ({"full_name": ""}, "full_name", {"en": "Enter your full name."}),
    ],
)
def test_bad_sign_up_input_is_explained_and_what_was_typed_is_kept(client, app, chefchaouen, changes, field, messages):
    if field == "login" and "already" in messages["en"]:
        assert signup(client, chefchaouen).status_code == 303
        client.signout()
    for language, message in messages.items():
        response = signup(client, chefchaouen, language=language, **changes)
        page = response.get_data(as_text=True)
        assert response.status_code == 200  # re-rendered, so htmx swaps it too
        assert message in page
        assert 'class="error-summary"' in page
        assert f'href="#{field}"' in page
        assert "<title>" in page and ("Error:" in page or "Erreur" in page or "خطأ" in page)
        for kept in ("full_name", "login", "cin"):
            value = {**GOOD, **changes}[kept]
            if value:
                assert f'value="{value}"' in page
        assert f'<option selected value="{chefchaouen}">' in page
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.role == "citizen", User.full_name == GOOD["full_name"])
        ) == (1 if "already" in messages["en"] else 0)


def test_sign_up_offers_only_open_communes(client, demo):
    page = client.get("/signup", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Chefchaouen" in page and "Tiznit" in page
    assert "Tanger" not in page


def test_a_closed_commune_cannot_be_forced_into_sign_up(client, app, demo):
    from app.communes.services import get_by_code

    with app.app_context():
        tanger = get_by_code("01.511.01.0").id
    response = signup(client, tanger)
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_markup_typed_in_a_name_is_shown_as_text(client, chefchaouen):
    assert signup(client, chefchaouen, full_name="<script>alert(1)</script> Ali").status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ali" in home
    assert "<script>alert" not in home


@in_each_language
def test_apply_signed_out_says_why_and_signing_up_comes_back_to_the_form(app, client, chefchaouen, language):
    asked = client.get("/permits/new", **speaks(language))
    assert asked.status_code == 302
    signin_page = shown(client.get(asked.headers["Location"], **speaks(language)))
    why = "This page needs an account. Sign in, or create one: you will come back to it after."
    assert said(app, language, why) in signin_page  # said, in the reader's language
    assert 'href="/signup?next=/permits/new"' in signin_page
    data = {**GOOD, "commune": str(chefchaouen)}
    response = client.post("/signup?next=/permits/new", data, form_url="/signup?next=/permits/new", **speaks(language))
    assert response.status_code == 303 and response.headers["Location"].endswith("/permits/new")
    form = shown(client.get(response.headers["Location"], **speaks(language)))
    assert f"<h1>{said(app, language, 'Which permit do you need?')}</h1>" in form  # the form, not home


def test_signing_up_never_sends_the_person_to_another_site(client, chefchaouen):
    data = {**GOOD, "commune": str(chefchaouen)}
    response = client.post("/signup?next=https://evil.example/", data, form_url="/signup")
    assert response.status_code == 303 and "evil.example" not in response.headers["Location"]
