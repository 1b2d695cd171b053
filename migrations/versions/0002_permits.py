"""permits: types, files, documents, timeline, opinions, holidays; staff decision right

Revision ID: 0002_permits
Revises: 0001_foundation
Create Date: 2026-11-29 09:02:43.944979

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_permits"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_holidays_day")),
    )
    op.create_table(
        "permit_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_ar", sa.String(length=160), nullable=False),
        sa.Column("name_fr", sa.String(length=160), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("agency_kinds", sa.JSON(), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("working_days", sa.Boolean(), nullable=False),
        sa.Column("silence_is_approval", sa.Boolean(), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_types")),
        sa.UniqueConstraint("code", name=op.f("uq_permit_types_code")),
    )
    op.create_table(
        "permit_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "documents_requested",
                "under_review",
                "site_visit",
                "decision_pending",
                "approved",
                "refused",
                "issued",
                "revoked",
                "withdrawn",
                name="status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("tracking_code", sa.String(length=12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applicant_name", sa.String(length=120), nullable=True),
        sa.Column("applicant_cin", sa.String(length=8), nullable=True),
        sa.Column("applicant_phone", sa.String(length=16), nullable=True),
        sa.Column("applicant_address", sa.String(length=240), nullable=True),
        sa.Column("land_title", sa.String(length=40), nullable=True),
        sa.Column("not_titled", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=240), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("steps_done", sa.JSON(), nullable=False),
        sa.Column("clock_started_on", sa.Date(), nullable=True),
        sa.Column("paused_since", sa.Date(), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("legal_days", sa.Integer(), nullable=True),
        sa.Column("working_days", sa.Boolean(), nullable=True),
        sa.Column("silence_is_approval", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("refusal_reasons", sa.JSON(), nullable=False),
        sa.Column("permit_number", sa.String(length=40), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("verify_code", sa.String(length=24), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["applicant_id"], ["users.id"], name=op.f("fk_permit_cases_applicant_id_users")),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_permit_cases_commune_id_communes")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_permit_cases_decided_by_id_users")),
        sa.ForeignKeyConstraint(["type_id"], ["permit_types.id"], name=op.f("fk_permit_cases_type_id_permit_types")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_cases")),
        sa.UniqueConstraint("permit_number", name=op.f("uq_permit_cases_permit_number")),
        sa.UniqueConstraint("reference", name=op.f("uq_permit_cases_reference")),
        sa.UniqueConstraint("verify_code", name=op.f("uq_permit_cases_verify_code")),
    )
    with op.batch_alter_table("permit_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_permit_cases_applicant_id"), ["applicant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_cases_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_cases_status"), ["status"], unique=False)

    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=80), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["permit_cases.id"], name=op.f("fk_case_documents_case_id_permit_cases")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_case_documents_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_case_documents_storage_name")),
    )
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_documents_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "documents_requested",
                "under_review",
                "site_visit",
                "decision_pending",
                "approved",
                "refused",
                "issued",
                "revoked",
                "withdrawn",
                name="status",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["permit_cases.id"], name=op.f("fk_case_events_case_id_permit_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)

    op.create_table(
        "document_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["permit_cases.id"], name=op.f("fk_document_requests_case_id_permit_cases")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_document_requests_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_requests")),
    )
    with op.batch_alter_table("document_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_requests_case_id"), ["case_id"], unique=False)

    op.create_table(
        "opinions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "favourable", "favourable_with_conditions", "unfavourable", name="verdict", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("on_paper", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], name=op.f("fk_opinions_agency_id_agencies")),
        sa.ForeignKeyConstraint(["case_id"], ["permit_cases.id"], name=op.f("fk_opinions_case_id_permit_cases")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_opinions_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinions")),
        sa.UniqueConstraint("case_id", "agency_id", name=op.f("uq_opinions_case_id")),
    )
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opinions_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("may_decide", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(
            "staff_have_a_commune", "role IN ('citizen', 'national_admin') OR commune_id IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_staff_have_a_commune"), type_="check")
        batch_op.drop_column("may_decide")

    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opinions_case_id"))

    op.drop_table("opinions")
    with op.batch_alter_table("document_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_requests_case_id"))

    op.drop_table("document_requests")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))

    op.drop_table("case_events")
    with op.batch_alter_table("case_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_documents_case_id"))

    op.drop_table("case_documents")
    with op.batch_alter_table("permit_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_permit_cases_status"))
        batch_op.drop_index(batch_op.f("ix_permit_cases_commune_id"))
        batch_op.drop_index(batch_op.f("ix_permit_cases_applicant_id"))

    op.drop_table("permit_cases")
    op.drop_table("permit_types")
    op.drop_table("holidays")
