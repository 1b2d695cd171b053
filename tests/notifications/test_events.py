"""Who is told what: the applicant, the complaint's author and its supporters with accounts,
never the person who acted; the inbox and the header's count; the clerks' deadline reminders."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.complaints import services as complaints
from app.complaints.models import ComplaintSupporter
from app.complaints.workflow import Outcome
from app.core import jobs
from app.core.dates import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import describe
from app.permits import services as permits
from tests.complaints.helpers import file, get, user


def told(app, email: str) -> list[tuple[str, str]]:
    """(kind, English text) of what this person was told, oldest first."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        person = user(email)
        rows = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == person.id).order_by(Notification.id)
        )
        return [(n.kind, describe(n)) for n in rows]


def test_the_applicant_gets_a_receipt_and_each_public_step_by_the_commune_never_their_own(app, demo, files):
    with app.app_context():
        case = files.submitted()
        reference, clerk = case.reference, user("clerk@demo.ma")
        permits.mark_complete(case, clerk)
        permits.add_note(case, clerk, "Internal remark", public=False)
        permits.request_documents(case, clerk, [{"code": "other", "reason": "A clearer plan"}])
        permits.withdraw(case, case.applicant)  # the applicant's own step: nothing to tell them
    kinds_and_texts = told(app, "citizen@demo.ma")
    assert kinds_and_texts == [
        ("permit.submit", f"Your application \u2068{reference}\u2069 was received. This message is your receipt."),
        ("permit.status", f"\u2068{reference}\u2069: the status is now “Under review”."),
        ("permit.request_documents", f"The commune asks for documents for your application \u2068{reference}\u2069."),
    ]
    assert told(app, "clerk@demo.ma") == []


def test_an_issued_permit_names_its_number(app, demo, files):
    files.set_may_decide(app)
    with app.app_context():
        case, clerk = files.submitted(), user("clerk@demo.ma")
        permits.mark_complete(case, clerk)
        files.give_opinions(case)
        permits.approve(case, clerk, None)
        permits.issue(case, clerk)
        number = case.permit_number
    assert told(app, "citizen@demo.ma")[-1] == ("permit.issue", f"Your permit \u2068{number}\u2069 is issued.")


def test_the_author_and_supporters_with_accounts_hear_of_the_answer_guests_get_nothing(app, demo, files):
    with app.app_context():
        files.citizen("supporter@demo.ma", "Supporter")
        files.citizen("guest-author@demo.ma", "Unused")
    complaint_id = file(app, author=None)  # a guest's complaint: a tracking code, no inbox
    with app.app_context():
        author = user("citizen@demo.ma")
        own = complaints.file_complaint(
            get(app, complaint_id).commune,
            get(app, complaint_id).category,
            get(app, complaint_id).kind,
            "Broken lamp",
            author=author,
            location_text="Rue 2",
        )
        complaints.support(own, user("supporter@demo.ma"))
        complaints.support(own, None, "+212600000000")  # a guest supporter: nothing to send to
        clerk = user("clerk@demo.ma")
        complaints.acknowledge(own, clerk, "Voirie")
        complaints.add_note(own, clerk, "internal")
        complaints.answer(own, clerk, Outcome.RESOLVED, "Fixed.")
        guest = get(app, complaint_id)
        complaints.acknowledge(guest, clerk, "Voirie")
        reference = own.reference
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintSupporter)) == 2
    assert [kind for kind, _text in told(app, "citizen@demo.ma")] == [
        "complaint.received",
        "complaint.status",
        "complaint.answer",
    ]
    assert told(app, "supporter@demo.ma") == [
        ("complaint.followed_answer", f"A complaint you follow, \u2068{reference}\u2069, has an answer.")
    ]
    with app.app_context():
        supporter_url = db.session.scalar(
            sa.select(Notification.url).where(Notification.kind == "complaint.followed_answer")
        )
        assert supporter_url == f"/complaints/{reference}/public"  # not the author's private page
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 4
        )  # nothing for the guest's complaint


def test_the_inbox_counts_unread_in_the_header_and_opens_the_case(app, client, demo, files, make_client):
    with app.app_context():
        case = files.submitted()
        case_id, reference = case.id, case.reference
    client.signin("citizen@demo.ma")
    home = client.get("/").get_data(as_text=True)
    assert "(1 unread)" in home
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert reference in inbox and "This message is your receipt." in inbox
    with app.app_context():
        notification_id = db.session.scalar(sa.select(Notification.id))
    opened = client.post(f"/notifications/{notification_id}", form_url="/notifications/")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/permits/{case_id}"
    assert "unread)" not in client.get("/").get_data(as_text=True)
    # Read now: its address (a tapped push) goes straight to the case.
    again = client.get(f"/notifications/{notification_id}")
    assert again.status_code == 303 and again.headers["Location"] == f"/permits/{case_id}"
    # Someone else's notification does not exist for them.
    other = make_client()
    other.signin("clerk@demo.ma")
    assert other.get(f"/notifications/{notification_id}").status_code == 404
    assert other.post(f"/notifications/{notification_id}", form_url="/notifications/").status_code == 404


def test_opening_a_notifications_address_changes_nothing_reading_it_is_a_post(app, client, demo, files):
    with app.app_context():
        files.submitted()
        notification_id = db.session.scalar(sa.select(Notification.id))
    client.signin("citizen@demo.ma")
    page = client.get(f"/notifications/{notification_id}")  # a link another site shows, an <img>, a prefetch
    assert page.status_code == 200 and "This message is your receipt." in page.get_data(as_text=True)
    assert "(1 unread)" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is None
    # The page's form (sent at once by the page script, one tap without it) needs the CSRF token.
    assert f'action="/notifications/{notification_id}"' in page.get_data(as_text=True)
    assert client.raw.post(f"/notifications/{notification_id}").status_code == 400
    assert (
        client.post(f"/notifications/{notification_id}", form_url=f"/notifications/{notification_id}").status_code
        == 303
    )
    assert "unread)" not in client.get("/").get_data(as_text=True)


def test_mark_all_as_read(app, client, demo, files):
    with app.app_context():
        case = files.submitted()
        permits.mark_complete(case, user("clerk@demo.ma"))
    client.signin("citizen@demo.ma")
    assert "(2 unread)" in client.get("/notifications/").get_data(as_text=True)
    assert client.post("/notifications/read", form_url="/notifications/").status_code == 303
    page = client.get("/notifications/").get_data(as_text=True)
    assert "unread)" not in page and "Mark all as read" not in page


def test_the_inbox_needs_an_account(client, demo):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_clerks_are_told_of_deadlines_once_per_case_and_threshold(app, demo, files):
    with app.app_context():
        soon, late = files.submitted(), files.submitted()
        clerk = user("clerk@demo.ma")
        for case in (soon, late):
            permits.mark_complete(case, clerk)
        # The legal clock (15 days) started long ago for one file, 13 days ago for the other.
        late.clock_started_on = permits.today() - timedelta(days=60)
        soon.clock_started_on = permits.today() - timedelta(days=13)
        db.session.commit()
        left = permits.clock_summary(soon)["days_left"]
        assert 0 <= left <= app.config["DEADLINE_WARNING_DAYS"]
        complaint = get(app, file(app))
        complaint.received_at = utcnow() - timedelta(days=20)  # not acknowledged within 15 days
        db.session.commit()
        references = soon.reference, late.reference, complaint.reference
        first = jobs.run(jobs.remind_deadlines, app)
        assert jobs.run(jobs.remind_deadlines, app) == 0  # once per case and threshold
    texts = {text for kind, text in told(app, "clerk@demo.ma") if kind.startswith("deadline.")}
    assert first == 3 * 2  # the clerk and the commune's admin
    assert any(references[0] in t and "legal deadline ends on" in t for t in texts)
    assert any(references[1] in t and "legal deadline passed on" in t for t in texts)
    assert any(references[2] in t and "15-day deadline to acknowledge it passed" in t for t in texts)
    assert told(app, "clerk2@demo.ma") == []  # another commune's clerk hears nothing of it
