"""The permit queue's order at any size: overdue first, then fewest days left, whatever each
file's rule (calendar or working days), its pauses, and the holidays added after it started —
and a page costs a few small statements however many files the commune holds."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.complaints import models as complaints
from app.complaints import workflow as complaint_flow
from app.core import dates
from app.extensions import db
from app.permits import models as permits
from app.permits import services
from app.permits import workflow as permit_flow
from app.permits.models import Holiday, PermitCase, PermitType
from app.permits.workflow import OPEN

SATURDAY = date(2026, 11, 21)  # the queue is read on a weekend: calendar and working days part ways
ADDED_HOLIDAY = date(2026, 11, 16)  # a Monday inside most clocks, added once they run


@pytest.fixture
def on_saturday(monkeypatch):
    moment = datetime(2026, 11, 21, 10, 0, tzinfo=dates.MOROCCO).astimezone(dates.UTC)
    monkeypatch.setattr(dates, "frozen_at", moment)


@pytest.fixture
def repairs_in_working_days(app):
    """Repair permits count working days (as an admin may set); put the type back after."""
    with app.app_context():
        repair = db.session.scalar(sa.select(PermitType).where(PermitType.code == "repair"))
        before, repair.working_days = repair.working_days, True
        db.session.commit()
        db.session.remove()
    yield
    with app.app_context():
        db.session.scalar(sa.select(PermitType).where(PermitType.code == "repair")).working_days = before
        db.session.execute(sa.delete(Holiday).where(Holiday.day == ADDED_HOLIDAY))
        db.session.commit()
        db.session.remove()


def _file(app, files, started_days_ago: int | None, type_code="building_small", paused_days_ago=None, paused_days=0):
    """A file whose clock started ``started_days_ago`` days ago (None: not started), paused
    ``paused_days_ago`` days ago, with ``paused_days`` counted days of earlier pauses."""
    with app.app_context():
        case = files.submitted(type_code=type_code)
        if started_days_ago is not None:
            services.mark_complete(case, files.user("clerk@demo.ma"))
            case.clock_started_on = dates.today() - timedelta(days=started_days_ago)
            case.paused_days = paused_days
            if paused_days_ago is not None:
                case.paused_since = dates.today() - timedelta(days=paused_days_ago)
            db.session.commit()
        reference = case.reference
        db.session.remove()
    return reference


def _expected(app) -> list[tuple[str, int | None]]:
    """The open files in the order the desk promises, each with its days left, as the file's own
    clock counts them today (app/permits/clock.py): started files by days left (ties: the first
    submitted first, then the last touched, then the newest), then files whose clock has not
    started, in the same order."""
    with app.app_context():
        holidays, on = services.holidays(), dates.today()
        cases = db.session.scalars(
            sa.select(PermitCase)
            .where(PermitCase.status.in_(OPEN))
            .order_by(PermitCase.submitted_at, PermitCase.updated_at.desc(), PermitCase.id.desc())
        ).all()
        started = [(c.reference, c.clock.left(on, holidays)) for c in cases if c.clock_started_on is not None]
        waiting = [(c.reference, None) for c in cases if c.clock_started_on is None]
        db.session.remove()
    return sorted(started, key=lambda row: row[1]) + waiting


def _shown(page: str) -> list[tuple[str, int | None]]:
    """The queue's rows as shown: each reference with the days left it says."""
    rows = []
    for row in re.findall(r"<tr[ >].*?</tr>", page, re.S):
        reference = re.search(r"P-\d{4}-\d+", row)
        if reference is None:
            continue
        left = re.search(r"(\d+) days? (left|overdue)", row)
        days = None if left is None else int(left.group(1)) * (1 if left.group(2) == "left" else -1)
        rows.append((reference.group(0), days))
    return rows


def _queue(client) -> list[tuple[str, int | None]]:
    return _shown(client.get("/desk/permits").get_data(as_text=True))


def test_overdue_first_then_days_left_across_rules_pauses_and_a_holiday_added_later(
    app, client, demo, files, on_saturday, repairs_in_working_days
):
    calendar = [_file(app, files, days) for days in (2, 20, 15, 10, 16, 14)]  # 15 calendar days
    working = [_file(app, files, days, "repair") for days in (4, 12, 22, 25, 8, 19)]  # 15 working days
    paused = [
        _file(app, files, 10, paused_days_ago=4),
        _file(app, files, 9, "repair", paused_days_ago=2),
        _file(app, files, 30, paused_days_ago=1, paused_days=12),  # overdue when paused
    ]
    resumed = [_file(app, files, 20, paused_days=6), _file(app, files, 16, "repair", paused_days=3)]
    waiting = [_file(app, files, None), _file(app, files, None, "repair")]
    everything = calendar + working + paused + resumed + waiting
    client.signin("clerk@demo.ma")

    expected = _expected(app)
    assert sorted(r for r, _ in expected) == sorted(everything)
    lefts = [left for _, left in expected if left is not None]
    assert min(lefts) < 0 < max(lefts) and len(set(lefts)) > 8  # a real mix, not a tie
    assert _queue(client) == expected

    national = type(client)(app.test_client())
    national.signin("national@demo.ma")
    response = national.post(
        "/admin/holidays", {"day": ADDED_HOLIDAY.isoformat(), "name": "Fête ajoutée", "name_ar": "عيد مضاف"}
    )
    assert response.status_code == 303
    with_holiday = _expected(app)
    assert with_holiday != expected  # the holiday moved the working-day files
    assert _queue(client) == with_holiday

    with app.app_context():
        holiday_id = db.session.scalar(sa.select(Holiday.id).where(Holiday.day == ADDED_HOLIDAY))
    response = national.post(f"/admin/holidays/{holiday_id}/delete", {}, form_url="/admin/holidays")
    assert response.status_code == 303
    assert _queue(client) == expected


def test_each_file_keeps_its_legal_due_date_as_its_page_counts_it(
    app, client, demo, files, on_saturday, repairs_in_working_days
):
    references = [
        _file(app, files, 3),
        _file(app, files, 6, "repair"),
        _file(app, files, 5, paused_days_ago=2),
        _file(app, files, 12, "repair", paused_days=2),
    ]

    def due_dates():
        with app.app_context():
            holidays, on = services.holidays(), dates.today()
            cases = db.session.scalars(sa.select(PermitCase).where(PermitCase.reference.in_(references))).all()
            pairs = {c.reference: (c.due_on, c.clock.deadline(c.paused_since or on, holidays)) for c in cases}
            db.session.remove()
        return pairs

    before = due_dates()
    assert all(stored == counted for stored, counted in before.values())
    assert before[references[1]][0] == date(2026, 12, 7)  # from Sunday 15 November, 15 working days (18th: a holiday)
    with app.app_context():
        db.session.add(Holiday(day=ADDED_HOLIDAY, name="Fête ajoutée"))
        db.session.commit()
        db.session.remove()
    moved = due_dates()
    assert all(stored == counted for stored, counted in moved.values())
    assert moved[references[1]][0] == date(2026, 12, 8)  # one working day later for the holiday


class Statements:
    """Every statement the database is sent while it listens: how many, and their parameters."""

    def __init__(self, engine) -> None:
        self.engine, self.parameters = engine, []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.parameters.append(len(parameters or ()))


def test_a_queue_page_costs_a_few_small_statements_however_many_files_are_open(
    app, client, demo, files, on_saturday, repairs_in_working_days
):
    """The old queue loaded every open file into Python and sent its ids back, three parameters
    a file: at 13 k open files one statement carried 40 k parameters (over SQLite's limit)."""
    for days in range(14):
        _file(app, files, days, "repair" if days % 2 else "building_small", paused_days_ago=1 if days == 5 else None)
    client.signin("clerk@demo.ma")
    for url in ("/desk/permits", "/desk/permits?page=2", "/desk/permits?status=under_review"):
        client.get(url)  # the session and the caches are warm: what is left is the page's own work
        with app.app_context(), Statements(db.engine) as seen:
            assert client.get(url).status_code == 200
        assert len(seen.parameters) <= 12, url  # the user, the types, the holidays, a count, a page or two
        assert max(seen.parameters) <= 24, url  # the statuses of each part, the day: not one per file


def test_the_count_is_the_communes_own(app, make_client, demo, files, on_saturday, repairs_in_working_days):
    for days in (None, 3, 20):
        _file(app, files, days)
    clerk, other = make_client(), make_client()
    clerk.signin("clerk@demo.ma")
    other.signin("clerk2@demo.ma")
    assert "3 files" in clerk.get("/desk/permits").get_data(as_text=True)
    page = other.get("/desk/permits").get_data(as_text=True)
    assert "No file yet." in page and "3 files" not in page and "0 files" in page


def test_the_queues_sql_names_the_open_statuses_of_each_workflow():
    """The parts are written out in SQL (for the partial indexes): they must say what the workflows say."""

    def named(sql: str) -> set[str]:
        return set(re.findall(r"'(\w+)'", sql))

    assert named(permits.OPEN_SQL) == {s.value for s in permit_flow.OPEN}
    assert named(permits.CLOSED_SQL) == {s.value for s in permit_flow.Status} - {"draft"} - named(permits.OPEN_SQL)
    assert named(complaints.OPEN_SQL) == {s.value for s in complaint_flow.OPEN}
