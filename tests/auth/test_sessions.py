"""Sessions live on the server: a copy of a browser's cookies (taken from a shared computer, a
stolen phone, a proxy log) opens nothing once that session has ended — at sign-out, after a
password change, after deactivation, after "sign out everywhere"."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AccountSession, User

COOKIES = ("session", "remember_token")


def copy_of(source, make_client, names=COOKIES):
    """Another browser holding a copy of ``source``'s cookies (only those named)."""
    thief = make_client()
    for name in names:
        cookie = source.raw.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.raw.set_cookie(name, cookie.value)
    return thief


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.mark.parametrize("copied", [COOKIES, ("session",), ("remember_token",)])
def test_a_copied_cookie_is_refused_after_sign_out(make_client, demo, copied):
    phone = make_client()
    phone.signin("citizen@demo.ma", remember="y")
    thief = copy_of(phone, make_client, copied)
    assert signed_in(thief)  # the copy works while the session lives: that is what a cookie is
    phone.signout()
    assert not signed_in(thief)
    assert not signed_in(phone)


def test_signing_out_on_one_device_keeps_the_others(make_client, demo):
    phone, laptop = make_client(), make_client()
    phone.signin("citizen@demo.ma", remember="y")
    laptop.signin("citizen@demo.ma", remember="y")
    laptop.signout()
    assert signed_in(phone) and not signed_in(laptop)


def test_a_copied_cookie_is_refused_after_a_password_change(make_client, demo):
    phone, laptop = make_client(), make_client()
    phone.signin("citizen@demo.ma", remember="y")
    laptop.signin("citizen@demo.ma", remember="y")
    thief = copy_of(laptop, make_client)
    response = phone.post(
        "/account/password",
        {"current_password": "jamaati-demo", "new_password": "nouveau-mot-2026", "confirm": "nouveau-mot-2026"},
    )
    assert response.status_code == 303
    assert signed_in(phone)
    assert not signed_in(thief) and not signed_in(laptop)


def test_a_copied_cookie_is_refused_after_deactivation(make_client, app, demo):
    agent, admin = make_client(), make_client()
    agent.signin("agent@demo.ma", remember="y")
    thief = copy_of(agent, make_client)
    admin.signin("admin@demo.ma")
    agent_id = demo["agent@demo.ma"]
    assert admin.post(f"/staff/{agent_id}", {"role": "agent"}, form_url=f"/staff/{agent_id}").status_code == 303
    assert not signed_in(thief) and not signed_in(agent)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(AccountSession).filter_by(user_id=agent_id)) == 0
        )


def test_sign_out_everywhere_ends_every_session_of_the_account(make_client, app, demo):
    phone, laptop, other = make_client(), make_client(), make_client()
    phone.signin("citizen@demo.ma", remember="y")
    laptop.signin("citizen@demo.ma", remember="y")
    other.signin("agent@demo.ma")
    thief = copy_of(laptop, make_client)
    with app.app_context():
        version = db.session.get(User, demo["citizen@demo.ma"]).session_version
    page = phone.get("/account").get_data(as_text=True)
    assert "Sign out everywhere" in page
    response = phone.post("/account/signout-everywhere", form_url="/account")
    assert response.status_code == 303 and response.headers["Location"] == "/signin"
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert not any(signed_in(c) for c in (phone, laptop, thief))
    assert signed_in(other)  # another account is not touched
    with app.app_context():  # push subscriptions made before stop too (they follow the version)
        assert db.session.get(User, demo["citizen@demo.ma"]).session_version == version + 1


def test_sign_out_everywhere_needs_the_form_token(client, demo):
    client.signin("citizen@demo.ma")
    assert client.raw.post("/account/signout-everywhere").status_code == 400
    assert signed_in(client)


def test_a_session_older_than_its_lifetime_is_refused(client, app, demo):
    client.signin("citizen@demo.ma", remember="y")
    with app.app_context():
        lifetime = app.config["REMEMBER_COOKIE_DURATION"]
        for session in db.session.scalars(sa.select(AccountSession)):
            session.created_at -= lifetime
        db.session.commit()
    assert not signed_in(client)


def test_the_database_keeps_only_a_hash_of_the_session_token(client, app, demo):
    client.signin("citizen@demo.ma", remember="y")
    with app.app_context():
        stored = db.session.scalar(sa.select(AccountSession.token_hash))
    assert stored not in client.raw.get_cookie("remember_token").value
