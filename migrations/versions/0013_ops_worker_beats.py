"""when each kind of worker last finished a pass (what /healthz reports)

Revision ID: 0013_ops
Revises: 0012_performance
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_ops"
down_revision = "0012_performance"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_beats",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_beats")),
    )


def downgrade():
    op.drop_table("worker_beats")
