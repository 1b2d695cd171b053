"""inspections, reports, photos, checklists

Revision ID: 0006_inspections
Revises: 0005_notifications
Create Date: 2026-11-29 11:02:59.905487

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_inspections"
down_revision = "0005_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspection_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "site_visit",
                "end_of_works",
                "complaint_check",
                "unauthorised_construction",
                "public_domain_occupation",
                name="type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_inspection_checklists_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_checklists")),
        sa.UniqueConstraint("commune_id", "type", name=op.f("uq_inspection_checklists_commune_id")),
    )
    with op.batch_alter_table("inspection_checklists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_checklists_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("permit", "complaint", "on_the_spot", name="source", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "type",
            sa.Enum(
                "site_visit",
                "end_of_works",
                "complaint_check",
                "unauthorised_construction",
                "public_domain_occupation",
                name="type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("requested", "assigned", "reported", "cancelled", name="status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("permit_case_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=240), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["users.id"], name=op.f("fk_inspections_assigned_to_id_users")),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_inspections_commune_id_communes")),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_inspections_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(
            ["permit_case_id"], ["permit_cases.id"], name=op.f("fk_inspections_permit_case_id_permit_cases")
        ),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_inspections_requested_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_assigned_to_id"), ["assigned_to_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_permit_case_id"), ["permit_case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_status"), ["status"], unique=False)

    op.create_table(
        "inspection_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("compliant", "not_compliant", "no_access", name="outcome", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("public_summary", sa.Text(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"], name=op.f("fk_inspection_reports_agent_id_users")),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_inspection_reports_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_reports_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_reports")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_inspection_reports_idempotency_key")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_inspection_reports_inspection_id")),
    )
    with op.batch_alter_table("inspection_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_reports_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "inspection_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["inspection_reports.id"], name=op.f("fk_inspection_photos_report_id_inspection_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_photos")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_inspection_photos_storage_name")),
    )
    with op.batch_alter_table("inspection_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_photos_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("inspection_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_photos_report_id"))

    op.drop_table("inspection_photos")
    with op.batch_alter_table("inspection_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_reports_commune_id"))

    op.drop_table("inspection_reports")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_status"))
        batch_op.drop_index(batch_op.f("ix_inspections_permit_case_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_complaint_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_commune_id"))
        batch_op.drop_index(batch_op.f("ix_inspections_assigned_to_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("inspection_checklists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_checklists_commune_id"))

    op.drop_table("inspection_checklists")
