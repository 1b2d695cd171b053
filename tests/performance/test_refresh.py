"""When the figures are refreshed (the worker once a day, the command by hand), and the channel each
case records for them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.complaints.models import Complaint
from app.core.channels import Channel
from app.extensions import db
from app.notifications import worker
from app.performance.models import PerformanceFigure
from app.permits.models import PermitCase
from tests.complaints import helpers as complaints
from tests.performance import scenario


def refreshed(app) -> dict[str, object]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(PerformanceFigure.commune_id, sa.func.max(PerformanceFigure.refreshed_at)).group_by(
                PerformanceFigure.commune_id
            )
        ).all()
        db.session.remove()
    return dict(rows)


def test_the_worker_refreshes_every_open_commune_once_a_day(app, demo, clock):
    def work() -> None:
        with app.app_context():
            worker.run(once=True)

    clock.at("2026-05-15 01:00")
    work()
    first = refreshed(app)
    assert len(first) == 2  # the two open demo communes
    clock.at("2026-05-15 23:00")
    work()
    assert refreshed(app) == first  # same day: nothing recomputed
    clock.at("2026-05-16 00:30")
    work()
    assert all(later > first[commune] for commune, later in refreshed(app).items())


def test_the_command_refreshes_one_commune_or_all(app, demo, clock):
    clock.at("2026-05-15 10:00")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["performance", "refresh", "--commune", scenario.CHEFCHAOUEN])
    assert result.exit_code == 0 and f"{scenario.CHEFCHAOUEN}: " in result.output
    assert len(refreshed(app)) == 1
    result = runner.invoke(args=["performance", "refresh"])
    assert result.exit_code == 0 and "2 communes refreshed" in result.output
    result = runner.invoke(args=["performance", "refresh", "--commune", "01.511.01.0"])
    assert result.exit_code != 0 and "no open commune" in result.output


def test_cases_record_their_channel(app, demo, files):
    complaint_id = complaints.file(app)
    with app.app_context():
        case_id = files.submitted().id
        assert complaints.get(app, complaint_id).channel is Channel.WEB
        assert db.session.get(PermitCase, case_id).channel is Channel.WEB


@pytest.mark.parametrize("table", ["complaints", "permit_cases"])
def test_the_database_refuses_an_unknown_channel(app, demo, files, table):
    complaint_id = complaints.file(app)
    with app.app_context():
        case_id = files.submitted().id
        record = complaint_id if table == "complaints" else case_id
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text(f"UPDATE {table} SET channel = 'fax' WHERE id = :id"), {"id": record})
            db.session.flush()
        db.session.rollback()
        for channel in Channel:
            db.session.execute(
                sa.text(f"UPDATE {table} SET channel = :c WHERE id = :id"), {"c": channel.value, "id": record}
            )
        db.session.commit()
        assert db.session.scalar(sa.select(Complaint.channel).where(Complaint.id == complaint_id)) in set(Channel)
