"""complaints get a public summary: the only words of a complaint the public sees, written and
published by a clerk (the citizen's description and typed address stay private)

Revision ID: 0014_security
Revises: 0013_ops
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_security"
down_revision = "0013_ops"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("public_summary", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("public_summary")
