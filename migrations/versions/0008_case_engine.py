"""one case engine: inspections get a timeline; notifications keep what their sentence needs
instead of pointing into the areas' timelines

Revision ID: 0008_case_engine
Revises: 0007_commune_area
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008_case_engine"
down_revision = "0007_commune_area"
branch_labels = None
depends_on = None

INSPECTION_STATUSES = ("requested", "assigned", "reported", "cancelled", "settled")

notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("params", sa.JSON),
    sa.column("permit_event_id", sa.Integer),
    sa.column("complaint_event_id", sa.Integer),
)


def upgrade():
    op.create_table(
        "inspection_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("status", sa.Enum(*INSPECTION_STATUSES, native_enum=False, length=16), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_inspection_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_events_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_events")),
    )
    op.create_index(op.f("ix_inspection_events_inspection_id"), "inspection_events", ["inspection_id"], unique=False)
    # Inspections made before they had a timeline start it with who asked for them, and when.
    op.execute(
        "INSERT INTO inspection_events (inspection_id, at, actor_id, event, status, params, public) "
        "SELECT id, created_at, requested_by_id, 'requested', 'requested', '{}', true FROM inspections"
    )
    _copy_event_params_into_notifications()
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("fk_notifications_permit_event_id_case_events", type_="foreignkey")
        batch.drop_constraint("fk_notifications_complaint_event_id_complaint_events", type_="foreignkey")
        batch.drop_column("permit_event_id")
        batch.drop_column("complaint_event_id")


def _copy_event_params_into_notifications():
    """A notification read its reference and status from the timeline entry it pointed to: it now
    keeps them in its own params."""
    connection = op.get_bind()
    sources = {
        "permit_event_id": "SELECT e.status, e.params, c.reference FROM case_events e "
        "JOIN permit_cases c ON c.id = e.case_id WHERE e.id = :id",
        "complaint_event_id": "SELECT e.status, e.params, c.reference FROM complaint_events e "
        "JOIN complaints c ON c.id = e.complaint_id WHERE e.id = :id",
    }
    rows = connection.execute(
        sa.select(notifications).where(
            sa.or_(notifications.c.permit_event_id.is_not(None), notifications.c.complaint_event_id.is_not(None))
        )
    ).all()
    for row in rows:
        column = "permit_event_id" if row.permit_event_id is not None else "complaint_event_id"
        found = connection.execute(sa.text(sources[column]), {"id": getattr(row, column)}).first()
        if found is None:
            continue
        status, event_params, reference = found
        if isinstance(event_params, str):  # SQLite hands JSON back as text to a plain SELECT
            event_params = json.loads(event_params)
        params = {"reference": reference, "status": status, **dict(row.params or {})}
        if "number" in (event_params or {}):
            params["number"] = event_params["number"]
        connection.execute(notifications.update().where(notifications.c.id == row.id).values(params=params))


def downgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("complaint_event_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("permit_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_notifications_complaint_event_id_complaint_events",
            "complaint_events",
            ["complaint_event_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            "fk_notifications_permit_event_id_case_events",
            "case_events",
            ["permit_event_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.drop_index(op.f("ix_inspection_events_inspection_id"), table_name="inspection_events")
    op.drop_table("inspection_events")
