"""Number questions say what is wrong with what was typed (never "answer this question" when
something was typed), state their rule, accept a decimal comma, and are written left to right."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests.permits import files

MESSAGES = {
    "en": {
        "whole": "Enter a whole number, such as 2.",
        "range_whole": "Enter a whole number from 0 to 100,000.",
        "number": "Enter a number, such as 120.5.",
        "range_number": "Enter a number from 0 to 10,000,000.",
        "required": "Answer this question.",
    },
    "fr": {
        "whole": "Saisissez un nombre entier, par exemple 2.",
        "range_whole": "Saisissez un nombre entier de 0 à 100 000.",
        "number": "Saisissez un nombre, par exemple 120,5.",
        "range_number": "Saisissez un nombre de 0 à 10 000 000.",
        "required": "Répondez à cette question.",
    },
    "ar": {
        "whole": "أدخل عددًا صحيحًا، مثل 2.",
        "range_whole": "أدخل عددًا صحيحًا من 0 إلى 100000.",
        "number": "أدخل عددًا، مثل 120.5.",
        "range_number": "أدخل عددًا من 0 إلى 10000000.",
        "required": "أجب عن هذا السؤال.",
    },
}


@pytest.fixture
def case_id(app, demo, files):
    with app.app_context():
        case_id = files.draft().id
        db.session.remove()
    return case_id


def _send(client, case_id, language, **answers):
    response = client.post(
        f"/permits/{case_id}/details",
        {"use": "housing", "floor_area": "120", "levels": "2", **answers},
        headers={"Accept-Language": language},
    )
    return response.status_code, response.get_data(as_text=True)


def _error_of(page: str, name: str) -> str:
    match = re.search(rf'id="{name}-error"><span class="visually-hidden">[^<]*</span> ([^<]*)</p>', page)
    return match.group(1) if match else ""


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize(
    ("name", "typed", "expected"),
    [
        ("levels", "1e309", "whole"),
        ("levels", "2.5", "whole"),
        ("levels", "-5", "range_whole"),
        ("floor_area", "1e309", "range_number"),
        ("floor_area", "sNaN", "number"),
        ("floor_area", "-5", "range_number"),
        ("floor_area", "beaucoup", "number"),
        ("floor_area", "", "required"),
    ],
)
def test_a_number_that_is_not_one_says_what_is_wrong_and_keeps_what_was_typed(
    client, case_id, language, name, typed, expected
):
    client.signin("citizen@demo.ma")
    status, page = _send(client, case_id, language, **{name: typed})
    assert status == 422
    assert _error_of(page, name) == MESSAGES[language][expected]
    assert f'value="{typed}"' in page or not typed


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_decimal_comma_is_a_decimal_point(app, client, case_id, language):
    client.signin("citizen@demo.ma")
    status, _ = _send(client, case_id, language, floor_area="120,5")
    assert status == 303
    with app.app_context():
        assert files.load(app, case_id).details["floor_area"] == 120.5


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_number_fields_are_written_left_to_right_with_a_number_keyboard(client, case_id, language):
    client.signin("citizen@demo.ma")
    page = client.get(f"/permits/{case_id}/details", headers={"Accept-Language": language}).get_data(as_text=True)
    for name in ("floor_area", "levels"):
        (tag,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'dir="ltr"' in tag and "inputmode=" in tag and 'type="text"' in tag, tag
