import re

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
LOCKED = "Too many failed attempts with this identifier"


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


def test_repeated_failures_lock_the_identifier_even_for_the_right_password(client, demo, app):
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert BAD in client.signin("clerk@demo.ma", "guess").get_data(as_text=True)
    assert LOCKED in client.signin("clerk@demo.ma", "guess").get_data(as_text=True)
    locked = client.signin("clerk@demo.ma")
    assert locked.status_code == 200 and LOCKED in locked.get_data(as_text=True)
    # Another account from the same connection is not affected.
    assert client.signin("agent@demo.ma").status_code == 303


def test_lockout_does_not_reveal_whether_an_account_exists(client, demo, app):
    pages = {}
    for login in ("clerk@demo.ma", "ghost@demo.ma"):
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            pages[login] = client.signin(login, "guess").get_data(as_text=True)
    assert LOCKED in pages["clerk@demo.ma"] and LOCKED in pages["ghost@demo.ma"]


def test_lockout_ends_after_its_time(client, demo, app):
    from app.models import LoginThrottle

    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        client.signin("clerk@demo.ma", "guess")
    with app.app_context():
        throttle = db.session.scalar(sa.select(LoginThrottle))
        throttle.locked_until = throttle.first_failure_at  # as if the lockout had passed
        db.session.commit()
    assert client.signin("clerk@demo.ma").status_code == 303


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


def test_parallel_failures_all_count_and_none_fails(app, demo):
    """Failures sent at the same moment are each counted (one atomic statement each)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.auth.services import authenticate
    from app.models import LoginThrottle

    def attempt(_):
        with app.app_context():
            return authenticate("clerk@demo.ma", "guess").result.value

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(12)))
    assert set(results) <= {"bad_credentials", "locked"} and "locked" in results
    with app.app_context():
        assert db.session.scalar(sa.select(LoginThrottle.failures)) >= app.config["LOCKOUT_THRESHOLD"]


def test_a_boosted_sign_in_reloads_the_whole_page(client, demo):
    """The account's language may differ from the browser's: <html lang dir> must change."""
    token = client.token("/signin")
    response = client.raw.post(
        "/signin?next=/account",
        data={"csrf_token": token, "login": "citizen@demo.ma", "password": "jamaati-demo"},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.headers["HX-Redirect"] == "/account"


def test_changing_the_password_does_not_start_remembering_a_shared_computer(client, demo):
    client.signin("citizen@demo.ma")  # without "keep me signed in"
    response = client.post(
        "/account/password",
        {"current_password": "jamaati-demo", "new_password": "nouveau-mot-2026", "confirm": "nouveau-mot-2026"},
    )
    assert response.status_code == 303
    assert not any(
        c.startswith("remember_token=") and "Expires" in c and "remember_token=;" not in c
        for c in response.headers.getlist("Set-Cookie")
    )


def test_the_phone_keeps_its_drafts_through_a_password_change(make_client, demo):
    """The page's account key (what drafts and saved pages on the phone belong to) is the person,
    not the session: a new password must not hide what waits in the outbox."""
    key = re.compile(r'data-account="(\w*)"')
    phone = make_client()
    phone.signin("citizen@demo.ma")
    before = key.search(phone.get("/").get_data(as_text=True)).group(1)
    phone.post(
        "/account/password",
        {"current_password": "jamaati-demo", "new_password": "nouveau-mot-2026", "confirm": "nouveau-mot-2026"},
    )
    assert key.search(phone.get("/").get_data(as_text=True)).group(1) == before != ""
    other = make_client()
    other.signin("agent@demo.ma")
    assert key.search(other.get("/").get_data(as_text=True)).group(1) not in (before, "")
