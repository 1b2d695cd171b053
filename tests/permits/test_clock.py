"""The legal deadline clock: pure date arithmetic first, then the clock as the services run it.

Reference dates: 2026-11-30 is a Monday; Morocco's weekend is Saturday and Sunday (Friday is a
working day); 2026-11-06 (Green March) is a Friday and 2026-11-18 (Independence Day) a Wednesday.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import User
from app.permits import services
from app.permits.clock import Clock, advance, counts, days_between
from app.permits.models import PermitCase, PermitType
from app.permits.workflow import Status
from tests.permits.helpers import MINIMAL_PDF

MON = date(2026, 11, 30)
FRI = date(2026, 12, 4)
SAT = date(2026, 12, 5)
SUN = date(2026, 12, 6)
GREEN_MARCH = date(2026, 11, 6)  # a Friday
INDEPENDENCE = date(2026, 11, 18)  # a Wednesday
HOLIDAYS = {GREEN_MARCH, INDEPENDENCE}


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def test_the_reference_dates_are_the_weekdays_the_tests_assume():
    assert [MON.weekday(), FRI.weekday(), SAT.weekday(), SUN.weekday()] == [0, 4, 5, 6]
    assert GREEN_MARCH.weekday() == 4 and INDEPENDENCE.weekday() == 2


# --- which days count ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working_days", "expected"),
    [
        (MON, True, True),
        (FRI, True, True),  # Friday is a working day in Morocco
        (SAT, True, False),
        (SUN, True, False),
        (INDEPENDENCE, True, False),
        (GREEN_MARCH, True, False),
        (SAT, False, True),  # calendar days: every day counts
        (SUN, False, True),
        (INDEPENDENCE, False, True),
    ],
)
def test_which_days_count(day, working_days, expected):
    assert counts(day, working_days, HOLIDAYS) is expected


@pytest.mark.parametrize(
    ("start", "end", "working_days", "expected"),
    [
        (MON, d(12, 7), False, 7),
        (MON, d(12, 7), True, 5),  # Tue..Fri + Mon
        (FRI, d(12, 7), True, 1),  # the weekend does not count, Monday does
        (FRI, SUN, True, 0),
        (FRI, SUN, False, 2),
        (MON, MON, False, 0),  # the start day itself is day 0
        (d(12, 7), MON, False, 0),  # end before start
        (d(11, 16), d(11, 20), True, 3),  # Wed 18 is Independence Day
        (d(11, 16), d(11, 20), False, 4),
        (d(11, 5), d(11, 9), True, 1),  # Green March Friday, then the weekend
    ],
)
def test_days_between_counts_the_days_after_the_start(start, end, working_days, expected):
    assert days_between(start, end, working_days, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("start", "days", "working_days", "expected"),
    [
        (MON, 15, False, d(12, 15)),
        (MON, 15, True, d(12, 21)),  # three weekends skipped
        (MON, 5, True, d(12, 7)),  # Tue..Fri, then Monday: never ends on a weekend
        (FRI, 1, True, d(12, 7)),  # a start on Friday: the first counted day is Monday
        (FRI, 5, True, d(12, 11)),
        (FRI, 1, False, SAT),
        (SAT, 1, True, d(12, 7)),
        (d(11, 16), 3, True, d(11, 20)),  # Independence Day skipped
        (d(11, 5), 1, True, d(11, 9)),  # Green March Friday and the weekend skipped
        (d(11, 16), 3, False, d(11, 19)),  # holidays don't matter in calendar days
        (MON, 0, True, MON),
        (d(12, 28), 5, False, d(1, 2, 2027)),  # across the new year
    ],
)
def test_advance_finds_the_deadline_day(start, days, working_days, expected):
    assert advance(start, days, working_days, HOLIDAYS) == expected


def test_a_holiday_that_falls_on_a_weekend_is_not_skipped_twice():
    saturday_holiday = {SAT}
    assert advance(FRI, 1, True, saturday_holiday) == d(12, 7)


# --- the clock of a file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("working_days", "expected_deadline"),
    [(False, d(12, 15)), (True, d(12, 21))],
)
def test_the_deadline_does_not_depend_on_the_day_you_look(working_days, expected_deadline):
    clock = Clock(MON, 15, working_days)
    for today in (MON, d(12, 3), d(12, 15), d(12, 31), d(3, 1, 2027)):
        assert clock.deadline(today, HOLIDAYS) == expected_deadline


@pytest.mark.parametrize(
    ("working_days", "today", "expected_left"),
    [
        (False, MON, 15),
        (False, FRI, 11),
        (False, d(12, 14), 1),
        (False, d(12, 15), 0),  # the deadline day itself
        (False, d(12, 16), -1),  # overdue: negative
        (False, d(12, 25), -10),
        (True, MON, 15),
        (True, FRI, 11),
        (True, SAT, 11),  # nothing used over the weekend
        (True, SUN, 11),
        (True, d(12, 7), 10),
        (True, d(12, 19), 1),  # a Saturday before a Monday deadline
        (True, d(12, 21), 0),
        (True, d(12, 22), -1),
        (True, d(12, 28), -5),
        (False, d(11, 20), 15),  # before the start: nothing used yet
    ],
)
def test_days_left(working_days, today, expected_left):
    assert Clock(MON, 15, working_days).left(today, HOLIDAYS) == expected_left


def test_days_left_is_zero_on_the_deadline_and_negative_after_it():
    clock = Clock(d(11, 16), 3, True)
    deadline = clock.deadline(d(11, 16), HOLIDAYS)
    assert deadline == d(11, 20)
    assert clock.left(deadline, HOLIDAYS) == 0
    assert clock.left(d(11, 23), HOLIDAYS) == -1


def test_a_clock_that_has_not_started_has_no_deadline_and_no_days_left():
    clock = Clock(None, 15, True)
    assert clock.left(MON, HOLIDAYS) is None
    assert clock.deadline(MON, HOLIDAYS) is None
    assert clock.used(MON, HOLIDAYS) == 0
    assert clock.pause_length(MON, HOLIDAYS) == 0


@pytest.mark.parametrize("today", [FRI, SAT, d(12, 10), d(12, 31), d(6, 1, 2027)])
@pytest.mark.parametrize(("working_days", "expected_left"), [(False, 11), (True, 11)])
def test_a_paused_clock_stays_frozen(today, working_days, expected_left):
    clock = Clock(MON, 15, working_days, paused_since=FRI)
    assert clock.left(today, HOLIDAYS) == expected_left


@pytest.mark.parametrize(
    ("working_days", "paused_since", "resumed_on", "pause_length", "deadline_before", "deadline_after"),
    [
        # Calendar days: 6 days paused, the deadline moves 6 days.
        (False, FRI, d(12, 10), 6, d(12, 15), d(12, 21)),
        # Working days, paused Friday, resumed Monday: only Monday counts, one working day.
        (True, FRI, d(12, 7), 1, d(12, 21), d(12, 22)),
        # Working days, Thursday → Tuesday: Fri, Mon, Tue, three working days (five calendar days).
        (True, d(12, 3), d(12, 8), 3, d(12, 21), d(12, 24)),
        # Paused and resumed the same day: nothing moves.
        (True, FRI, FRI, 0, d(12, 21), d(12, 21)),
    ],
)
def test_a_pause_pushes_the_deadline_by_the_counted_days_paused(
    working_days,
    paused_since,
    resumed_on,
    pause_length,
    deadline_before,
    deadline_after,
):
    assert Clock(MON, 15, working_days).deadline(paused_since, HOLIDAYS) == deadline_before
    paused = Clock(MON, 15, working_days, paused_since=paused_since)
    assert paused.pause_length(resumed_on, HOLIDAYS) == pause_length
    # While paused, the deadline shown moves day by day...
    assert paused.deadline(resumed_on, HOLIDAYS) == deadline_after
    # ...and once resumed it stays where the pause left it, with the same days left.
    resumed = Clock(MON, 15, working_days, paused_days=pause_length)
    assert resumed.deadline(resumed_on, HOLIDAYS) == deadline_after
    assert resumed.left(resumed_on, HOLIDAYS) == paused.left(resumed_on, HOLIDAYS)
    assert resumed.left(deadline_after, HOLIDAYS) == 0


def test_a_working_day_pause_over_a_weekend_only_moves_the_deadline_on_working_days():
    paused = Clock(MON, 15, True, paused_since=FRI)
    assert paused.deadline(SAT, HOLIDAYS) == d(12, 21)
    assert paused.deadline(SUN, HOLIDAYS) == d(12, 21)
    assert paused.deadline(d(12, 7), HOLIDAYS) == d(12, 22)


def test_two_pauses_add_up():
    # First pause: 6 calendar days already counted; a second pause since Dec 14.
    clock = Clock(MON, 15, False, paused_days=6, paused_since=d(12, 14))
    assert clock.left(d(12, 20), HOLIDAYS) == 15 - (14 - 6)
    assert clock.deadline(d(12, 16), HOLIDAYS) == d(12, 23)


# --- the clock through the services, with the demo data --------------------------------------


def pdf(name: str = "scan.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(MINIMAL_PDF), filename=name, content_type="application/pdf")


@pytest.fixture
def on_day(monkeypatch):
    """Set what the services take as today."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(services, "today", lambda: day)

    return set_today


@pytest.fixture
def people(app, demo, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    with app.app_context():
        yield {
            "citizen": db.session.scalar(sa.select(User).where(User.email == "citizen@demo.ma")),
            "clerk": db.session.scalar(sa.select(User).where(User.email == "clerk@demo.ma")),
        }


@pytest.fixture
def working_days_type(app):
    """building_small counted in working days for one test (the catalogue seeds calendar days)."""
    with app.app_context():
        permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
        permit_type.working_days = True
        db.session.commit()
    yield
    with app.app_context():
        permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
        permit_type.working_days = False
        db.session.commit()


def submitted_case(citizen: User) -> PermitCase:
    """A building_small file (15 days), filled in and sent the way the pages do it."""
    permit_type = db.session.scalar(sa.select(PermitType).where(PermitType.code == "building_small"))
    case = services.start(citizen, permit_type, citizen.commune)
    services.save_step(
        case,
        "applicant",
        {
            "applicant_name": "Mohammed Alaoui",
            "applicant_cin": "AB123456",
            "applicant_phone": None,
            "applicant_address": "12 rue Mohammed V",
        },
    )
    services.save_step(
        case,
        "parcel",
        {
            "not_titled": False,
            "land_title": "12345/08",
            "address": "Route de Martil",
            "latitude": None,
            "longitude": None,
        },
    )
    services.save_step(case, "details", {"use": "housing", "floor_area": 120.5, "levels": 2})
    for item in permit_type.documents:
        if item["required"]:
            services.add_document(case, item["code"], pdf(f"{item['code']}.pdf"), citizen)
    services.submit(case, citizen)
    assert case.status is Status.SUBMITTED
    assert case.clock_started_on is None
    return case


def deadline_and_left(case: PermitCase, today: date) -> tuple[date | None, int | None]:
    holidays = services.holidays()
    return case.clock.deadline(today, holidays), case.clock.left(today, holidays)


def test_the_clock_waits_for_the_completeness_check(people):
    case = submitted_case(people["citizen"])
    assert case.type.deadline_days == 15 and not case.type.working_days
    assert deadline_and_left(case, MON) == (None, None)


def test_a_file_found_complete_starts_the_clock_and_a_request_for_documents_pauses_it(people, on_day):
    citizen, clerk = people["citizen"], people["clerk"]
    case = submitted_case(citizen)

    on_day(MON)
    services.mark_complete(case, clerk)
    assert case.status is Status.UNDER_REVIEW
    assert case.clock_started_on == MON
    assert case.events[-1].params == {"deadline": "2026-12-15"}
    assert deadline_and_left(case, MON) == (d(12, 15), 15)

    on_day(FRI)
    services.request_documents(case, clerk, [{"code": "site_plan", "reason": "The plan is unreadable."}])
    assert case.status is Status.DOCUMENTS_REQUESTED
    assert case.paused_since == FRI
    assert deadline_and_left(case, FRI) == (d(12, 15), 11)
    # Days spent waiting for the applicant are not used: the days left stay at 11.
    assert deadline_and_left(case, d(12, 9))[1] == 11

    on_day(d(12, 10))
    services.add_document(case, "site_plan", pdf("site_plan_v2.pdf"), citizen)
    services.provide_documents(case, citizen)
    assert case.status is Status.SUBMITTED
    assert case.paused_since is None
    assert case.paused_days == 6
    assert deadline_and_left(case, d(12, 10)) == (d(12, 21), 11)
    assert deadline_and_left(case, d(12, 21)) == (d(12, 21), 0)
    assert deadline_and_left(case, d(12, 22))[1] == -1

    # Found complete again: the clock goes on from where it was, it does not restart.
    on_day(d(12, 11))
    services.mark_complete(case, clerk)
    assert case.clock_started_on == MON
    assert case.events[-1].params == {"deadline": "2026-12-21"}
    assert deadline_and_left(case, d(12, 11)) == (d(12, 21), 10)

    # A second pause from under review adds up with the first.
    on_day(d(12, 14))
    services.request_documents(case, clerk, [{"code": "other", "reason": "The neighbour's consent."}])
    on_day(d(12, 16))
    services.add_document(case, "other", pdf("consent.pdf"), citizen)
    services.provide_documents(case, citizen)
    assert case.paused_days == 8
    assert deadline_and_left(case, d(12, 16)) == (d(12, 23), 7)


def test_a_pause_over_a_weekend_counts_only_working_days(people, on_day, working_days_type):
    citizen, clerk = people["citizen"], people["clerk"]
    case = submitted_case(citizen)
    assert case.type.working_days

    on_day(MON)
    services.mark_complete(case, clerk)
    assert case.events[-1].params == {"deadline": "2026-12-21"}

    on_day(FRI)
    services.request_documents(case, clerk, [{"code": "site_plan", "reason": "The plan is unreadable."}])
    on_day(d(12, 7))
    services.add_document(case, "site_plan", pdf(), citizen)
    services.provide_documents(case, citizen)
    assert case.paused_days == 1  # Saturday and Sunday were not counted
    assert deadline_and_left(case, d(12, 7)) == (d(12, 22), 11)


def test_a_second_request_for_documents_after_the_clock_started_pauses_it_again(people, on_day):
    """The applicant answers a request, the clerk (file back in 'submitted') asks for more.

    While documents are requested the clock must stand still, whatever status the request was
    made from, once the clock has started.
    """
    citizen, clerk = people["citizen"], people["clerk"]
    case = submitted_case(citizen)
    on_day(MON)
    services.mark_complete(case, clerk)
    on_day(FRI)
    services.request_documents(case, clerk, [{"code": "site_plan", "reason": "The plan is unreadable."}])
    on_day(d(12, 7))
    services.add_document(case, "site_plan", pdf(), citizen)
    services.provide_documents(case, citizen)
    assert case.status is Status.SUBMITTED and case.paused_days == 3
    assert deadline_and_left(case, d(12, 7)) == (d(12, 18), 11)

    on_day(d(12, 8))
    services.request_documents(case, clerk, [{"code": "property", "reason": "The certificate is older than 3 months."}])
    assert case.status is Status.DOCUMENTS_REQUESTED
    left_when_asked = deadline_and_left(case, d(12, 8))[1]
    assert left_when_asked == 10
    assert deadline_and_left(case, d(12, 20))[1] == left_when_asked, (
        "BUG: a document request made while the file is back in 'submitted' (clock already started) "
        "does not pause the clock: services.request_documents only pauses from CLOCK_RUNNING statuses"
    )
