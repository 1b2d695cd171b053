"""Every check on a form speaks the reader's language, and nothing typed is cut without a word:
a text past its limit is refused with its length, kept whole, and the browser is given no
``maxlength`` that would cut a paste silently."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp

import app as app_package
from tests.desk.test_file import advance
from tests.languages import in_each_language, said, shown, speaks

CHECKS_WITH_WORDS = (Length, DataRequired, InputRequired, NumberRange, EqualTo, Regexp)


def _form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("app."):
                found.append(sub)
    return found


def _validators(form_class):
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            for validator in unbound.kwargs.get("validators") or []:
                yield f"{form_class.__name__}.{name}", validator


def test_every_check_on_every_form_has_its_own_translated_message_and_no_maxlength():
    checked = [(where, v) for form_class in _form_classes() for where, v in _validators(form_class)]
    assert len(checked) > 80  # the forms were found
    wordless = [where for where, v in checked if isinstance(v, CHECKS_WITH_WORDS) and v.message is None]
    assert wordless == []
    cutting = [where for where, v in checked if "maxlength" in (getattr(v, "field_flags", None) or {})]
    assert cutting == []


@pytest.fixture
def case_id(app, demo, files):
    return files.make(app)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "الحد الأقصى لعدد الأحرف هو 4000، والنص المكتوب يضم 5000."),
        ("fr", "Écrivez 4000 caractères au plus : ce texte en compte 5000."),
        ("en", "Write 4000 characters or fewer: this has 5000."),
    ],
)
def test_a_clerks_message_past_its_limit_is_refused_in_words_and_kept_whole(
    app, client, files, case_id, language, expected
):
    advance(app, files, case_id, "mark_complete")
    client.signin("clerk@demo.ma")
    page = client.get(f"/desk/permits/{case_id}", headers={"Accept-Language": language}).get_data(as_text=True)
    assert "maxlength" not in page
    long_message = ("Votre dossier est en cours d’examen. " * 200)[:5000]
    response = client.post(
        f"/desk/permits/{case_id}/notes",
        {"text": long_message, "visibility": "public"},
        form_url=f"/desk/permits/{case_id}",
        headers={"Accept-Language": language},
    )
    text = response.get_data(as_text=True)
    assert expected in text
    assert long_message.replace("’", "&#39;") in text or long_message in text  # nothing cut


@in_each_language
def test_the_applicants_address_past_its_limit_is_refused_in_the_pages_language(app, client, demo, files, language):
    with app.app_context():
        case_id = files.draft().id
    client.signin("citizen@demo.ma")
    address = "حي السويقة، " * 25 + "شفشاون"
    response = client.post(
        f"/permits/{case_id}/parcel",
        {"address": address, "land_title": "12345/08", "latitude": "", "longitude": ""},
        **speaks(language),
    )
    text = shown(response)
    assert response.status_code == 422
    assert (
        said(app, language, "Write %(max)d characters or fewer: this has %(length)d.", max=240, length=len(address))
        in text
    )
    assert "Field cannot be longer" not in text and address in text  # translated, and kept whole
    assert not re.search(r"<input[^>]+maxlength", text)
