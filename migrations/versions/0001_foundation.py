"""communes, agencies, users, login throttles

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-29 08:40:35.646753

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "communes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_ar", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("region_fr", sa.String(length=120), nullable=False),
        sa.Column("region_ar", sa.String(length=120), nullable=False),
        sa.Column("province_code", sa.String(length=10), nullable=False),
        sa.Column("province_fr", sa.String(length=120), nullable=False),
        sa.Column("province_ar", sa.String(length=120), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communes")),
        sa.UniqueConstraint("code", name=op.f("uq_communes_code")),
    )
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communes_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_communes_slug"), ["slug"], unique=False)

    op.create_table(
        "login_throttles",
        sa.Column("identifier", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("identifier", name=op.f("pk_login_throttles")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "commune_technical",
                "urban_agency",
                "civil_protection",
                "cadastre",
                "province",
                "culture",
                "other",
                name="agencykind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_agencies_commune_id_communes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agencies_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("cin", sa.String(length=8), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "citizen",
                "agent",
                "clerk",
                "reviewer",
                "admin",
                "national_admin",
                name="role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_users_agency_id_agencies")),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_users_commune_id_communes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("phone", name=op.f("uq_users_phone")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_role"), ["role"], unique=False)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_role"))
        batch_op.drop_index(batch_op.f("ix_users_commune_id"))

    op.drop_table("users")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agencies_commune_id"))

    op.drop_table("agencies")
    op.drop_table("login_throttles")
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communes_slug"))
        batch_op.drop_index(batch_op.f("ix_communes_opened_at"))

    op.drop_table("communes")
