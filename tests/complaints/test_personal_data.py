"""Who filed a complaint, and how to reach them, is for the clerks who answer it: not for field
agents or an outside agency's reviewers, who see the complaint itself."""

from __future__ import annotations

import pytest

from tests.complaints.helpers import file

GUEST = {"contact_name": "Rachida Zeroual", "contact_phone": "+212661234567", "contact_email": "rachida@example.ma"}
SHOWN = ["Rachida Zeroual", "61 23 45 67", "rachida@example.ma"]


@pytest.mark.parametrize("login", ["agent@demo.ma", "reviewer@demo.ma"])
def test_agents_and_reviewers_do_not_see_a_guests_contact(app, make_client, demo, login):
    complaint_id = file(app, description="A pothole in front of the school.", **GUEST)
    staff = make_client()
    staff.signin(login)
    page = staff.get(f"/desk/complaints/{complaint_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "A pothole in front of the school." in text  # the complaint itself they see
    assert not [value for value in SHOWN if value in text]
    assert "Only the clerks who handle complaints see who filed it." in text


@pytest.mark.parametrize("login", ["clerk@demo.ma", "admin@demo.ma"])
def test_the_clerks_who_answer_see_it(app, make_client, demo, login):
    complaint_id = file(app, **GUEST)
    clerk = make_client()
    clerk.signin(login)
    text = clerk.get(f"/desk/complaints/{complaint_id}").get_data(as_text=True)
    assert all(value in text for value in SHOWN)
