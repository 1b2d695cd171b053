"""The desk and the public API at a million cases (issue #14): ``make bench-scale``.

Seeds the database that DATABASE_URL names (a temporary SQLite file by default) with 20 open
communes, one of them holding a fifth of everything (the big commune), first to 10,000 complaints
and 2,000 permit files, then to N complaints (BENCH_SCALE_N, default 1,000,000) and N/5 files, each
case with a timeline of 3–6 entries; at each size it times the pages a clerk of the big commune
uses all day and prints p50/p95 side by side with the ratio. Then the transparency figures at the
big size: one commune's roll-up and its public pages (bench/performance.py).

    make bench-scale                                          # SQLite, 1 M
    BENCH_SCALE_N=200000 make bench-scale                     # smaller
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jamaati_scale_bench make bench-scale

A PostgreSQL database is emptied first, so its name must contain "bench". Rows go in with COPY on
PostgreSQL (psycopg's copy), executemany on SQLite. Pages are served in-process (Flask's test
client, one request at a time): what is timed is the application and its database. A report: the
exit code is 0 whatever the numbers. Targets: PostgreSQL p50 ≤ 100 ms and 1 M / 10 k ≤ 2 for each
page, SQLite p50 ≤ 200 ms; transparency pages p50 ≤ 50 ms.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

SMALL = int(os.environ.get("BENCH_SCALE_SMALL", 10_000))
LARGE = int(os.environ.get("BENCH_SCALE_N", 1_000_000))
RUNS = int(os.environ.get("BENCH_SCALE_RUNS", 20))
FILES_PER_COMPLAINT = 0.2  # 1 M complaints, 200 k permit files
COMMUNES = 20
BIG_SHARE = 0.2  # the big commune: 200 k of 1 M complaints, 40 k of 200 k files
BIG_CODE = "01.151.01.01"
PASSWORD = "bench-scale-password-14"
CLERK = "clerk-bench@example.ma"
BATCH = 20_000
TARGET_MS = {"postgresql": 100, "sqlite": 200}


# --- seeding ---------------------------------------------------------------------------------


class Writer:
    """Rows into a table, as fast as the database takes them: COPY on PostgreSQL, executemany
    on SQLite. Columns left out take their default (a scalar default, or the database's)."""

    def __init__(self, db, table: sa.Table, columns: list[str], parent: Writer | None = None) -> None:
        self.db, self.table, self.columns, self.rows, self.parent = db, table, columns, [], parent
        self.postgres = db.engine.dialect.name == "postgresql"

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.parent is not None:
            self.parent.flush()  # a timeline's case goes in before its entries
        if not self.rows:
            return
        if self.postgres:
            raw = self.db.session.connection().connection.driver_connection
            names = ", ".join(self.columns)
            with raw.cursor() as cursor, cursor.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row([_copy_value(row.get(name)) for name in self.columns])
        else:
            self.db.session.execute(sa.insert(self.table), self.rows)
        self.rows.clear()


def _copy_value(value):
    return json.dumps(value) if isinstance(value, (dict, list)) else value


class Seeder:
    """Plausible cases over two years: most old ones closed, the recent ones still open."""

    def __init__(self, db, communes, categories, types, applicants, holidays, rng_seed: int = 14) -> None:
        from app.complaints.models import Complaint, ComplaintEvent
        from app.permits.models import CaseEvent, PermitCase

        self.db, self.rng = db, random.Random(rng_seed)
        self.communes, self.categories, self.types, self.applicants = communes, categories, types, applicants
        self.holidays = holidays
        self.now = datetime.now(UTC)
        self.complaints = Writer(db, Complaint.__table__, COMPLAINT_COLUMNS)
        self.complaint_events = Writer(db, ComplaintEvent.__table__, EVENT_COLUMNS("complaint_id"), self.complaints)
        self.permits = Writer(db, PermitCase.__table__, PERMIT_COLUMNS)
        self.permit_events = Writer(db, CaseEvent.__table__, EVENT_COLUMNS("case_id"), self.permits)

    def commune(self):
        """The big commune a fifth of the time, else one of the 19 others."""
        return self.communes[0] if self.rng.random() < BIG_SHARE else self.rng.choice(self.communes[1:])

    def moment(self) -> datetime:
        return self.now - timedelta(days=730 * self.rng.random() ** 1.3)  # a little more recent than old

    def later(self, at: datetime | None, low: float, high: float) -> datetime | None:
        if at is None:
            return None
        found = at + timedelta(days=self.rng.uniform(low, high))
        return found if found < self.now else None

    def _pad(self, history: list, public_until: datetime) -> list:
        """3–6 entries: internal notes fill a short timeline (as clerks write them)."""
        wanted = self.rng.randint(3, 6)
        while len(history) < wanted:
            at = (
                history[-1][1] + (public_until - history[-1][1]) * self.rng.random() if public_until else history[-1][1]
            )
            history.append(("note", min(at, self.now), None, False))
        return sorted(history[:6], key=lambda entry: entry[1])

    def complaint(self, number: int) -> None:
        from app.complaints.workflow import Outcome, Status

        commune = self.commune()
        category = self.rng.choice(self.categories[commune.id])
        received = self.moment()
        acknowledged = self.later(received, 0.1, 12) if self.rng.random() < 0.97 else None
        started = self.later(acknowledged, 0.5, 20) if self.rng.random() < 0.6 else None
        answered = self.later(started or acknowledged, 1, 55) if self.rng.random() < 0.96 else None
        closed = self.later(answered, 5, 30) if self.rng.random() < 0.7 else None
        status = (
            Status.CLOSED
            if closed
            else Status.ANSWERED
            if answered
            else Status.IN_PROGRESS
            if started
            else Status.ACKNOWLEDGED
            if acknowledged
            else Status.RECEIVED
        )
        history = [("received", received, Status.RECEIVED, True)]
        for name, at, after in (
            ("acknowledge", acknowledged, Status.ACKNOWLEDGED),
            ("start", started, Status.IN_PROGRESS),
            ("answer", answered, Status.ANSWERED),
            ("close", closed, Status.CLOSED),
        ):
            if at is not None:
                history.append((name, at, after, True))
        history = self._pad(history, self.now)
        self.complaints.add(
            {
                "id": number,
                "commune_id": commune.id,
                "category_id": category.id,
                "kind": "complaint",
                "status": status.value,
                "reference": f"C-B-{number:08d}",
                "tracking_code": f"BK{number % 1_000_000:06d}",
                "description": "Un problème signalé pour le banc d'essai.",
                "outside_commune": False,
                "channel": "open311" if self.rng.random() < 0.2 else "web",
                "received_at": received,
                "acknowledged_at": acknowledged,
                "answered_at": answered,
                "closed_at": closed,
                "updated_at": history[-1][1],
                "department": category.department,
                "outcome": self.rng.choice(list(Outcome)).value if answered else None,
                "answer": "Réponse." if answered else None,
                "location_text": "Quartier du banc d'essai",
                "reopen_count": 0,
                "version": 1,
            }
        )
        for name, at, after, public in history:
            self.complaint_events.add(
                {
                    "complaint_id": number,
                    "at": at,
                    "event": name,
                    "status": after.value if after else None,
                    "params": {},
                    "public": public,
                }
            )

    def permit(self, number: int) -> None:
        from app.permits.clock import Clock
        from app.permits.workflow import Status

        commune, kind = self.commune(), self.rng.choice(self.types)
        submitted = self.moment()
        complete = self.later(submitted, 1, 12) if self.rng.random() < 0.9 else None
        asked = self.later(complete, 1, 10) if complete and self.rng.random() < 0.15 else None
        provided = self.later(asked, 2, 20) if asked and self.rng.random() < 0.85 else None
        waiting = asked is not None and provided is None  # the applicant has not answered: paused
        backlog = self.rng.random() < 0.35  # a big commune's desk runs behind: open files pile up
        visit = (
            self.later(provided or complete, 2, 10) if complete and not waiting and self.rng.random() < 0.3 else None
        )
        decided = (
            self.later(visit or provided or complete, 3, kind.deadline_days * 1.4)
            if complete and not (waiting or backlog)
            else None
        )
        refused = decided is not None and self.rng.random() < 0.2
        issued = self.later(decided, 1, 10) if decided and not refused and self.rng.random() < 0.8 else None
        history = [("submit", submitted, Status.SUBMITTED, True)]
        for name, at, after in (
            ("mark_complete", complete, Status.UNDER_REVIEW),
            ("request_documents", asked, Status.DOCUMENTS_REQUESTED),
            ("provide_documents", provided, Status.UNDER_REVIEW),
            ("request_site_visit", visit, Status.SITE_VISIT),
            ("refuse" if refused else "approve", decided, Status.REFUSED if refused else Status.APPROVED),
            ("issue", issued, Status.ISSUED),
        ):
            if at is not None:
                history.append((name, at, after, True))
        status = history[-1][2]
        started_on = complete.date() if complete else None
        paused_since = asked.date() if waiting else None
        paused_days = (provided.date() - asked.date()).days if provided else 0
        clock = Clock(started_on, kind.deadline_days, kind.working_days, paused_days, paused_since)
        history = self._pad(history, self.now)
        self.permits.add(
            {
                "id": number,
                "commune_id": commune.id,
                "type_id": kind.id,
                "applicant_id": self.applicants[commune.id],
                "status": status.value,
                "reference": f"P-B-{number:08d}",
                "tracking_code": f"BP{number % 1_000_000:06d}",
                "created_at": submitted,
                "updated_at": history[-1][1],
                "submitted_at": submitted,
                "channel": "web",
                "applicant_name": f"Demandeur {number}",
                "not_titled": False,
                "details": {},
                "steps_done": [],
                "clock_started_on": started_on,
                "paused_since": paused_since,
                "paused_days": paused_days,
                "legal_days": kind.deadline_days if complete else None,
                "working_days": kind.working_days if complete else None,
                "silence_is_approval": kind.silence_is_approval if complete else None,
                "due_on": clock.due_on(self.holidays),
                "due_number": clock.due_number(self.holidays),
                "version": 1,
                "decided_at": decided,
                "refusal_reasons": ["Motif."] if refused else [],
                "permit_number": f"B/{commune.code}/{number:08d}" if issued else None,
                "issued_on": issued.date() if issued else None,
                "valid_until": (issued + timedelta(days=365)).date() if issued else None,
                "verify_code": f"bench-{number}" if issued else None,
            }
        )
        for name, at, after, public in history:
            self.permit_events.add(
                {
                    "case_id": number,
                    "at": at,
                    "event": name,
                    "status": after.value if after else None,
                    "params": {},
                    "public": public,
                }
            )

    def grow(self, complaints: tuple[int, int], permits: tuple[int, int]) -> None:
        """Complaints numbered complaints[0]..complaints[1]-1, files likewise, then the statistics."""
        for number in range(*complaints):
            self.complaint(number)
        for number in range(*permits):
            self.permit(number)
        for writer in (self.complaints, self.complaint_events, self.permits, self.permit_events):
            writer.flush()
        self.db.session.commit()


COMPLAINT_COLUMNS = [
    "id",
    "commune_id",
    "category_id",
    "kind",
    "status",
    "reference",
    "tracking_code",
    "description",
    "outside_commune",
    "channel",
    "received_at",
    "acknowledged_at",
    "answered_at",
    "closed_at",
    "updated_at",
    "department",
    "outcome",
    "answer",
    "location_text",
    "reopen_count",
    "version",
]
PERMIT_COLUMNS = [
    "id",
    "commune_id",
    "type_id",
    "applicant_id",
    "status",
    "reference",
    "tracking_code",
    "created_at",
    "updated_at",
    "submitted_at",
    "channel",
    "applicant_name",
    "not_titled",
    "details",
    "steps_done",
    "clock_started_on",
    "paused_since",
    "paused_days",
    "legal_days",
    "working_days",
    "silence_is_approval",
    "due_on",
    "due_number",
    "version",
    "decided_at",
    "refusal_reasons",
    "permit_number",
    "issued_on",
    "valid_until",
    "verify_code",
]


def EVENT_COLUMNS(case_column: str) -> list[str]:  # noqa: N802 (a table's columns, like the lists above)
    return [case_column, "at", "event", "status", "params", "public"]


# --- the database ----------------------------------------------------------------------------


def reset_postgres(url: str) -> None:
    """An empty schema in the database ``url`` names, made first on a server that has none."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = sa.engine.make_url(url).database or ""
    if "bench" not in name:
        sys.exit(f"bench-scale empties its database: use one whose name says bench (not {name!r})")
    server = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(app) -> dict:
    """Schema, communes, types, 20 open communes (the big one first), a clerk of the big commune."""
    from flask_migrate import upgrade

    from app.auth.services import create_staff
    from app.communes.services import get_by_code, import_communes, open_commune
    from app.complaints.models import ComplaintCategory
    from app.extensions import db
    from app.models import Commune, Role, User
    from app.permits.models import PermitType
    from app.permits.services import holidays, seed_types

    with app.app_context():
        upgrade()
        import_communes()
        seed_types()
        big = get_by_code(BIG_CODE)
        others = db.session.scalars(
            sa.select(Commune).where(Commune.id != big.id).order_by(Commune.code).limit(COMMUNES - 1)
        ).all()
        communes = [big, *others]
        applicants = {}
        for commune in communes:
            open_commune(commune)
            citizen = User(email=f"bench-{commune.code}@example.ma", full_name="Bench", role=Role.CITIZEN)
            citizen.commune = commune
            citizen.set_password(PASSWORD)
            db.session.add(citizen)
            db.session.flush()
            applicants[commune.id] = citizen.id
        create_staff(login=CLERK, password=PASSWORD, full_name="Clerk", role=Role.CLERK, commune=big)
        db.session.commit()
        categories = {
            c.id: list(db.session.scalars(sa.select(ComplaintCategory).where(ComplaintCategory.commune_id == c.id)))
            for c in communes
        }
        types = list(db.session.scalars(sa.select(PermitType)))
        for item in [*communes, *types, *(x for group in categories.values() for x in group)]:
            db.session.expunge(item)
        return {
            "communes": communes,
            "categories": categories,
            "types": types,
            "applicants": applicants,
            "holidays": holidays(),
        }


def after_seeding(db) -> None:
    """Sequences past the ids given, and fresh statistics for the planner."""
    if db.engine.dialect.name == "postgresql":
        for table in ("complaints", "permit_cases"):
            db.session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


# --- timing ----------------------------------------------------------------------------------


def pages(code: str, complaint_reference: str, tracking: str) -> list[tuple[str, str, dict | None]]:
    """(label, path, form to POST or None) for the pages of the issue's table."""
    api = f"/open311/v2/requests.json?jurisdiction_id={code}"
    return [
        ("permit queue, first page", "/desk/permits", None),
        ("permit queue, status=under_review", "/desk/permits?status=under_review", None),
        ("complaint queue, first page", "/desk/complaints", None),
        ("complaint queue, page 50", "/desk/complaints?page=50", None),
        ("staff home counts", "/", None),
        ("Open311 requests.json", api, None),
        ("Open311 status=open&service_code=roads", f"{api}&status=open&service_code=roads", None),
        ("a complaint's public page", f"/complaints/{complaint_reference}/public", None),
        ("/track lookup", "/track", {"reference": complaint_reference, "code": tracking}),
    ]


def time_pages(app, runs: int) -> dict[str, tuple[float, float]]:
    from app.communes.services import get_by_code
    from app.complaints.models import Complaint
    from app.extensions import db

    with app.app_context():
        big = get_by_code(BIG_CODE)
        complaint = db.session.scalar(
            sa.select(Complaint).where(Complaint.commune_id == big.id).order_by(Complaint.id.desc()).limit(1)
        )
        reference, tracking = complaint.reference, complaint.tracking_code
    client = app.test_client()
    response = client.post("/signin", data={"login": CLERK, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    found = {}
    for label, path, form in pages(BIG_CODE, reference, tracking):
        # A complaint's public page and /track answer anyone: asked without the clerk's session.
        asker = client if form is None and not path.startswith("/complaints/") else app.test_client()

        assert _ask(asker, path, form).status_code == 200, (label, path)  # warm: templates, caches
        times, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), time.process_time()
            status = _ask(asker, path, form).status_code
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            assert status == 200, (label, status)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        found[label] = (statistics.median(times), p95, statistics.median(cpu))
    return found


def _ask(client, path: str, form: dict | None):
    if form is None:
        return client.get(path, headers={"Accept-Language": "fr"})
    return client.post(path, data=form, headers={"Accept-Language": "fr"})


def print_table(engine: str, sizes: list[tuple[int, int]], results: list[dict]) -> None:
    target = TARGET_MS[engine]
    (small_c, small_p), (large_c, large_p) = sizes
    print(f"\n{engine}: {small_c:,} complaints / {small_p:,} files against {large_c:,} / {large_p:,}")
    print(f"{'page':<42} {'small p50':>9} {'p95':>7}  {'large p50':>9} {'p95':>7}  {'ratio':>6}  {'app CPU':>14}")
    for label in results[0]:
        (s50, s95, s_cpu), (l50, l95, l_cpu) = results[0][label], results[1][label]
        ratio = l50 / s50 if s50 else float("inf")
        verdict = "ok" if l50 <= target and (engine != "postgresql" or ratio <= 2) else "OVER"
        print(
            f"{label:<42} {s50:7.1f}ms {s95:5.1f}ms  {l50:7.1f}ms {l95:5.1f}ms  {ratio:6.2f}"
            f"  {s_cpu:5.1f}/{l_cpu:5.1f}ms  {verdict}"
        )
    print(f"(target: p50 ≤ {target} ms at the large size" + (", ratio ≤ 2)" if engine == "postgresql" else ")"))
    print("(app CPU: this process's CPU time per request, small/large p50: what the page costs the app server")
    print(" whatever else the machine runs; the wall clock adds the waits and the database's work)")


def main() -> int:
    from bench import performance

    with tempfile.TemporaryDirectory(prefix="jamaati-bench-scale-") as instance:
        os.environ.setdefault("JAMAATI_DEMO", "1")
        os.environ["JAMAATI_INSTANCE"] = instance
        url = os.environ.get("DATABASE_URL") or ""
        if url.startswith("postgres"):
            reset_postgres(url)
        from app import create_app
        from app.config import Config
        from app.extensions import db

        config = Config()
        config.WTF_CSRF_ENABLED = False  # the bench signs in without reading the form first
        config.RATELIMIT_ENABLED = False  # /track is asked many times from one address
        app = create_app(config)
        app.logger.setLevel("WARNING")
        engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
        world = prepare(app)
        print(f"bench-scale on {engine}: {COMMUNES} communes, {BIG_SHARE:.0%} of cases in {BIG_CODE}", flush=True)
        sizes, results, done = [], [], (1, 1)
        for complaints in (SMALL, LARGE):
            permits = round(complaints * FILES_PER_COMPLAINT)
            started = time.perf_counter()
            with app.app_context():
                seeder = Seeder(
                    db, world["communes"], world["categories"], world["types"], world["applicants"], world["holidays"]
                )
                seeder.grow((done[0], complaints + 1), (done[1], permits + 1))
                seeded = time.perf_counter() - started
                after_seeding(db)
            done = (complaints + 1, permits + 1)
            print(
                f"seeded to {complaints:,} complaints and {permits:,} files in {seeded:.0f} s "
                f"(+ {time.perf_counter() - started - seeded:.0f} s statistics)",
                flush=True,
            )
            sizes.append((complaints, permits))
            results.append(time_pages(app, RUNS))
        print_table(engine, sizes, results)
        found = performance.measure(app, BIG_CODE)
        print(f"\ntransparency at {LARGE:,} complaints:")
        performance.print_report(BIG_CODE, performance.counts_of(app, BIG_CODE), found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
