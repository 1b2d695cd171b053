"""the queues' indexes name the practice flag after the commune: since 0018 every query of the
cases says "practice = false" (or true), which the indexes of 0015 did not hold, so each count and
each page went back to the table for every row it considered; the permit indexes keep the
reference too (the desk reads only files that have one), the complaints' category index the status
and reference Open311 filters on

Revision ID: 0020_practice_in_indexes
Revises: 0019_agency_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_practice_in_indexes"
down_revision = "0019_agency_names"
branch_labels = None
depends_on = None

COMPLAINTS_OPEN = "status IN ('received', 'acknowledged', 'in_progress')"
PERMITS_OPEN = "status IN ('submitted', 'documents_requested', 'under_review', 'site_visit', 'decision_pending')"
PERMITS_WAITING = f"clock_started_on IS NULL AND {PERMITS_OPEN}"
PERMITS_CLOSED = "status IN ('approved', 'refused', 'issued', 'revoked', 'withdrawn')"
QUEUE_INCLUDE = ["paused_since", "working_days", "legal_days", "due_on", "submitted_at", "updated_at"]
INCLUDE = {  # columns kept beside the keys (PostgreSQL), before and after
    "ix_permit_cases_queue": (QUEUE_INCLUDE, [*QUEUE_INCLUDE, "reference", "id"]),
    "ix_permit_cases_waiting": (None, ["reference"]),
    "ix_permit_cases_closed": (None, ["reference"]),
    "ix_complaints_commune_category": (None, ["status", "reference"]),  # Open311's service_code with status
}
# (name, table, columns after commune_id, partial condition)
INDEXES = [
    ("ix_permit_cases_queue", "permit_cases", ["status", "clock_started_on", "due_number"], None),
    ("ix_permit_cases_waiting", "permit_cases", ["submitted_at"], PERMITS_WAITING),
    ("ix_permit_cases_closed", "permit_cases", ["updated_at", "id"], PERMITS_CLOSED),
    ("ix_complaints_open_queue", "complaints", ["received_at", "id"], COMPLAINTS_OPEN),
    ("ix_complaints_closed_queue", "complaints", ["updated_at", "id"], f"NOT ({COMPLAINTS_OPEN})"),
    ("ix_complaints_commune_status", "complaints", ["status", "received_at"], None),
    ("ix_complaints_commune_category", "complaints", ["category_id", "received_at"], None),
    ("ix_complaints_public", "complaints", ["received_at", "id"], "reference IS NOT NULL"),
]


def _rebuild(with_practice: bool) -> None:
    for name, table, columns, where in INDEXES:
        op.drop_index(name, table_name=table)
        where = sa.text(where) if where else None
        include = INCLUDE.get(name, (None, None))[with_practice]
        leading = ["commune_id", "practice"] if with_practice else ["commune_id"]
        op.create_index(
            name, table, leading + columns, postgresql_where=where, sqlite_where=where, postgresql_include=include
        )


def upgrade():
    _rebuild(with_practice=True)


def downgrade():
    _rebuild(with_practice=False)
