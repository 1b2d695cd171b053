"""permit applications started offline: an idempotency key per new application

Revision ID: 0004_offline_keys
Revises: 0003_complaints
Create Date: 2026-11-29 11:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_offline_keys"
down_revision = "0003_complaints"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("permit_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_permit_cases_idempotency_key"), ["idempotency_key"])


def downgrade():
    with op.batch_alter_table("permit_cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_permit_cases_idempotency_key"), type_="unique")
        batch_op.drop_column("idempotency_key")
