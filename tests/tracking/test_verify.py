"""/verify/<code>: what a permit's QR code opens."""

from datetime import timedelta

import pytest

from app.core.dates import today
from app.extensions import db
from app.permits import services
from app.tracking.services import mask_name


def _issued(app, files) -> tuple[int, str]:
    with app.app_context():
        case = files.submitted()
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, "Keep the facade white")
        services.issue(case, admin)
        result = case.id, case.verify_code
        db.session.remove()
    return result


def test_a_valid_permit(app, client, demo, files):
    case_id, code = _issued(app, files)
    response = client.get(f"/verify/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid permit" in page and "Building permit (small project)" in page
    assert "Mo***** El Am****" in page and "Mohamed" not in page
    assert "Quartier Souika, Chefchaouen" in page
    with app.app_context():
        case = files.load(app, case_id)
        assert case.permit_number in page
    assert response.headers["Cache-Control"] == "no-cache"


def test_a_revoked_permit(app, client, demo, files):
    case_id, code = _issued(app, files)
    with app.app_context():
        services.revoke(files.load(app, case_id), files.user("admin@demo.ma"), "Works differ from the plans")
        db.session.remove()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked permit" in page and "Valid permit" not in page
    assert "Works differ from the plans" not in page


def test_an_expired_permit(app, client, demo, files):
    case_id, code = _issued(app, files)
    with app.app_context():
        case = files.load(app, case_id)
        case.valid_until = today() - timedelta(days=1)
        db.session.commit()
        db.session.remove()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Expired permit" in page and "Valid permit" not in page


def test_an_unknown_code_is_404(client, demo):
    assert client.get("/verify/not-a-real-code").status_code == 404


def test_staff_of_another_commune_can_verify_too(app, client, demo, files):
    _, code = _issued(app, files)
    client.signin("clerk2@demo.ma")
    assert "Valid permit" in client.get(f"/verify/{code}").get_data(as_text=True)


@pytest.mark.parametrize(
    "name, masked",
    [
        ("Mohamed El Amrani", "Mo***** El Am****"),
        ("  Ali   Ba ", "Al* Ba"),
        ("محمد العلوي", "مح** ال****"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_are_partly_masked(name, masked):
    assert mask_name(name) == masked
