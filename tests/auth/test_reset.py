"""Getting back into an account: a link by e-mail (through a real local SMTP server), or a code
given at the counter by a clerk who checked the CIN card."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import dates
from app.extensions import db
from app.models import PasswordReset, User

NEW = "bab-el-ain-2026"
LINK = re.compile(r"http://localhost(/reset/[A-Za-z0-9_-]+)")
CODE = re.compile(r"data-reset-code>(\d{4} \d{4})<")
PHONE = "+212661234567"
CSRF = re.compile(r'"X-CSRFToken": "[^"]+"|name="csrf_token" value="[^"]+"')


def ask_for_link(client, login="citizen@demo.ma", **kwargs):
    return client.post("/reset", {"login": login}, **kwargs)


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


def choose(client, path, password=NEW, confirm=None):
    return client.post(path, {"new_password": password, "confirm": confirm or password})


def signs_in(make_client, login, password) -> bool:
    return make_client().signin(login, password).status_code == 303


def later(monkeypatch, **delta):
    monkeypatch.setattr(dates, "frozen_at", dates.utcnow() + timedelta(**delta))


# By e-mail


def test_an_email_account_gets_a_link_that_sets_a_new_password(client, make_client, mailbox, demo):
    response = ask_for_link(client)
    assert response.status_code == 303 and response.headers["Location"] == "/reset/sent"
    [message] = mailbox.wait_for("citizen@demo.ma")
    assert "30 minutes" in message.get_content() and message["From"]
    path = link_in(message)
    page = client.get(path).get_data(as_text=True)
    assert "Choose a new password" in page
    response = choose(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/signin"
    assert signs_in(make_client, "citizen@demo.ma", NEW)
    assert not signs_in(make_client, "citizen@demo.ma", "jamaati-demo")


def test_the_link_works_once(client, mailbox, demo):
    ask_for_link(client)
    path = link_in(mailbox.wait_for("citizen@demo.ma")[0])
    assert choose(client, path).status_code == 303
    assert client.get(path).status_code == 404
    again = choose(client, path, "autre-chose-2026")
    assert again.status_code == 404 and "This link no longer works" in again.get_data(as_text=True)


def test_the_link_expires_after_30_minutes(client, make_client, mailbox, demo, monkeypatch):
    ask_for_link(client)
    path = link_in(mailbox.wait_for("citizen@demo.ma")[0])
    later(monkeypatch, minutes=29)
    assert client.get(path).status_code == 200
    later(monkeypatch, minutes=2)
    assert choose(client, path).status_code == 404
    assert not signs_in(make_client, "citizen@demo.ma", NEW)


def test_opening_the_link_changes_nothing(client, make_client, mailbox, demo):
    """Mail scanners open links: only sending the form uses it."""
    ask_for_link(client)
    path = link_in(mailbox.wait_for("citizen@demo.ma")[0])
    for _ in range(3):
        assert client.get(path).status_code == 200
    assert choose(client, path).status_code == 303


def test_the_answer_is_the_same_whether_or_not_an_account_exists(make_client, mailbox, demo):
    answers = []
    for login in ("citizen@demo.ma", "nobody@demo.ma", "06 99 88 77 66"):
        client = make_client()
        response = ask_for_link(client, login)
        page = CSRF.sub("", client.get("/reset/sent").get_data(as_text=True))  # each browser has its own token
        answers.append((response.status_code, response.headers["Location"], page))
    assert answers[0] == answers[1] == answers[2]
    mailbox.wait_for("citizen@demo.ma")
    assert [m["To"] for m in mailbox.messages] == ["citizen@demo.ma"]


def test_an_account_gets_at_most_three_links_an_hour(make_client, mailbox, demo, monkeypatch):
    for _ in range(5):
        assert ask_for_link(make_client()).headers["Location"] == "/reset/sent"
    mailbox.wait_for("citizen@demo.ma", count=3)
    assert len(mailbox.to("citizen@demo.ma")) == 3
    later(monkeypatch, minutes=61)
    ask_for_link(make_client())
    mailbox.wait_for("citizen@demo.ma", count=4)


def test_asking_for_links_is_rate_limited_per_address(client, app, mailbox, demo, monkeypatch):
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "3 per minute")
    assert [ask_for_link(client, f"n{i}@demo.ma").status_code for i in range(4)] == [303, 303, 303, 429]


def test_a_reset_by_link_ends_every_session_of_the_account(make_client, mailbox, demo):
    laptop = make_client()
    laptop.signin("citizen@demo.ma", remember="y")
    forgetful = make_client()
    ask_for_link(forgetful)
    choose(forgetful, link_in(mailbox.wait_for("citizen@demo.ma")[0]))
    assert laptop.get("/account").status_code == 302


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, mailbox, demo):
    ask_for_link(client)
    path = link_in(mailbox.wait_for("citizen@demo.ma")[0])
    page = choose(client, path, "12345678").get_data(as_text=True)
    assert "too easy to guess" in page
    assert choose(client, path).status_code == 303


def test_the_message_is_written_in_the_account_language(client, app, mailbox, demo):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == "citizen@demo.ma").values(locale="ar"))
        db.session.commit()
    ask_for_link(client)
    [message] = mailbox.wait_for("citizen@demo.ma")
    assert "كلمة مرور" in message["Subject"] and "محمد العلوي" in message.get_content()


def test_a_mail_server_that_is_down_gives_the_same_answer(client, app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens there
    response = ask_for_link(client)
    assert response.status_code == 303 and response.headers["Location"] == "/reset/sent"


def test_only_a_keyed_hash_of_the_link_is_stored(client, app, mailbox, demo):
    ask_for_link(client)
    token = link_in(mailbox.wait_for("citizen@demo.ma")[0]).rpartition("/")[2]
    with app.app_context():
        stored = db.session.scalar(sa.select(PasswordReset.secret_hash))
    assert token not in stored and len(stored) == 64


def test_the_link_names_the_public_address_whatever_host_the_request_named(client, app, mailbox, demo, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://jamaati.example.ma")
    evil = {"Host": "evil.example"}  # a browser, or a script, that names another host
    page = client.raw.get("/reset", headers=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.raw.post("/reset", data={"csrf_token": token, "login": "citizen@demo.ma"}, headers=evil)
    content = mailbox.wait_for("citizen@demo.ma")[0].get_content()
    assert "https://jamaati.example.ma/reset/" in content and "evil.example" not in content


def test_the_sign_in_page_leads_to_the_reset(client):
    assert 'href="/reset"' in client.get("/signin").get_data(as_text=True)


# At the counter


@pytest.fixture
def phone_citizen(app, demo):
    """The demo citizen signs in with a mobile number, and has CIN AB123456 on the account."""
    with app.app_context():
        db.session.execute(
            sa.update(User).where(User.email == "citizen@demo.ma").values(phone=PHONE, email=None, cin="AB123456")
        )
        db.session.commit()
    return demo["citizen@demo.ma"]


@pytest.fixture
def clerk(make_client, demo):
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    return clerk


def give_code(clerk, login="0661234567", cin="ab 123456", seen="y") -> str | None:
    data = {"login": login, "cin": cin}
    if seen:
        data["seen"] = seen
    page = clerk.post("/desk/reset-code", data, form_url=f"/desk/reset-code?login={login}").get_data(as_text=True)
    match = CODE.search(page)
    return match.group(1) if match else page


def use_code(client, code, login="06 61 23 45 67", password=NEW):
    return client.post("/reset/code", {"login": login, "code": code, "new_password": password, "confirm": password})


def test_a_clerk_gives_a_code_after_checking_the_cin_and_the_citizen_uses_it(
    clerk, client, make_client, app, phone_citizen, demo
):
    page = clerk.get("/desk/reset-code?login=0661234567").get_data(as_text=True)
    assert "محمد العلوي" in page and "AB123456" in page
    code = give_code(clerk)
    assert re.fullmatch(r"\d{4} \d{4}", code)
    response = use_code(client, code)
    assert response.status_code == 303 and response.headers["Location"] == "/signin"
    assert signs_in(make_client, PHONE, NEW)
    with app.app_context():  # logged on the account: who gave it, when, which card; and when it was used
        [reset] = db.session.scalars(sa.select(PasswordReset)).all()
        assert reset.issued_by_id == demo["clerk@demo.ma"] and reset.cin_checked == "AB123456"
        assert reset.created_at is not None and reset.used_at is not None
    citizen = make_client()
    citizen.signin(PHONE, NEW)
    account = citizen.get("/account").get_data(as_text=True)
    assert "Code given at the counter by فاطمة الزهراء بناني, who checked CIN card AB123456" in account
    assert "Used on" in account


def test_the_code_works_once(clerk, client, phone_citizen):
    code = give_code(clerk)
    assert use_code(client, code).status_code == 303
    assert "does not open the account" in use_code(client, code, password="encore-un-2026").get_data(as_text=True)


def test_a_code_typed_in_arabic_digits_works(clerk, client, phone_citizen):
    code = give_code(clerk)
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert use_code(client, arabic).status_code == 303


def test_a_wrong_cin_gives_no_code(clerk, app, phone_citizen):
    page = give_code(clerk, cin="CD654321")
    assert "This is not the CIN number on the account" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == 0


def test_the_clerk_must_say_the_card_was_seen(clerk, phone_citizen):
    assert "Check the card in person" in give_code(clerk, seen=None)


def test_an_account_without_a_cin_records_the_card_typed(clerk, app, phone_citizen):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.phone == PHONE).values(cin=None))
        db.session.commit()
    assert re.fullmatch(r"\d{4} \d{4}", give_code(clerk, cin="k 98765"))
    with app.app_context():
        assert db.session.scalar(sa.select(PasswordReset.cin_checked)) == "K98765"


def test_five_wrong_codes_end_the_code(clerk, client, phone_citizen):
    code = give_code(clerk)
    wrong = f"{(int(code.replace(' ', '')) + 1) % 10**8:08d}"
    for _ in range(5):
        assert use_code(client, wrong).status_code == 200
    assert "does not open the account" in use_code(client, code).get_data(as_text=True)


def test_a_code_opens_only_its_own_account(clerk, client, make_client, app, phone_citizen):
    code = give_code(clerk)
    assert use_code(client, code, login="0700000000").status_code == 200
    assert "does not open the account" in use_code(client, code, login="agent@demo.ma").get_data(as_text=True)
    assert use_code(client, code).status_code == 303  # the owner's still works (two wrong tries of five)


def test_a_new_code_replaces_the_earlier_one(clerk, client, phone_citizen):
    first, second = give_code(clerk), give_code(clerk)
    assert use_code(client, first).status_code == 200
    assert use_code(client, second).status_code == 303


def test_a_code_expires(clerk, client, app, phone_citizen, monkeypatch):
    code = give_code(clerk)
    later(monkeypatch, hours=app.config["RESET_CODE_HOURS"], minutes=1)
    assert use_code(client, code).status_code == 200


def test_a_reset_by_code_ends_every_session(clerk, client, make_client, phone_citizen):
    phone = make_client()
    phone.signin(PHONE)
    use_code(client, give_code(clerk))
    assert phone.get("/account").status_code == 302


def test_only_clerks_and_admins_give_codes(make_client, client, phone_citizen):
    assert client.get("/desk/reset-code").status_code == 302
    for login in ("citizen@demo.ma", "agent@demo.ma", "reviewer@demo.ma"):
        someone = make_client()
        someone.signin(PHONE if login == "citizen@demo.ma" else login)
        assert someone.get("/desk/reset-code").status_code == 403
    admin = make_client()
    admin.signin("admin@demo.ma")
    assert admin.get("/desk/reset-code?login=0661234567").status_code == 200


def test_no_code_for_a_staff_account_at_the_counter(clerk, app, phone_citizen):
    page = clerk.get("/desk/reset-code?login=admin@demo.ma").get_data(as_text=True)
    assert "This is a staff account" in page and "Give a reset code" not in page
    give_code(clerk, login="admin@demo.ma")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset)) == 0


def test_the_code_page_is_not_kept_in_any_cache(clerk, phone_citizen):
    response = clerk.post(
        "/desk/reset-code", {"login": "0661234567", "cin": "AB123456", "seen": "y"}, form_url="/desk/reset-code"
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_two_requests_with_the_same_link_at_once_use_it_once(make_client, app, mailbox, demo):
    import threading

    ask_for_link(make_client())
    path = link_in(mailbox.wait_for("citizen@demo.ma")[0])
    browsers = [make_client() for _ in range(2)]
    tokens = [browser.token(path) for browser in browsers]
    start, results = threading.Barrier(2), []

    def send(browser, token, password):
        start.wait()
        response = browser.raw.post(path, data={"csrf_token": token, "new_password": password, "confirm": password})
        results.append((response.status_code, password))

    threads = [
        threading.Thread(target=send, args=(b, t, p))
        for b, t, p in zip(browsers, tokens, (NEW, "autre-mot-2026"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [password for status, password in results if status == 303]
    assert len(winners) == 1 and {status for status, _ in results} <= {303, 200, 404}
    assert signs_in(make_client, "citizen@demo.ma", winners[0])
