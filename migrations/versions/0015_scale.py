"""the desk at a million cases: each permit file keeps its legal due date (and the number its
queue sorts by); composite and partial indexes for what each queue filters and sorts by

Revision ID: 0015_scale
Revises: 0014_security
"""

import sqlalchemy as sa
from alembic import op

from app.permits.clock import Clock

revision = "0015_scale"
down_revision = "0014_security"
branch_labels = None
depends_on = None

COMPLAINTS_OPEN = "status IN ('received', 'acknowledged', 'in_progress')"
PERMITS_OPEN = "status IN ('submitted', 'documents_requested', 'under_review', 'site_visit', 'decision_pending')"
PERMITS_WAITING = f"clock_started_on IS NULL AND {PERMITS_OPEN}"
PERMITS_CLOSED = "status IN ('approved', 'refused', 'issued', 'revoked', 'withdrawn')"
QUEUE_INCLUDE = ["paused_since", "working_days", "legal_days", "due_on", "submitted_at", "updated_at"]
INDEXES = [
    ("ix_permit_cases_queue", "permit_cases", ["commune_id", "status", "clock_started_on", "due_number"], None),
    ("ix_permit_cases_waiting", "permit_cases", ["commune_id", "submitted_at"], PERMITS_WAITING),
    ("ix_permit_cases_closed", "permit_cases", ["commune_id", "updated_at", "id"], PERMITS_CLOSED),
    ("ix_complaints_open_queue", "complaints", ["commune_id", "received_at", "id"], COMPLAINTS_OPEN),
    ("ix_complaints_closed_queue", "complaints", ["commune_id", "updated_at", "id"], f"NOT ({COMPLAINTS_OPEN})"),
    ("ix_complaints_commune_status", "complaints", ["commune_id", "status", "received_at"], None),
    ("ix_complaints_commune_category", "complaints", ["commune_id", "category_id", "received_at"], None),
    ("ix_complaints_public", "complaints", ["commune_id", "received_at", "id"], "reference IS NOT NULL"),
]


def upgrade():
    with op.batch_alter_table("permit_cases") as batch:
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_number", sa.Integer(), nullable=True))
    _keep_due_dates()
    for name, table, columns, where in INDEXES:
        where = sa.text(where) if where else None
        include = QUEUE_INCLUDE if name == "ix_permit_cases_queue" else None
        op.create_index(name, table, columns, postgresql_where=where, sqlite_where=where, postgresql_include=include)


def _keep_due_dates():
    """Files whose clock already runs: their rule as their page reads it (the type's, where the
    file kept none), their due date and number as app/permits/clock.py counts them."""
    bind = op.get_bind()
    holidays = set(bind.scalars(sa.text("SELECT day FROM holidays").columns(day=sa.Date())))
    rows = bind.execute(
        sa.text(
            "SELECT c.id, c.clock_started_on, c.paused_since, c.paused_days, "
            "COALESCE(c.legal_days, t.deadline_days) AS legal_days, "
            "COALESCE(c.working_days, t.working_days) AS working_days "
            "FROM permit_cases c JOIN permit_types t ON t.id = c.type_id WHERE c.clock_started_on IS NOT NULL"
        ).columns(clock_started_on=sa.Date(), paused_since=sa.Date(), working_days=sa.Boolean())
    ).all()
    updates = []
    for row in rows:
        clock = Clock(row.clock_started_on, row.legal_days, bool(row.working_days), row.paused_days, row.paused_since)
        updates.append(
            {
                "id": row.id,
                "legal_days": row.legal_days,
                "working_days": bool(row.working_days),
                "due_on": clock.due_on(holidays),
                "due_number": clock.due_number(holidays),
            }
        )
    if updates:
        bind.execute(
            sa.text(
                "UPDATE permit_cases SET legal_days = :legal_days, working_days = :working_days, "
                "due_on = :due_on, due_number = :due_number WHERE id = :id"
            ).bindparams(sa.bindparam("due_on", type_=sa.Date()), sa.bindparam("working_days", type_=sa.Boolean())),
            updates,
        )


def downgrade():
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("permit_cases") as batch:
        batch.drop_column("due_number")
        batch.drop_column("due_on")
