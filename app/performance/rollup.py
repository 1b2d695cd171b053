"""The daily roll-up: every public figure of a commune, from its cases' own dates, into one table.

Set-based: each family of figures is one GROUP BY over the commune's cases (by month, by "in the
last 30 days", and by the keys the figures are broken down by), joined to the calendar of legal
days (calendar.py). Python only folds those few aggregated rows into periods: a month, the last
30 days, the last 12 months and since opening; medians come from the grouped day counts. Nothing
here loads a case.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from app.complaints.workflow import ACKNOWLEDGE_DAYS, ANSWER_DAYS
from app.core.dates import MOROCCO, aware, local_day, today, utcnow
from app.extensions import db
from app.inspections.models import InspectionReport
from app.models import Commune
from app.performance import calendar
from app.performance.calendar import CALENDAR, day_of, local_day_of
from app.performance.measures import BY_CODE
from app.performance.models import PerformanceFigure
from app.permits.models import CaseEvent, Holiday, PermitCase, PermitType
from app.permits.workflow import OPEN as PERMIT_OPEN
from app.permits.workflow import Status as PermitStatus

log = logging.getLogger("jamaati.performance")

RECENT_DAYS = 30
YEAR_MONTHS = 12


def counted(model) -> list:
    """Which cases the public figures and the open data count, for every area in one place: a
    permit application once sent, a complaint once it has its reference, every inspection report.
    The practice space's fictitious cases are left out here (the practice wall hides them from
    every query outside the space too: app/core/practice.py)."""
    if model is PermitCase:
        return [PermitCase.submitted_at.is_not(None), PermitCase.practice.is_(False)]
    if model is Complaint:
        return [Complaint.reference.is_not(None), Complaint.practice.is_(False)]
    if model is InspectionReport:
        return [InspectionReport.practice.is_(False)]
    raise ValueError(f"no public figures for {model.__name__}")


# --- folding grouped rows into periods ------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0  # how many cases the figure is drawn from
    hits: int = 0  # for shares: how many of them meet the rule
    values: Counter = field(default_factory=Counter)  # for medians and averages: value -> cases

    def value(self, kind: str) -> float | None:
        if kind == "count":
            return float(self.cases)
        if not self.cases:
            return None
        if kind == "share":
            return self.hits / self.cases
        if kind == "average":
            return sum(v * n for v, n in self.values.items()) / sum(self.values.values())
        return median(self.values)


def median(histogram: Counter) -> float | None:
    """The median of values given as value -> how many times (days are whole numbers)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle one, or the two middle ones
    found, seen = [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return sum(found) / len(found)


class Figures:
    """The figures of one commune being rolled up, keyed by (period, measure, dimension, key)."""

    def __init__(self, on: date) -> None:
        self.tallies: dict[tuple, Tally] = defaultdict(Tally)
        month = on.replace(day=1)
        for _ in range(YEAR_MONTHS - 1):
            month = (month - timedelta(days=1)).replace(day=1)
        self.year_from = month.strftime("%Y-%m")

    def periods(self, month: str, recent: bool) -> list[str]:
        periods = [month, "since_opening"]
        if recent:
            periods.append("last_30_days")
        if month >= self.year_from:
            periods.append("last_12_months")
        return periods

    def add(self, code: str, month: str, recent, keys: dict | None = None, cases=0, hits=0, value=None) -> None:
        """Count ``cases`` (and ``hits``, or ``value`` once per case) for the commune and for each
        breakdown the measure publishes."""
        measure = BY_CODE[code]
        targets = [("", "")] + [
            (dimension, str(keys[dimension]))
            for dimension in measure.dimensions
            if keys and keys.get(dimension) is not None
        ]
        for period in self.periods(month, bool(recent)):
            for dimension, key in targets:
                tally = self.tallies[(period, code, dimension, key)]
                tally.cases += int(cases or 0)
                tally.hits += int(hits or 0)
                if value is not None:
                    tally.values[value] += int(cases or 0)

    def rows(self, commune_id: int, moment) -> list[dict]:
        """Figures drawn from at least one case; and every measure's total since opening, even at
        zero, so that a page can tell "nothing yet" from "not computed yet"."""
        for code in BY_CODE:
            self.tallies[("since_opening", code, "", "")]  # noqa: B018 (creates it when missing)
        return [
            {
                "commune_id": commune_id,
                "period": period,
                "measure": code,
                "dimension": dimension,
                "key": key[:120],
                "cases": tally.cases,
                "value": tally.value(BY_CODE[code].kind),
                "refreshed_at": moment,
            }
            for (period, code, dimension, key), tally in self.tallies.items()
            if tally.cases or period == "since_opening"
        ]


# --- the grouped queries --------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    today: int  # day numbers
    recent_from: int


def grouped(anchor, keys: dict, sums: dict, source, where: list, window: Window):
    """Rows of (month, recent, *keys, cases, *sums): cases grouped by the month in Morocco of their
    ``anchor`` day number, whether it falls in the last 30 days, and ``keys``."""
    recent = sa.case((anchor >= window.recent_from, 1), else_=0)
    inner = (
        sa.select(
            CALENDAR.c.month.label("month"),
            recent.label("recent"),
            *(expression.label(name) for name, expression in keys.items()),
            *(expression.label(name) for name, expression in sums.items()),
        )
        .select_from(source)
        .join(CALENDAR, CALENDAR.c.day_number == anchor)
        .where(*where)
        .subquery()
    )
    groups = [inner.c.month, inner.c.recent, *(inner.c[name] for name in keys)]
    statement = sa.select(
        *groups, sa.func.count().label("cases"), *(sa.func.sum(inner.c[name]).label(name) for name in sums)
    ).group_by(*groups)
    return db.session.execute(statement.execution_options(skip_commune_scope=True)).mappings()


def flag(condition):
    return sa.case((condition, 1), else_=0)


def permit_facts(commune_id: int):
    """One row per counted file with its days already counted (each computed once): sent,
    complete, decided, issued, and its deadline as its page counts it."""
    case, kind = PermitCase, PermitType
    # The file's own rule (copied when its clock started), as its page reads it.
    days = sa.func.coalesce(case.legal_days, kind.deadline_days) + case.paused_days
    working = sa.func.coalesce(case.working_days, kind.working_days)
    started, due = CALENDAR.alias("clock_start"), CALENDAR.alias("deadline_day")
    start = day_of(case.clock_started_on)
    # The last day for a decision (clock.advance): the working day on which the legal days plus
    # the days paused have passed, or that many calendar days.
    deadline = sa.case((days == 0, start), (working, due.c.day_number), else_=start + days)
    return (
        sa.select(
            case.type_id,
            case.channel,
            local_day_of(case.submitted_at).label("sent"),
            start.label("complete"),
            local_day_of(case.decided_at).label("decided"),
            day_of(case.issued_on).label("issued"),
            deadline.label("deadline"),
            flag(case.status == PermitStatus.REFUSED).label("refused"),
            flag(sa.func.coalesce(case.silence_is_approval, kind.silence_is_approval)).label("silence"),
            # Clock running and not paused: a file that can be past its deadline undecided.
            flag(
                sa.and_(
                    case.status.in_(sorted(PERMIT_OPEN)),
                    case.clock_started_on.is_not(None),
                    case.paused_since.is_(None),
                )
            ).label("running"),
        )
        .select_from(
            sa.join(case, kind, case.type_id == kind.id)
            .outerjoin(started, started.c.day_number == start)
            .outerjoin(due, sa.and_(working, due.c.counted, due.c.working_index == started.c.working_index + days))
        )
        .where(case.commune_id == commune_id, *counted(PermitCase))
        .cte("permit_facts")
        .prefix_with("MATERIALIZED")
    )


def roll_up_permits(figures: Figures, commune_id: int, window: Window) -> None:
    types = dict(db.session.execute(sa.select(PermitType.id, PermitType.code)).all())
    file = permit_facts(commune_id)
    by_type = {"type_id": file.c.type_id}

    def add(code, rows):
        for row in rows:
            figures.add(code, row["month"], row["recent"], {"type": types.get(row["type_id"])}, row["cases"])

    for row in grouped(file.c.sent, {**by_type, "channel": file.c.channel}, {}, file, [], window):
        keys = {"type": types.get(row["type_id"]), "channel": row["channel"]}
        figures.add("permits_received", row["month"], row["recent"], keys, row["cases"])
    add("permits_complete", grouped(file.c.complete, by_type, {}, file, [file.c.complete.is_not(None)], window))
    add("permits_issued", grouped(file.c.issued, by_type, {}, file, [file.c.issued.is_not(None)], window))

    decisions = grouped(
        file.c.decided,
        {**by_type, "days": file.c.decided - file.c.complete},
        {
            "refused": file.c.refused,
            "within": flag(sa.or_(file.c.deadline.is_(None), file.c.decided <= file.c.deadline)),
        },
        file,
        [file.c.decided.is_not(None)],
        window,
    )
    for row in decisions:
        month, recent, keys, cases = row["month"], row["recent"], {"type": types.get(row["type_id"])}, row["cases"]
        figures.add("permits_decided", month, recent, keys, cases)
        figures.add("permits_refused", month, recent, keys, row["refused"])
        figures.add("permits_approved", month, recent, keys, cases - row["refused"])
        figures.add("permits_median_days", month, recent, keys, cases, value=row["days"])
        figures.add("permits_within_deadline", month, recent, keys, cases, hits=row["within"])

    # Still undecided the day after the deadline (the page says so): late, or approved by silence.
    overdue = grouped(
        file.c.deadline + 1,
        by_type,
        {"silence": file.c.silence},
        file,
        [file.c.running == 1, file.c.deadline < window.today],
        window,
    )
    for row in overdue:
        keys = {"type": types.get(row["type_id"])}
        figures.add("permits_within_deadline", row["month"], row["recent"], keys, row["cases"])
        figures.add("permits_silence", row["month"], row["recent"], keys, row["silence"])

    case = PermitCase
    first_request = (
        sa.select(CaseEvent.case_id, sa.func.min(CaseEvent.at).label("at"))
        .join(case, case.id == CaseEvent.case_id)
        .where(case.commune_id == commune_id, *counted(PermitCase), CaseEvent.event == "request_documents")
        .group_by(CaseEvent.case_id)
        .subquery()
    )
    requested = sa.join(first_request, case, case.id == first_request.c.case_id)
    add(
        "permits_documents_requested",
        grouped(local_day_of(first_request.c.at), {"type_id": case.type_id}, {}, requested, [], window),
    )


def complaint_facts(commune_id: int):
    """One row per counted complaint with its days already counted (each computed once)."""
    complaint = Complaint
    # The first answer (or closing as out of scope): a reopened complaint's is on its timeline.
    first_answer = sa.case(
        (complaint.reopen_count == 0, sa.func.coalesce(complaint.answered_at, complaint.closed_at)),
        else_=sa.select(sa.func.min(ComplaintEvent.at))
        .where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.event == "answer")
        .scalar_subquery(),
    )
    return (
        sa.select(
            complaint.kind,
            complaint.category_id,
            complaint.department,
            complaint.channel,
            complaint.outcome,
            complaint.rating,
            local_day_of(complaint.received_at).label("received"),
            # Acknowledged, or closed as out of scope straight from "received": the 15-day clock stops.
            local_day_of(sa.func.coalesce(complaint.acknowledged_at, complaint.closed_at)).label("acknowledged"),
            local_day_of(first_answer).label("answered"),
            local_day_of(complaint.answered_at).label("latest_answer"),
            flag(complaint.reopen_count > 0).label("reopened"),
        )
        .where(complaint.commune_id == commune_id, *counted(Complaint))
        .cte("complaint_facts")
        .prefix_with("MATERIALIZED")
    )


def roll_up_complaints(figures: Figures, commune_id: int, window: Window) -> None:
    categories = dict(
        db.session.execute(
            sa.select(ComplaintCategory.id, ComplaintCategory.code)
            .where(ComplaintCategory.commune_id == commune_id)
            .execution_options(skip_commune_scope=True)
        ).all()
    )
    fact = complaint_facts(commune_id)
    received, acknowledged, answered, latest = (
        fact.c.received,
        fact.c.acknowledged,
        fact.c.answered,
        fact.c.latest_answer,
    )
    cohort = grouped(
        received,
        {
            "kind": fact.c.kind,
            "category_id": fact.c.category_id,
            "department": fact.c.department,
            "channel": fact.c.channel,
        },
        {
            "ack_due": flag(sa.or_(acknowledged.is_not(None), received + ACKNOWLEDGE_DAYS < window.today)),
            "ack_in_time": flag(acknowledged <= received + ACKNOWLEDGE_DAYS),
            "answer_due": flag(sa.or_(answered.is_not(None), received + ANSWER_DAYS < window.today)),
            "answer_in_time": flag(answered <= received + ANSWER_DAYS),
            "answered": flag(latest.is_not(None)),
            "reopened": flag(sa.and_(latest.is_not(None), fact.c.reopened == 1)),
        },
        fact,
        [],
        window,
    )
    for row in cohort:
        month, recent = row["month"], row["recent"]
        keys = {
            "kind": row["kind"],
            "category": categories.get(row["category_id"]),
            "department": row["department"],
            "channel": row["channel"],
        }
        figures.add("complaints_received", month, recent, keys, row["cases"])
        figures.add("complaints_acknowledged_in_time", month, recent, None, row["ack_due"], hits=row["ack_in_time"])
        figures.add("complaints_answered_in_time", month, recent, None, row["answer_due"], hits=row["answer_in_time"])
        figures.add("complaints_reopened", month, recent, None, row["answered"], hits=row["reopened"])

    for row in grouped(answered, {"days": answered - received}, {}, fact, [answered.is_not(None)], window):
        figures.add("complaints_median_days", row["month"], row["recent"], None, row["cases"], value=row["days"])

    keys = {"outcome": fact.c.outcome, "rating": fact.c.rating}
    for row in grouped(latest, keys, {}, fact, [latest.is_not(None)], window):
        month, recent, cases = row["month"], row["recent"], row["cases"]
        figures.add("complaints_answered", month, recent, {"outcome": row["outcome"]}, cases)
        if row["rating"] is not None:
            figures.add("complaints_ratings", month, recent, None, cases)
            figures.add("complaints_rating", month, recent, None, cases, value=row["rating"])


def roll_up_inspections(figures: Figures, commune_id: int, window: Window) -> None:
    report = InspectionReport
    mine = [report.commune_id == commune_id, *counted(InspectionReport)]
    for row in grouped(local_day_of(report.filed_at), {"outcome": report.outcome}, {}, report, mine, window):
        figures.add("inspections_reported", row["month"], row["recent"], {"outcome": row["outcome"]}, row["cases"])


# --- refreshing -----------------------------------------------------------------------------


def _first_day(commune: Commune, on: date) -> date:
    """The earliest day any figure of the commune can fall on: the calendar starts there."""
    firsts = [
        db.session.scalar(sa.select(sa.func.min(PermitCase.submitted_at)).where(PermitCase.commune_id == commune.id)),
        db.session.scalar(sa.select(sa.func.min(Complaint.received_at)).where(Complaint.commune_id == commune.id)),
        db.session.scalar(
            sa.select(sa.func.min(InspectionReport.filed_at)).where(InspectionReport.commune_id == commune.id)
        ),
        commune.opened_at,
    ]
    days = [local_day(aware(moment)) for moment in firsts if moment is not None]
    started = db.session.scalar(
        sa.select(sa.func.min(PermitCase.clock_started_on)).where(PermitCase.commune_id == commune.id)
    )
    return min([on, *days, *([started] if started else [])]) - timedelta(days=1)


def refresh(commune: Commune, on: date | None = None) -> int:
    """Recompute every figure of the commune as of ``on`` (today) in one transaction; returns how
    many figures it has. Two refreshes of the same commune wait for each other (row lock)."""
    on = on or today()
    db.session.execute(
        sa.select(Commune.id)
        .where(Commune.id == commune.id)
        .with_for_update()
        .execution_options(skip_commune_scope=True)
    )
    holidays = set(db.session.scalars(sa.select(Holiday.day)))
    calendar.build(db.session.connection(), _first_day(commune, on), on + timedelta(days=1), holidays)
    window = Window(calendar.day_number(on), calendar.day_number(on) - RECENT_DAYS + 1)
    figures = Figures(on)
    roll_up_permits(figures, commune.id, window)
    roll_up_complaints(figures, commune.id, window)
    roll_up_inspections(figures, commune.id, window)
    rows = figures.rows(commune.id, utcnow())
    db.session.execute(sa.delete(PerformanceFigure).where(PerformanceFigure.commune_id == commune.id))
    if rows:
        db.session.execute(sa.insert(PerformanceFigure), rows)
    db.session.commit()
    log.info("performance figures refreshed commune=%s figures=%s", commune.code, len(rows))
    return len(rows)


def open_communes() -> list[Commune]:
    statement = sa.select(Commune).where(Commune.opened_at.is_not(None)).order_by(Commune.code)
    return list(db.session.scalars(statement.execution_options(skip_commune_scope=True)))


def refresh_all(on: date | None = None) -> int:
    """Every open commune, each in its own transaction; returns how many were refreshed."""
    communes = open_communes()
    for commune in communes:
        refresh(commune, on)
    return len(communes)


def refreshed_today(on: date | None = None) -> bool:
    """Whether every open commune's figures were refreshed today (in Morocco)."""
    midnight = datetime.combine(on or today(), time.min, MOROCCO).astimezone(UTC)
    fresh = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(PerformanceFigure.commune_id))).where(
            PerformanceFigure.refreshed_at >= midnight
        )
    )
    return fresh >= len(open_communes())


def refresh_once_a_day() -> int:
    """What the notification worker calls every hour: the figures, when not yet refreshed today.
    Several workers may call it at once: each commune's refresh waits for the other's."""
    if refreshed_today():
        return 0
    return refresh_all()
