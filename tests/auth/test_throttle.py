"""Wrong passwords slow the guesser down, not the owner: failures count per (identifier, client
address), the owner's known device counts apart, and nobody can keep an account locked."""

import re
import time

import pytest

BAD = "The mobile number, e-mail or password is not right."
SLOWED = re.compile(r"Too many failed attempts with this identifier\. For your security, wait (\d+) minutes?")
ATTACKER, OWNER = "198.51.100.66", "203.0.113.7"


def attempt(client, login, password="jamaati-demo", address=OWNER):
    return client.post("/signin", {"login": login, "password": password}, environ_base={"REMOTE_ADDR": address})


def slowed_down(response) -> bool:
    return response.status_code == 200 and SLOWED.search(response.get_data(as_text=True)) is not None


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(make_client, demo):
    attacker = make_client()
    for _ in range(8):
        attempt(attacker, "clerk@demo.ma", "guess", ATTACKER)
    assert attempt(make_client(), "clerk@demo.ma", address=OWNER).status_code == 303


def test_repeated_failures_slow_that_address_down_even_for_the_right_password(make_client, demo):
    guesser = make_client()
    for _ in range(4):
        assert BAD in attempt(guesser, "clerk@demo.ma", "guess", ATTACKER).get_data(as_text=True)
    assert slowed_down(attempt(guesser, "clerk@demo.ma", "guess", ATTACKER))  # the fifth says to wait
    assert slowed_down(attempt(make_client(), "clerk@demo.ma", address=ATTACKER))
    # Another account from the same address is not affected.
    assert attempt(make_client(), "agent@demo.ma", address=ATTACKER).status_code == 303


def test_the_wait_ends_and_then_grows(make_client, app, demo, monkeypatch):
    """A staircase: a few tries, a short wait, a few more, a long wait (short windows here)."""
    monkeypatch.setitem(app.config, "SIGNIN_FAILURE_LIMITS", "3 per 2 seconds;5 per hour")
    guesser = make_client()
    for _ in range(3):
        attempt(guesser, "clerk@demo.ma", "guess", ATTACKER)
    assert slowed_down(attempt(guesser, "clerk@demo.ma", "guess", ATTACKER))
    time.sleep(2.1)
    assert BAD in attempt(guesser, "clerk@demo.ma", "guess", ATTACKER).get_data(as_text=True)
    page = attempt(guesser, "clerk@demo.ma", "guess", ATTACKER).get_data(as_text=True)
    assert int(SLOWED.search(page).group(1)) > 50  # now the hour's limit: about an hour


def test_the_owner_on_a_known_device_gets_in_while_strangers_are_slowed_down(make_client, app, demo, monkeypatch):
    """The office's shared connection: the attacker and the clerk have the same address."""
    monkeypatch.setitem(app.config, "SIGNIN_IDENTIFIER_LIMITS", "10 per hour")
    desk = make_client()
    assert attempt(desk, "clerk@demo.ma", address=OWNER).status_code == 303
    desk.signout()  # the known-device cookie stays
    attacker = make_client()
    for _ in range(6):
        attempt(attacker, "clerk@demo.ma", "guess", OWNER)
    for i in range(12):  # and from many other addresses
        attempt(make_client(), "clerk@demo.ma", "guess", f"192.0.2.{i}")
    assert slowed_down(attempt(make_client(), "clerk@demo.ma", address=OWNER))
    assert slowed_down(attempt(make_client(), "clerk@demo.ma", address="192.0.2.200"))  # a new address too
    assert attempt(desk, "clerk@demo.ma", address=OWNER).status_code == 303


def test_a_known_device_of_another_account_counts_like_any_stranger(make_client, demo):
    attacker = make_client()
    assert attempt(attacker, "agent@demo.ma", address=ATTACKER).status_code == 303  # their own account
    attacker.signout()
    for _ in range(5):
        attempt(attacker, "clerk@demo.ma", "guess", ATTACKER)
    assert slowed_down(attempt(attacker, "clerk@demo.ma", address=ATTACKER))


def test_a_forged_known_device_cookie_is_ignored(make_client, demo):
    forger = make_client()
    forger.raw.set_cookie("known_device", '{"d": "x", "u": [2]}.forged')
    for _ in range(5):
        attempt(forger, "clerk@demo.ma", "guess", ATTACKER)
    assert slowed_down(attempt(forger, "clerk@demo.ma", address=ATTACKER))


def test_a_known_device_is_slowed_down_too_when_it_guesses(make_client, demo):
    """A stolen phone with the cookie gets no more guesses than anyone."""
    phone = make_client()
    attempt(phone, "citizen@demo.ma")
    phone.signout()
    for _ in range(5):
        attempt(phone, "citizen@demo.ma", "guess")
    assert slowed_down(attempt(phone, "citizen@demo.ma"))


def test_signing_in_forgets_the_owners_own_typos(make_client, demo):
    owner = make_client()
    for _ in range(4):
        attempt(owner, "citizen@demo.ma", "typo")
    assert attempt(owner, "citizen@demo.ma").status_code == 303
    owner.signout()
    for _ in range(4):
        assert BAD in attempt(owner, "citizen@demo.ma", "typo").get_data(as_text=True)


def test_slowing_down_does_not_reveal_whether_an_account_exists(make_client, demo):
    pages = {}
    for login in ("clerk@demo.ma", "ghost@demo.ma"):
        client = make_client()
        for _ in range(5):
            pages[login] = attempt(client, login, "guess", ATTACKER)
    assert slowed_down(pages["clerk@demo.ma"]) and slowed_down(pages["ghost@demo.ma"])


@pytest.mark.parametrize("written", ["0661234567", "+212 661-234-567", "00212661234567"])
def test_every_way_of_writing_a_number_counts_as_one(make_client, demo, written):
    guesser = make_client()
    for spelling in ("06 61 23 45 67", "+212661234567", "0661234567", "212661234567"):
        attempt(guesser, spelling, "guess", ATTACKER)
    assert slowed_down(attempt(guesser, written, "guess", ATTACKER))  # the fifth failure of one identifier


def test_parallel_failures_all_count_and_none_fails(app, demo):
    """Failures sent at the same moment are each counted, and none is a 500."""
    from concurrent.futures import ThreadPoolExecutor

    from app.auth.services import authenticate

    def try_once(_):
        with app.test_request_context():
            return authenticate("clerk@demo.ma", "guess", address=ATTACKER).result.value

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(try_once, range(12)))
    assert set(results) <= {"bad_credentials", "slowed_down"} and "slowed_down" in results


def test_signing_in_works_with_the_rate_limiter_turned_off(make_client, demo, monkeypatch):
    """RATELIMIT_ENABLED=False leaves the limiter without storage: sign-in once answered 500."""
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_limiter", None)  # what init_app leaves when it is turned off
    assert BAD in attempt(make_client(), "clerk@demo.ma", "guess").get_data(as_text=True)
    assert attempt(make_client(), "clerk@demo.ma").status_code == 303
