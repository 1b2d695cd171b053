"""public performance figures per commune, period and measure; the channel of every case

Revision ID: 0012_performance
Revises: 0011_written_at
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_performance"
down_revision = "0011_written_at"
branch_labels = None
depends_on = None

CHANNELS = ("web", "open311", "counter", "letter", "phone")
CHANNEL_CHECK = "channel IN ({})".format(", ".join(f"'{c}'" for c in CHANNELS))
WINDOWS = ("last_30_days", "last_12_months", "since_opening")
DIMENSIONS = ("", "type", "kind", "category", "department", "channel", "outcome")


def upgrade():
    op.create_table(
        "performance_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("measure", sa.String(length=48), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cases >= 0", name=op.f("ck_performance_figures_cases")),
        sa.CheckConstraint(
            "dimension IN ({})".format(", ".join(f"'{d}'" for d in DIMENSIONS)),
            name=op.f("ck_performance_figures_dimension"),
        ),
        sa.CheckConstraint(
            "length(period) = 7 OR period IN ({})".format(", ".join(f"'{w}'" for w in WINDOWS)),
            name=op.f("ck_performance_figures_period"),
        ),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_performance_figures_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_figures")),
        sa.UniqueConstraint(
            "commune_id", "period", "measure", "dimension", "key", name=op.f("uq_performance_figures_commune_id")
        ),
    )
    with op.batch_alter_table("performance_figures") as batch:
        batch.create_index(batch.f("ix_performance_figures_commune_id"), ["commune_id"], unique=False)

    with op.batch_alter_table("permit_cases") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=False, server_default="web"))
        batch.create_check_constraint(op.f("ck_permit_cases_channel"), CHANNEL_CHECK)

    # Complaints had a free `source` (web | open311): it becomes the checked `channel`.
    op.execute("UPDATE complaints SET source = 'web' WHERE source IS NULL OR source NOT IN ('web', 'open311')")
    with op.batch_alter_table("complaints") as batch:
        batch.alter_column(
            "source",
            new_column_name="channel",
            existing_type=sa.String(length=16),
            existing_nullable=False,
            server_default="web",
        )
    with op.batch_alter_table("complaints") as batch:
        batch.create_check_constraint(op.f("ck_complaints_channel"), CHANNEL_CHECK)


def downgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.drop_constraint(op.f("ck_complaints_channel"), type_="check")
    with op.batch_alter_table("complaints") as batch:
        batch.alter_column(
            "channel",
            new_column_name="source",
            existing_type=sa.String(length=16),
            existing_nullable=False,
            server_default=None,
        )
    with op.batch_alter_table("permit_cases") as batch:
        batch.drop_constraint(op.f("ck_permit_cases_channel"), type_="check")
        batch.drop_column("channel")
    with op.batch_alter_table("performance_figures") as batch:
        batch.drop_index(batch.f("ix_performance_figures_commune_id"))
    op.drop_table("performance_figures")
