"""the counter: files filed by a clerk for a person present (no account until claimed), by whom;
the practice space's fictitious cases, marked

Revision ID: 0018_counter
Revises: 0017_auth
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_counter"
down_revision = "0017_auth"
branch_labels = None
depends_on = None

PRACTICE_TABLES = ("permit_cases", "complaints", "inspections", "inspection_reports")


def upgrade():
    for table in PRACTICE_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("practice", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("permit_cases") as batch:
        batch.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_permit_cases_filed_by_id_users"), "users", ["filed_by_id"], ["id"])
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=True)
        batch.create_check_constraint(
            batch.f("ck_permit_cases_applicant_or_filed_by"), "applicant_id IS NOT NULL OR filed_by_id IS NOT NULL"
        )
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("contact_cin", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_complaints_filed_by_id_users"), "users", ["filed_by_id"], ["id"])


def downgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.drop_constraint(batch.f("fk_complaints_filed_by_id_users"), type_="foreignkey")
        batch.drop_column("filed_by_id")
        batch.drop_column("contact_cin")
    op.execute("DELETE FROM permit_cases WHERE applicant_id IS NULL")
    with op.batch_alter_table("permit_cases") as batch:
        batch.drop_constraint(batch.f("ck_permit_cases_applicant_or_filed_by"), type_="check")
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(batch.f("fk_permit_cases_filed_by_id_users"), type_="foreignkey")
        batch.drop_column("filed_by_id")
    for table in PRACTICE_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("practice")
