"""A report posted through Open311 is a complaint like any other; filters, paging,
idempotency; never any personal data in what the API shows."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.api.services import issue_key
from app.complaints import services
from app.complaints.models import ApiClient, Complaint
from app.complaints.workflow import Kind, Outcome, Status
from app.core.channels import Channel
from app.extensions import db
from app.models import User
from tests.api.helpers import BASE, CHEFCHAOUEN, TIZNIT, json_of, report, validate, xml_items

J = f"jurisdiction_id={CHEFCHAOUEN}"
PRIVATE = {
    "email": "rachida.private@example.ma",
    "first_name": "Rachida",
    "last_name": "Zeroual",
    "phone": "06 61 23 45 67",
}


def post(api, key, **overrides):
    response = api.post(f"{BASE}/requests.json", data=report(key, **overrides), headers=overrides.pop("headers", {}))
    assert response.status_code in (200, 201), response.data
    return json_of(response)[0]["service_request_id"]


def test_posted_report_is_a_complaint_in_the_communes_queue(api, app, api_key):
    reference = post(api, api_key, **PRIVATE)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.commune.code == CHEFCHAOUEN
        assert complaint.category.code == "roads" and complaint.department == "Service de la voirie"
        assert complaint.status == Status.RECEIVED and complaint.kind == Kind.COMPLAINT
        assert complaint.channel is Channel.OPEN311
        assert complaint.api_client_id == db.session.scalar(sa.select(ApiClient.id))
        assert complaint.reference == f"C-{datetime.now(UTC).year}-{complaint.id:06d}"
        assert complaint.tracking_code and complaint.author_id is None
        # Contact details are kept for the clerks, never shown by the API.
        assert complaint.contact_email == PRIVATE["email"]
        assert complaint.contact_name == "Rachida Zeroual"
        assert complaint.contact_phone == "0661234567"
        assert complaint.latitude == pytest.approx(35.1688123) and complaint.location_text.startswith("Rue Hassan II")
        assert [e.event for e in complaint.events] == ["received"]


def test_the_other_commune_gets_its_own_reports(api, app, api_key):
    mine = post(api, api_key)
    theirs = post(api, api_key, jurisdiction_id=TIZNIT, service_code="waste")
    assert [r["service_request_id"] for r in json_of(api.get(f"{BASE}/requests.json?{J}"))] == [mine]
    assert [r["service_request_id"] for r in json_of(api.get(f"{BASE}/requests.json?jurisdiction_id={TIZNIT}"))] == [
        theirs
    ]


def test_clerk_of_another_commune_signed_in_does_not_narrow_the_api(api_key, app, make_client):
    """The commune wall is for staff pages: the API shows every open commune's public data."""
    clerk2 = make_client()
    post(clerk2.raw, api_key)
    assert clerk2.signin("clerk2@demo.ma").status_code == 303
    response = clerk2.raw.get(f"{BASE}/requests.json?{J}")
    assert len(json_of(response)) == 1
    assert json_of(clerk2.raw.get(f"{BASE}/services.json?{J}"))


def test_idempotency_key_gives_back_the_same_request(api, app, api_key):
    first = api.post(f"{BASE}/requests.json", data=report(api_key), headers={"Idempotency-Key": "outbox-42"})
    again = api.post(f"{BASE}/requests.xml", data=report(api_key), headers={"Idempotency-Key": "outbox-42"})
    assert first.status_code == 201 and again.status_code == 200
    reference = json_of(first)[0]["service_request_id"]
    assert xml_items(again, "service_requests", "request")[0]["service_request_id"] == reference
    other = api.post(f"{BASE}/requests.json", data=report(api_key), headers={"Idempotency-Key": "outbox-43"})
    assert json_of(other)[0]["service_request_id"] != reference
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 2


def test_idempotency_keys_are_per_client(api, app, api_key):
    with app.app_context():
        _, other_key = issue_key("Other client")
    first = post(api, api_key, headers={"Idempotency-Key": "same"})
    second = post(api, other_key, headers={"Idempotency-Key": "same"})
    assert first != second


def test_without_idempotency_key_each_post_is_a_new_complaint(api, api_key):
    assert post(api, api_key) != post(api, api_key)


def test_address_alone_or_position_alone_is_enough(api, api_key):
    post(api, api_key, lat=None, long=None)
    post(api, api_key, address_string=None)


def test_media_url_and_attributes_are_ignored(api, api_key):
    post(api, api_key, media_url="https://example.org/photo.jpg", **{"attribute[depth]": "deep"})


def test_no_personal_data_in_any_output(api, app, api_key):
    reference = post(api, api_key, **PRIVATE)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        tracking_code = complaint.tracking_code
    secrets = [PRIVATE["email"], "Rachida", "Zeroual", "0661234567", "61 23 45 67", tracking_code, "Test client"]
    urls = [
        f"/requests.{{fmt}}?{J}",
        f"/requests/{reference}.{{fmt}}",
        f"/requests.{{fmt}}?{J}&service_request_id={reference}",
        f"/services.{{fmt}}?{J}",
        "/discovery.{fmt}",
    ]
    for url in urls:
        for fmt in ("json", "xml"):
            body = api.get(BASE + url.format(fmt=fmt)).get_data(as_text=True)
            for secret in secrets:
                assert secret not in body, (url, fmt, secret)
    created = api.post(f"{BASE}/requests.json", data=report(api_key, **PRIVATE)).get_data(as_text=True)
    for secret in secrets:
        assert secret not in created
    keys = set(json_of(api.get(f"{BASE}/requests/{reference}.json"))[0])
    assert not keys & {"email", "first_name", "last_name", "phone", "account_id", "device_id", "author", "contact_name"}


def _backdate(app, reference, days):
    with app.app_context():
        db.session.execute(
            sa.update(Complaint)
            .where(Complaint.reference == reference)
            .values(received_at=datetime.now(UTC) - timedelta(days=days))
        )
        db.session.commit()


def ids(api, query="", fmt="json"):
    response = api.get(f"{BASE}/requests.{fmt}?{J}&{query}")
    assert response.status_code == 200, response.data
    if fmt == "xml":
        return [i["service_request_id"] for i in xml_items(response, "service_requests", "request")]
    data = json_of(response)
    validate("requests.json", data)
    return [r["service_request_id"] for r in data]


@pytest.fixture
def five(api, app, api_key):
    """Five reports, received 40, 30, 20, 10 and 0 days ago; the 30-day one answered."""
    refs = []
    for days, code in ((40, "roads"), (30, "lighting"), (20, "roads"), (10, "waste"), (0, "roads")):
        reference = post(api, api_key, service_code=code)
        _backdate(app, reference, days)
        refs.append(reference)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == refs[1]))
        clerk = db.session.scalar(sa.select(User).where(User.email == "clerk@demo.ma"))
        services.acknowledge(complaint, clerk, complaint.category.department)
        services.answer(complaint, clerk, Outcome.RESOLVED, "Fixed.")
        db.session.remove()
    return refs


def test_filters(api, five):
    newest_first = five[::-1]
    assert ids(api) == newest_first
    assert ids(api, "service_code=roads") == [five[4], five[2], five[0]]
    assert ids(api, "service_code=roads,waste") == [five[4], five[3], five[2], five[0]]
    assert ids(api, "status=closed") == [five[1]]
    assert ids(api, "status=open") == [r for r in newest_first if r != five[1]]
    assert ids(api, "status=open,closed") == newest_first
    assert ids(api, "status=") == newest_first  # empty counts as absent
    since = (datetime.now(UTC) - timedelta(days=25)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (datetime.now(UTC) - timedelta(days=5)).isoformat(timespec="seconds").replace("+00:00", "%2B00:00")
    assert ids(api, f"start_date={since}") == [five[4], five[3], five[2]]
    assert ids(api, f"end_date={until}") == [five[3], five[2], five[1], five[0]]
    assert ids(api, f"start_date={since}&end_date={until}&service_code=roads") == [five[2]]
    assert ids(api, f"service_request_id={five[0]},{five[3].lower()}") == [five[3], five[0]]
    # With service_request_id the other filters are ignored, as the spec says.
    assert ids(api, f"service_request_id={five[1]}&status=open") == [five[1]]
    assert ids(api, "service_code=roads", fmt="xml") == [five[4], five[2], five[0]]


def test_paging(api, five):
    response = api.get(f"{BASE}/requests.json?{J}&page_size=2")
    assert response.headers["X-Total-Count"] == "5"
    assert ids(api, "page_size=2") == five[::-1][:2]
    assert ids(api, "page_size=2&page=2") == five[::-1][2:4]
    assert ids(api, "page_size=2&page=3") == five[::-1][4:]
    assert ids(api, "page_size=2&page=4") == []
    assert ids(api, "page_size=2&page=2", fmt="xml") == five[::-1][2:4]
    assert ids(api, "page=1&page_size=") == five[::-1]


@pytest.mark.parametrize(
    "name",
    ["service_request_id", "service_code", "status", "start_date", "end_date", "page", "page_size", "locale"],
)
def test_an_empty_filter_counts_as_absent(api, five, name):
    assert ids(api, f"{name}=") == ids(api) == five[::-1]
    assert ids(api, f"{name}=%20") == five[::-1]


@pytest.mark.parametrize(
    "name", ["email", "phone", "first_name", "last_name", "address_id", "device_id", "account_id", "media_url"]
)
def test_an_empty_optional_field_of_a_report_counts_as_absent(api, app, api_key, name):
    reference = post(api, api_key, **{name: ""})
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert (complaint.contact_email, complaint.contact_phone, complaint.contact_name) == (None, None, None)


def test_an_empty_position_with_an_address_counts_as_absent(api, app, api_key):
    reference = post(api, api_key, lat="", long="")
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert complaint.latitude is None and complaint.location_text.startswith("Rue Hassan II")


def test_past_the_count_limit_the_total_is_left_out_and_the_next_page_is_linked(api, five, app, monkeypatch):
    """A big commune's total is not counted on every call: past COUNT_LIMIT only the link says more."""
    monkeypatch.setitem(app.config, "COUNT_LIMIT", 3)
    first = api.get(f"{BASE}/requests.json?{J}&page_size=2")
    assert "X-Total-Count" not in first.headers
    following = first.headers["Link"].split(">")[0].lstrip("<")
    assert 'rel="next"' in first.headers["Link"] and "page=2" in following
    assert [item["service_request_id"] for item in api.get(following).get_json()] == five[::-1][2:4]
    last = api.get(f"{BASE}/requests.json?{J}&page_size=2&page=3")  # counted as far as its own end
    assert last.headers["X-Total-Count"] == "5" and "Link" not in last.headers
    assert api.get(f"{BASE}/requests.json?{J}&page_size=5").headers["X-Total-Count"] == "5"
