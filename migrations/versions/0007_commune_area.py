"""a commune's centre and radius, to flag complaints positioned outside it

Revision ID: 0007_commune_area
Revises: 0006_inspections
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_commune_area"
down_revision = "0006_inspections"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("communes") as batch:
        batch.add_column(sa.Column("centre_latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("centre_longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("area_radius_km", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("area_radius_km")
        batch.drop_column("centre_longitude")
        batch.drop_column("centre_latitude")
