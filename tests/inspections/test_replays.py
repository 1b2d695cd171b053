"""A key already used is a replay only when it is the same report: a copy of the form kept on the
phone (the page opened offline from the service worker's copy) sends the key it was served with,
and the next report written in it must not be taken for the first one and dropped."""

from __future__ import annotations

from tests.inspections.helpers import complaint_to_check, permit_in_site_visit, report_form, reports, send


def spot(client, findings: str, key: str = "served-once"):
    form = report_form(
        key=key,
        infraction="unauthorised_construction",
        address="Derb Souika",
        findings=findings,
        outcome="not_compliant",
    )
    return client.post("/inspections/new", form, content_type="multipart/form-data", form_url="/inspections/new")


def test_a_second_infraction_written_in_a_kept_copy_of_the_form_is_filed_too(app, client, demo):
    client.signin("agent@demo.ma")
    first = spot(client, "Un étage ajouté sans autorisation.")
    again = spot(client, "Un étage ajouté sans autorisation.")  # the outbox replaying it: the same report
    second = spot(client, "Un mur de clôture construit sur la voie.")  # the next one, same key
    assert first.status_code == again.status_code == second.status_code == 303
    assert again.location == first.location and second.location != first.location
    with app.app_context():
        assert sorted(r.findings for r in reports()) == [
            "Un mur de clôture construit sur la voie.",
            "Un étage ajouté sans autorisation.",
        ]


def test_a_report_for_another_inspection_with_a_used_key_is_filed_for_that_inspection(app, client, demo):
    _, visit = permit_in_site_visit(app)
    _, check = complaint_to_check(app)
    client.signin("agent@demo.ma")
    first = send(client, visit, report_form(key="served-once"))
    second = send(client, check, report_form(key="served-once"))  # same findings, another inspection
    assert first.status_code == second.status_code == 303 and first.location != second.location
    with app.app_context():
        assert sorted(r.inspection_id for r in reports()) == sorted([visit, check])


def test_another_report_for_an_inspection_already_reported_is_refused_not_silently_dropped(app, client, demo):
    _, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    send(client, inspection_id, report_form(key="served-once"))
    other = send(client, inspection_id, report_form(key="served-once", findings="Autre constat."))
    assert other.status_code == 422  # the phone keeps this draft and says why
    with app.app_context():
        assert len(reports()) == 1
