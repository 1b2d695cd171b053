"""How long the public figures take: the roll-up of one commune, and its performance pages.

The scale harness (``make bench-scale``) seeds a large database and calls ``measure(app, code)``;
run alone, this module makes a small one and measures it:

    .venv/bin/python -m bench.performance                      # SQLite in a temporary folder
    DATABASE_URL=postgresql://… .venv/bin/python -m bench.performance --complaints 50000 --permits 10000

``seed()`` writes plausible cases straight into the tables with executemany (dates spread over two
years, acknowledgements, answers, ratings, reopenings, complete files, pauses, decisions, permits),
much faster than through the services, which the figures' tests use. It is a report: the exit code
is 0 whatever the numbers. The targets (issue #16): a commune's roll-up in seconds, each page p50 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

PAGE_TARGET_MS = 50
ROLLUP_TARGET_S = 10


def seed(code: str, complaints: int, permits: int, months: int = 24, batch: int = 5000, rng_seed: int = 16) -> None:
    """Cases of the open commune ``code`` (call in an app context, after ``prepare()``)."""
    from app.communes.services import get_by_code
    from app.complaints.models import ComplaintCategory
    from app.extensions import db
    from app.models import Role, User
    from app.permits.models import PermitType

    rng = random.Random(rng_seed)
    commune = get_by_code(code)
    categories = list(
        db.session.scalars(sa.select(ComplaintCategory).where(ComplaintCategory.commune_id == commune.id))
    )
    types = list(db.session.scalars(sa.select(PermitType)))
    applicant = User(email=f"bench-{code}@example.ma", full_name="Bench", role=Role.CITIZEN, commune=commune)
    applicant.set_password("bench-password-16")
    db.session.add(applicant)
    db.session.commit()
    now = datetime.now(UTC)
    start = now - timedelta(days=30 * months)
    span = (now - start).total_seconds()

    def moment() -> datetime:
        return start + timedelta(seconds=rng.random() * span)

    def later(at: datetime, low: float, high: float) -> datetime | None:
        found = at + timedelta(days=rng.uniform(low, high))
        return found if found < now else None

    _seed_complaints(db, rng, commune, categories, complaints, batch, moment, later)
    _seed_permits(db, rng, commune, types, applicant, permits, batch, moment, later)


def _flush(db, table, rows: list[dict], events_table=None, events: list[dict] | None = None) -> None:
    if rows:
        db.session.execute(sa.insert(table), rows)
    if events:
        db.session.execute(sa.insert(events_table), events)
    db.session.commit()
    rows.clear()
    if events is not None:
        events.clear()


def _next_id(db, table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def _seed_complaints(db, rng, commune, categories, count, batch, moment, later) -> None:
    from app.complaints.models import Complaint, ComplaintEvent
    from app.complaints.workflow import Kind, Outcome, Status
    from app.core.channels import Channel

    table, events_table = Complaint.__table__, ComplaintEvent.__table__
    first = _next_id(db, table)
    rows, events = [], []
    kinds = [Kind.COMPLAINT] * 7 + [Kind.OBSERVATION] * 2 + [Kind.SUGGESTION]
    channels = [Channel.WEB] * 8 + [Channel.OPEN311] * 2
    for number in range(first, first + count):
        category = rng.choice(categories)
        received = moment()
        acknowledged = later(received, 0.2, 25) if rng.random() < 0.9 else None
        answered = later(acknowledged, 1, 70) if acknowledged and rng.random() < 0.85 else None
        reopened = answered is not None and rng.random() < 0.04
        status = Status.ANSWERED if answered else Status.ACKNOWLEDGED if acknowledged else Status.RECEIVED
        outcome = rng.choice(list(Outcome)) if answered else None
        history = [("received", received, Status.RECEIVED)]
        if acknowledged:
            history.append(("acknowledge", acknowledged, Status.ACKNOWLEDGED))
        if answered:
            history.append(("answer", answered, Status.ANSWERED))
            if reopened and (again := later(answered, 1, 20)):
                history.append(("reopen", again, Status.IN_PROGRESS))
                if second := later(again, 1, 30):
                    history.append(("answer", second, Status.ANSWERED))
                    answered = second
                else:
                    status = Status.IN_PROGRESS
        rows.append(
            {
                "id": number,
                "commune_id": commune.id,
                "category_id": category.id,
                "kind": rng.choice(kinds),
                "status": status,
                "reference": f"C-B-{number:08d}",
                "tracking_code": "BENCH",
                "description": "Un problème signalé pour le banc d'essai.",
                "outside_commune": False,
                "channel": rng.choice(channels),
                "received_at": received,
                "acknowledged_at": acknowledged,
                "answered_at": answered if status is not Status.IN_PROGRESS else history[2][1],
                "updated_at": history[-1][1],
                "department": category.department,
                "outcome": outcome,
                "answer": "Réponse." if answered else None,
                "rating": rng.randint(1, 5) if answered and rng.random() < 0.3 else None,
                "reopen_count": int(reopened),
                "version": 1,
            }
        )
        events.extend(
            {"complaint_id": number, "at": at, "event": name, "status": after, "params": {}, "public": True}
            for name, at, after in history
        )
        if len(rows) >= batch:
            _flush(db, table, rows, events_table, events)
    _flush(db, table, rows, events_table, events)


def _seed_permits(db, rng, commune, types, applicant, count, batch, moment, later) -> None:
    from app.core.channels import Channel
    from app.permits.models import CaseEvent, PermitCase
    from app.permits.workflow import Status

    table, events_table = PermitCase.__table__, CaseEvent.__table__
    first = _next_id(db, table)
    rows, events = [], []
    for number in range(first, first + count):
        kind = rng.choice(types)
        submitted = moment()
        complete = later(submitted, 1, 12) if rng.random() < 0.8 else None
        paused = rng.randint(3, 15) if complete and rng.random() < 0.12 else 0
        decided = later(complete, 3, kind.deadline_days * 1.6 + paused) if complete and rng.random() < 0.8 else None
        refused = decided is not None and rng.random() < 0.2
        issued = later(decided, 1, 10) if decided and not refused and rng.random() < 0.6 else None
        status = (
            Status.ISSUED
            if issued
            else Status.REFUSED
            if refused
            else Status.APPROVED
            if decided
            else Status.UNDER_REVIEW
            if complete
            else Status.SUBMITTED
        )
        history = [("submit", submitted, Status.SUBMITTED)]
        if complete:
            history.append(("mark_complete", complete, Status.UNDER_REVIEW))
            if paused:
                history.append(("request_documents", complete + timedelta(days=1), Status.DOCUMENTS_REQUESTED))
        if decided:
            history.append(
                ("refuse" if refused else "approve", decided, Status.REFUSED if refused else Status.APPROVED)
            )
        if issued:
            history.append(("issue", issued, Status.ISSUED))
        rows.append(
            {
                "id": number,
                "commune_id": commune.id,
                "type_id": kind.id,
                "applicant_id": applicant.id,
                "status": status,
                "reference": f"P-B-{number:08d}",
                "tracking_code": "BENCH",
                "created_at": submitted,
                "updated_at": history[-1][1],
                "submitted_at": submitted,
                "channel": Channel.WEB,
                "not_titled": False,
                "latitude": 35.17 + rng.uniform(-0.02, 0.02),
                "longitude": -5.26 + rng.uniform(-0.02, 0.02),
                "details": {},
                "steps_done": [],
                "clock_started_on": complete.date() if complete else None,
                "paused_days": paused,
                "legal_days": kind.deadline_days if complete else None,
                "working_days": kind.working_days if complete else None,
                "silence_is_approval": kind.silence_is_approval if complete else None,
                "version": 1,
                "decided_at": decided,
                "refusal_reasons": ["Motif."] if refused else [],
                "permit_number": f"B/{commune.code}/{number:08d}" if issued else None,
                "issued_on": issued.date() if issued else None,
                "valid_until": (issued + timedelta(days=365)).date() if issued else None,
                "verify_code": f"bench-{number}" if issued else None,
            }
        )
        events.extend(
            {"case_id": number, "at": at, "event": name, "status": after, "params": {}, "public": True}
            for name, at, after in history
        )
        if len(rows) >= batch:
            _flush(db, table, rows, events_table, events)
    _flush(db, table, rows, events_table, events)


# --- measuring ------------------------------------------------------------------------------


def time_rollup(code: str) -> float:
    """Seconds for one commune's roll-up (call in an app context)."""
    from app.communes.services import get_by_code
    from app.performance import rollup

    commune = get_by_code(code)
    started = time.perf_counter()
    rollup.refresh(commune)
    return time.perf_counter() - started


def time_pages(app, code: str, runs: int = 30) -> dict[str, tuple[float, float]]:
    """p50 in milliseconds of each public page of the figures, served in-process (no network):
    (wall clock, this process's CPU time). On a machine shared with other work the CPU time says
    what the page costs; the wall clock also counts the waits (and the database server's work)."""
    paths = [
        f"/communes/{code}/performance",
        f"/communes/{code}/performance/details?period=since_opening",
        "/performance",
        "/performance?sort=complaints_received",
        "/open-data",
        f"/open-data/{code}/datapackage.json",
    ]
    client = app.test_client()
    found = {}
    for path in paths:
        client.get(path, headers={"Accept-Language": "ar"})  # warm: templates compiled, connection made
        wall, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path, headers={"Accept-Language": "ar", "Accept-Encoding": "br"})
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        found[path] = (statistics.median(wall), statistics.median(cpu))
    return found


def measure(app, code: str, runs: int = 30) -> dict:
    """What the scale harness calls on whatever database is seeded: the roll-up, then the pages."""
    with app.app_context():
        rollup_seconds = time_rollup(code)
    return {"rollup_seconds": rollup_seconds, "pages_p50_ms": time_pages(app, code, runs)}


def print_report(code: str, counts: dict, found: dict) -> None:
    print(f"commune {code}: {counts['complaints']:,} complaints, {counts['permits']:,} permit files")
    verdict = "ok" if found["rollup_seconds"] <= ROLLUP_TARGET_S else "OVER"
    print(f"roll-up of one commune: {found['rollup_seconds']:.2f} s (target: seconds)  {verdict}")
    for path, (wall, cpu) in found["pages_p50_ms"].items():
        verdict = "ok" if wall <= PAGE_TARGET_MS else "OVER"
        print(f"  {path:<55} p50 {wall:7.1f} ms (CPU {cpu:5.1f} ms)  {verdict}")


def prepare(app, code: str) -> None:
    """Migrate, load the communes and permit types, open the commune."""
    from flask_migrate import upgrade

    from app.communes.services import get_by_code, import_communes, open_commune
    from app.permits.services import seed_types

    with app.app_context():
        upgrade()
        import_communes()
        seed_types()
        open_commune(get_by_code(code))


def counts_of(app, code: str) -> dict:
    from app.communes.services import get_by_code
    from app.complaints.models import Complaint
    from app.extensions import db
    from app.permits.models import PermitCase

    with app.app_context():
        commune = get_by_code(code)
        return {
            "complaints": db.session.scalar(sa.select(sa.func.count()).where(Complaint.commune_id == commune.id)),
            "permits": db.session.scalar(sa.select(sa.func.count()).where(PermitCase.commune_id == commune.id)),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commune", default="01.151.01.01", help="HCP code of the commune to seed and measure")
    parser.add_argument("--complaints", type=int, default=5000)
    parser.add_argument("--permits", type=int, default=1000)
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed-only", action="store_true", help="seed and roll up, measure nothing (bench.transfer)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jamaati-bench-performance-") as instance:
        os.environ.setdefault("JAMAATI_DEMO", "1")
        os.environ.setdefault("JAMAATI_INSTANCE", instance)
        from app import create_app
        from app.config import Config

        app = create_app(Config())
        app.logger.setLevel("WARNING")
        prepare(app, options.commune)
        if not options.no_seed:
            started = time.perf_counter()
            with app.app_context():
                seed(options.commune, options.complaints, options.permits)
            engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
            print(f"seeded in {time.perf_counter() - started:.1f} s ({engine})")
        if options.seed_only:
            with app.app_context():
                time_rollup(options.commune)
            return 0
        found = measure(app, options.commune, options.runs)
        print_report(options.commune, counts_of(app, options.commune), found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
