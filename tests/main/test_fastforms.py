"""The faster html_params writes exactly what WTForms' own writes."""

import pytest
from markupsafe import Markup

from app.core.fastforms import html_params, wtforms_html_params


@pytest.mark.parametrize(
    "attributes",
    [
        {"name": "text1", "id": "f", "class_": "text"},
        {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
        {"data_user_name": "x", "aria_describedby": "a b", "for_": "z"},
        {"value": 'He said "<b>5 > 3</b>" & left', "placeholder": Markup("<i>kept</i>")},
        {"value": 0, "min": 1.5, "maxlength": None, "title": "عربي — français"},
        {},
    ],
)
def test_same_attributes_as_wtforms(attributes):
    ours = html_params(**attributes)
    assert ours == wtforms_html_params(**attributes) and isinstance(ours, Markup)
