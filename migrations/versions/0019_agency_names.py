"""agencies get their Arabic name beside the French one (the column "name" keeps the French)

Revision ID: 0019_agency_names
Revises: 0018_counter
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_agency_names"
down_revision = "0018_counter"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("name_ar", sa.String(length=160), nullable=True))


def downgrade():
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("name_ar")
