import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User

DEMO_ACCOUNTS = [
    "citizen@demo.ma",
    "agent@demo.ma",
    "clerk@demo.ma",
    "reviewer@demo.ma",
    "admin@demo.ma",
    "clerk2@demo.ma",
    "national@demo.ma",
]
BAD = "The mobile number, e-mail or password is not right."


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_each_demo_account_signs_in(client, demo, email):
    response = client.signin(email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "My account" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_wrong_password_gets_one_message_that_does_not_say_which_part_is_wrong(client, demo):
    wrong_password = client.signin("citizen@demo.ma", "not-the-password").get_data(as_text=True)
    unknown_account = client.signin("nobody@demo.ma", "not-the-password").get_data(as_text=True)
    assert BAD in wrong_password and BAD in unknown_account
    assert 'value="citizen@demo.ma"' in wrong_password  # what was typed stays


def test_a_phone_number_signs_in_however_it_is_written(client, app, demo):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == "citizen@demo.ma").values(phone="+212661234567"))
        db.session.commit()
    assert client.signin("+212 661-234-567").status_code == 303


def test_remember_me_keeps_a_phone_signed_in_for_weeks(client, demo):
    response = client.signin("citizen@demo.ma", remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie


@pytest.mark.parametrize(
    "target, expected",
    [("/account", "/account"), ("https://evil.example/", "/"), ("//evil.example/", "/"), ("/\\evil.example", "/")],
)
def test_next_is_followed_only_to_a_local_path(client, demo, target, expected):
    response = client.post(
        f"/signin?next={target}",
        {"login": "citizen@demo.ma", "password": "jamaati-demo", "next": target},
        form_url="/signin",
    )
    assert response.headers["Location"] == expected


def test_sign_out_ends_the_session_and_the_remember_me_cookie(client, demo):
    client.signin("citizen@demo.ma", remember="y")
    response = client.signout()
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/account").status_code == 302


def test_changing_the_password_signs_other_devices_out(make_client, demo):
    phone, laptop = make_client(), make_client()
    phone.signin("citizen@demo.ma")
    laptop.signin("citizen@demo.ma")
    response = phone.post(
        "/account/password",
        {"current_password": "jamaati-demo", "new_password": "nouveau-mot-2026", "confirm": "nouveau-mot-2026"},
    )
    assert response.status_code == 303
    assert phone.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 302
    fresh = make_client()
    assert fresh.signin("citizen@demo.ma").status_code == 200
    assert fresh.signin("citizen@demo.ma", "nouveau-mot-2026").status_code == 303


def test_changing_the_password_needs_the_current_one(client, demo):
    client.signin("citizen@demo.ma")
    page = client.post(
        "/account/password",
        {"current_password": "wrong", "new_password": "nouveau-mot-2026", "confirm": "nouveau-mot-2026"},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "Your current password is not right." in page


def test_a_deactivated_account_cannot_sign_in(client, app, demo):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == "agent@demo.ma").values(active=False))
        db.session.commit()
    assert BAD in client.signin("agent@demo.ma").get_data(as_text=True)
