"""Odd input anywhere gets a clear answer, never a 500."""

import pytest


@pytest.mark.parametrize(
    "url, status",
    [
        ("/communes/?q=a%00b", 400),
        ("/communes/?page=99999999999999999999", 200),
        ("/communes/?page=abc", 200),
        ("/communes/?q=" + "x" * 5000, 200),
        ("/communes/?q=%25_%25", 200),
        ("/staff/99999999999999999999", 404),
        ("/permits/99999999999999999999", 404),
    ],
)
def test_odd_query_strings(client, demo, url, status):
    client.signin("national@demo.ma")
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "data",
    [
        {"login": "abc\x00", "password": "x"},
        {"login": "a" * 240 + "@example.ma", "password": "x"},
        {"login": "٠٦١٢٣٤٥٦٧٨", "password": "x"},
        {"login": "", "password": ""},
    ],
)
def test_odd_sign_in_input(client, data):
    assert client.post("/signin", data).status_code in (200, 400)


def test_digits_of_other_scripts_are_read_as_digits(client, app, demo):
    from app.core.identity import normalize_phone

    assert normalize_phone("٠٦١٢٣٤٥٦٧٨") == "+212612345678"
    assert normalize_phone("06१२३४५६७८") == "+212612345678"
