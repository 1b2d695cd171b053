"""A bidi control typed into a name, an address or a description must not reorder the app's own
text: the ones left open are dropped as the form reads them, and user-written values are
isolated where they are shown (the CIN stays after the applicant's name on the certificate)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

import app as app_package
from app.api.services import issue_key
from app.complaints.models import Complaint
from app.core.bidi import drop_unpaired_bidi
from app.core.forms import Form
from app.extensions import db
from app.permits import services
from app.permits.models import PermitCase
from tests.api.helpers import BASE, report
from tests.complaints.helpers import CHEFCHAOUEN_CODE, choose_commune, filing_form
from tests.permits.test_apply import fill_everything, start

RLO, PDF, RLI, PDI, LRE = "\u202e", "\u202c", "\u2067", "\u2069", "\u202a"
CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (f"Ali{RLO} Alaoui", "Ali Alaoui"),
        (f"{PDF}Ali{PDI}", "Ali"),  # closers with nothing open
        (f"a {RLO}b{PDF} c", f"a {RLO}b{PDF} c"),  # paired: kept, it can be meant
        (f"a {RLI}b{PDI} c", f"a {RLI}b{PDI} c"),
        (f"a {RLI}b{LRE}c{PDI} d", f"a {RLI}bc{PDI} d"),  # the PDI closes its isolate, not the LRE
        (f"a {RLO}b\nc{PDF}", "a b\nc"),  # a control's reach ends with the line
        ("محمد العلوي\u200f", "محمد العلوي\u200f"),  # marks (RLM, LRM) reorder nothing after them
        ("", ""),
        (None, None),
    ],
)
def test_unpaired_controls_are_dropped_paired_ones_kept(typed, kept):
    assert drop_unpaired_bidi(typed) == kept


def test_every_form_of_the_app_drops_them():
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("app.")]
    assert len(ours) > 30
    assert [form.__qualname__ for form in ours if not issubclass(form, Form)] == []


def test_the_certificate_keeps_the_cin_after_a_name_typed_with_an_override(app, client, demo, files):
    client.signin("citizen@demo.ma")
    url = start(client, app)
    fill_everything(client, url)
    response = client.post(
        f"{url}/applicant",
        {
            "applicant_name": f"Mohamed{RLO} El Amrani",
            "applicant_cin": "ab 123456",
            "applicant_phone": "0612345678",
            "applicant_address": f"12 rue Outa Hammam{RLO}, Chefchaouen",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(sa.select(PermitCase))
        assert (case.applicant_name, case.applicant_address) == ("Mohamed El Amrani", "12 rue Outa Hammam, Chefchaouen")
        services.submit(case, case.applicant)
        admin = files.user("admin@demo.ma")
        services.mark_complete(case, admin)
        files.give_opinions(case)
        services.approve(case, admin, "White walls")
        services.issue(case, admin)
        case_id = case.id
    page = client.get(f"/permits/{case_id}/certificate").get_data(as_text=True)
    assert not CONTROLS & set(page)
    # The name isolated, then the CIN after it, in its own left-to-right run.
    assert '<bdi>Mohamed El Amrani</bdi> — <span dir="ltr">AB123456</span>' in page


def test_a_complaint_and_an_open311_report_lose_them_too(app, client, demo):
    form = filing_form(app, description=f"A pothole{RLO} in front of the school.", location_text=f"Hay{RLO} Souika")
    choose_commune(client, CHEFCHAOUEN_CODE)
    assert client.post("/complaints/new", form, form_url="/complaints/new").status_code == 303
    with app.app_context():
        _, api_key = issue_key("Test client")
    posted = report(api_key, description=f"Un trou{RLO} devant l'école.", first_name=f"Rachida{RLO}")
    assert app.test_client().post(f"{BASE}/requests.json", data=posted).status_code == 201
    with app.app_context():
        stored = db.session.scalars(sa.select(Complaint).order_by(Complaint.id)).all()
        texts = [value for c in stored for value in (c.description, c.location_text, c.contact_name) if value]
        assert "A pothole in front of the school." in texts and "Un trou devant l'école." in texts
        assert "Hay Souika" in texts and "Rachida" in texts
        assert not [text for text in texts if CONTROLS & set(text)]
