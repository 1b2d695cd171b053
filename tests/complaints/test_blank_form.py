"""The complaint form as it first shows is rendered once per language and commune; each visit
still gets its own CSRF token and idempotency key, and what changes (a category, the language,
signing in) shows at the next visit."""

import re

import sqlalchemy as sa

from app.complaints.models import ComplaintCategory
from app.extensions import db
from tests.complaints.helpers import CHEFCHAOUEN_CODE

FORM = f"/complaints/new?commune={CHEFCHAOUEN_CODE}"


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_each_visit_gets_its_own_key_and_a_token_that_files(client, make_client, demo):
    first = client.get(FORM).get_data(as_text=True)
    other = make_client()
    second = other.get(FORM).get_data(as_text=True)
    assert _hidden(first, "idempotency_key") != _hidden(second, "idempotency_key")
    assert _hidden(first, "csrf_token") != _hidden(second, "csrf_token")
    assert not re.search(r"hole[0-9a-f]{16}", first + second)  # no marker left in a page (app/core/copies.py)
    category = re.search(r'<option value="(\d+)"', second).group(1)
    sent = other.raw.post(
        FORM,
        data={
            "csrf_token": _hidden(second, "csrf_token"),
            "idempotency_key": _hidden(second, "idempotency_key"),
            "kind": "complaint",
            "category": category,
            "description": "A streetlight out since Monday.",
            "location_text": "Hay Souika",
        },
    )
    assert sent.status_code == 303 and "/complaints/filed/" in sent.headers["Location"]


def test_a_renamed_category_and_another_language_show_at_the_next_visit(app, client, demo):
    client.get(FORM)
    with app.app_context():
        db.session.execute(
            sa.update(ComplaintCategory)
            .where(ComplaintCategory.code == "roads")
            .values(name_fr="Chaussée abîmée", name_ar="طريق متضررة")
        )
        db.session.commit()
    french = client.get(FORM, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    arabic = client.get(FORM, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "Chaussée abîmée" in french and "Décrivez le problème" in french
    assert "طريق متضررة" in arabic and "Chaussée abîmée" not in arabic


def test_a_category_no_longer_offered_is_gone_at_the_next_visit_the_others_keep_their_order(app, client, demo):
    options = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')
    before = options.findall(client.get(FORM).get_data(as_text=True))
    with app.app_context():
        offered = db.session.scalars(
            sa.select(ComplaintCategory)
            .where(ComplaintCategory.id.in_([int(value) for value, _ in before]))
            .order_by(ComplaintCategory.position, ComplaintCategory.id)
        ).all()
        assert [str(c.id) for c in offered] == [value for value, _ in before]  # the commune's order
        withdrawn = offered[1]
        withdrawn.active = False
        db.session.commit()
        withdrawn_id = str(withdrawn.id)
    after = options.findall(client.get(FORM).get_data(as_text=True))
    assert after == [option for option in before if option[0] != withdrawn_id] and len(after) == len(before) - 1


def test_signed_in_the_form_no_longer_asks_how_to_contact(client, demo):
    assert 'id="contact"' in client.get(FORM).get_data(as_text=True)
    client.signin("citizen@demo.ma")
    assert 'id="contact"' not in client.get(FORM).get_data(as_text=True)


def test_a_guest_gets_the_browser_id_its_replays_are_known_by_with_the_form(client, demo):
    """Idempotency keys are a guest's browser's own: the id must come with the form, not with the
    answer to the first send (which a dropped connection may never deliver)."""
    given = client.get(FORM).headers.getlist("Set-Cookie")
    assert any(cookie.startswith("browser=") for cookie in given)
