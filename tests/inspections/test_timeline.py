"""An inspection has a timeline like every case: who asked for it, who assigned it to whom, who
cancelled it, and when — on its page, for the staff."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.inspections.models import Inspection
from tests.inspections.helpers import permit_in_site_visit


def history(page: str) -> str:
    return page[page.index('id="history-title"') :]


def test_assignment_and_cancellation_are_on_the_timeline_with_who_and_when(app, client, demo):
    _case_id, inspection_id = permit_in_site_visit(app, agent=None)
    client.signin("clerk@demo.ma")
    url = f"/inspections/{inspection_id}"
    desk = f"/desk/inspections/{inspection_id}"
    assigned = client.post(f"{desk}/assign", {"agent": demo["agent@demo.ma"], "due_on": ""}, form_url=url)
    assert assigned.status_code == 303
    cancelled = client.post(f"{desk}/cancel", form_url=url)
    assert cancelled.status_code == 303

    page = history(client.get(url).get_data(as_text=True))
    entries = re.findall(r'<li class="timeline-entry[^"]*" data-event="(\w+)">(.*?)</li>', page, re.S)
    assert [event for event, _ in entries] == ["requested", "assign", "cancel"]
    _requested, assign, cancel = (text for _, text in entries)
    assert "Assigned to <bdi>Youssef El Amrani</bdi>" in assign
    for text in (assign, cancel):  # the clerk who did it, by name, and when
        assert "فاطمة الزهراء بناني" in text and "<time>" in text
    with app.app_context():
        inspection = db.session.scalar(sa.select(Inspection).where(Inspection.id == inspection_id))
        clerk = demo["clerk@demo.ma"]
        assert [(e.event, e.actor_id, e.status.value) for e in inspection.events] == [
            ("requested", clerk, "requested"),
            ("assign", clerk, "assigned"),
            ("cancel", clerk, "cancelled"),
        ]
        assert inspection.events[1].at <= inspection.events[2].at


def test_an_agents_report_is_on_the_inspections_timeline(app, client, demo):
    from tests.inspections.helpers import report_form, send

    _case_id, inspection_id = permit_in_site_visit(app)
    client.signin("agent@demo.ma")
    assert send(client, inspection_id, report_form()).status_code == 303
    page = history(client.get(f"/inspections/{inspection_id}").get_data(as_text=True))
    assert 'data-event="report"' in page and "The report was filed: Compliant." in page
