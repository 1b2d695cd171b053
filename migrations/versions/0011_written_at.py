"""when a complaint was written, by the phone's clock (it may wait in the outbox before it arrives)

Revision ID: 0011_written_at
Revises: 0010_scoped_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_written_at"
down_revision = "0010_scoped_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("written_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("written_at")
