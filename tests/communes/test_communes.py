import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Commune


def test_all_1503_communes_are_loaded_with_their_province_and_region(app):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Commune)) == 1503
        tanger = db.session.scalar(sa.select(Commune).where(Commune.code == "01.511.01.0"))
        assert (tanger.name_fr, tanger.name_ar) == ("Tanger", "طنجة")
        assert tanger.province_fr == "Tanger-Assilah" and tanger.region_ar == "طنجة-تطوان-الحسيمة"


def test_importing_again_changes_nothing(app):
    from app.communes.services import import_communes

    with app.app_context():
        assert import_communes() == (0, 0)


@pytest.mark.parametrize("query", ["chefchaouen", "Chefchaouen", "شفشاون", "CHEF", "01.151"])
def test_citizens_find_an_open_commune_without_javascript(client, demo, query):
    page = client.get(f"/communes/?q={query}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<!doctype html>" in page and 'name="q"' in page
    assert 'value="01.151.01.01"' in page
    assert 'value="09.581.01.07"' not in page


def test_accents_and_hyphens_do_not_matter(client, demo, app):
    from app.communes.services import get_by_code, open_commune

    with app.app_context():
        open_commune(get_by_code("01.571.01.11"))  # Tétouan
    page = client.get("/communes/?q=tetouan", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Tétouan" in page


def test_a_commune_that_is_not_open_is_not_offered(client, demo):
    page = client.get("/communes/?q=Tanger", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="01.511.01.0"' not in page
    assert "No open commune matches" in page


def test_htmx_live_search_gets_only_the_results(client, demo):
    response = client.get("/communes/?q=tiz", headers={"HX-Request": "true", "HX-Target": "commune-results"})
    page = response.get_data(as_text=True)
    assert "<html" not in page and "<header" not in page
    assert 'value="09.581.01.07"' in page


def test_a_history_restore_gets_the_full_page(client, demo):
    page = client.get(
        "/communes/?q=tiz", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).get_data(as_text=True)
    assert "<!doctype html>" in page


def test_a_boosted_navigation_gets_the_page_without_its_head(client):
    page = client.get("/signin", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert page.startswith("<title>") and "<head>" not in page and "<header" in page


def test_choosing_a_commune_remembers_it_for_a_visitor(client, demo):
    response = client.post("/communes/choose", {"code": "09.581.01.07"}, form_url="/communes/")
    assert response.status_code == 303
    home = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Tiznit" in home
    signup = client.get("/signup").get_data(as_text=True)
    assert "selected" in signup.split("Tiznit")[0].rsplit("<option", 1)[1]


def test_choosing_a_commune_is_stored_on_a_citizens_account(client, app, demo):
    from app.models import User

    client.signin("citizen@demo.ma")
    client.post("/communes/choose", {"code": "09.581.01.07"}, form_url="/communes/")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "citizen@demo.ma"))
        assert user.commune.code == "09.581.01.07"


def test_a_closed_commune_cannot_be_chosen(client, demo):
    assert client.post("/communes/choose", {"code": "01.511.01.0"}, form_url="/communes/").status_code == 404


def test_a_national_admin_opens_a_commune(client, app, demo):
    client.signin("national@demo.ma")
    listing = client.get("/admin/communes?q=Tanger").get_data(as_text=True)
    assert "01.511.01.0" in listing
    assert client.post("/admin/communes/open", {"code": "01.511.01.0"}, form_url="/admin/communes").status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(Commune).where(Commune.code == "01.511.01.0")).is_open
