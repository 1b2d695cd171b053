"""What surrounds every page (its head, header and footer) is rendered once per language and state
(app/core/chrome.py): each visit still carries its own token, title and way back, and what one
state shows (signed in, a clerk's guide) never shows in another."""

import html
import re

from markupsafe import escape

from app.counter.guides import GUIDES

HEADER_TOKEN = re.compile(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""")
FOOTER = re.compile(r'<footer class="foot">.*?</footer>', re.S)
FOOTER_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
BACK = re.compile(r'name="next" value="([^"]*)"')
MARKER = re.compile(r"hole[0-9a-f]{16}")


def _footer(page: str) -> str:
    return FOOTER.search(page).group(0)


def test_each_visit_carries_its_own_token_in_the_header_and_the_footer(make_client):
    first, second = make_client(), make_client()
    pages = [client.get("/about").get_data(as_text=True) for client in (first, second)]
    tokens = [(HEADER_TOKEN.search(page).group(1), FOOTER_TOKEN.search(_footer(page)).group(1)) for page in pages]
    assert tokens[0][0] == tokens[0][1] and tokens[1][0] == tokens[1][1]  # one visit, one token
    assert tokens[0][0] != tokens[1][0]
    assert not any(MARKER.search(page) for page in pages)
    # Each visitor's own token works for the language form; the other visitor's does not.
    chosen = second.raw.post("/language", data={"csrf_token": tokens[1][1], "lang": "fr", "next": "/about"})
    assert chosen.status_code in (302, 303) and chosen.headers["Location"].endswith("/about")
    refused = first.raw.post("/language", data={"csrf_token": tokens[1][1], "lang": "fr", "next": "/about"})
    assert refused.status_code == 400


def test_the_language_form_comes_back_to_the_page_it_is_on(client):
    assert BACK.search(_footer(client.get("/track?reference=P-2026-000001").get_data(as_text=True))).group(1) == (
        "/track?reference=P-2026-000001"
    )
    assert BACK.search(_footer(client.get("/about").get_data(as_text=True))).group(1) == "/about"
    typed = client.get('/about?x="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in typed
    assert html.unescape(BACK.search(_footer(typed)).group(1)) == '/about?x="><script>alert(1)</script>'


def test_each_page_keeps_its_own_title(client):
    titles = {
        url: re.search(r"<title>(.*?)</title>", client.get(url).get_data(as_text=True)).group(1)
        for url in ("/about", "/track", "/signin")
    }
    assert titles == {
        "/about": "About Jamaati — Jamaati",
        "/track": "Track a file — Jamaati",
        "/signin": "Sign in — Jamaati",
    }


def test_what_the_header_shows_follows_who_is_signed_in(make_client, demo):
    guest, citizen, clerk = make_client(), make_client(), make_client()
    citizen.signin("citizen@demo.ma")
    clerk.signin("clerk@demo.ma")
    pages = {
        name: c.get("/").get_data(as_text=True)
        for name, c in (("guest", guest), ("citizen", citizen), ("clerk", clerk))
    }
    assert 'data-account=""' in pages["guest"] and ">Sign in</a>" in pages["guest"] and "Sign out" not in pages["guest"]
    accounts = {
        name: re.search(r'data-account="([0-9a-f]{16})"', pages[name]).group(1) for name in ("citizen", "clerk")
    }
    assert accounts["citizen"] != accounts["clerk"]
    assert "Sign out" in pages["citizen"] and "My account" in pages["citizen"]
    # The guide is a clerk's, and each page's own.
    assert escape(str(GUIDES["main.home"])) in pages["clerk"] and "What to do here" not in pages["citizen"]
    queue = clerk.get("/desk/permits").get_data(as_text=True)
    assert escape(str(GUIDES["permits_desk.queue"])) in queue and escape(str(GUIDES["main.home"])) not in queue
    assert "What to do here" not in guest.get("/").get_data(as_text=True)
