"""complaints, categories, photos, timeline, supporters, Open311 clients

Revision ID: 0003_complaints
Revises: 0002_permits
Create Date: 2026-11-29 09:55:59.970058

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_complaints"
down_revision = "0002_permits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_clients_key_hash")),
    )
    op.create_table(
        "complaint_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_ar", sa.String(length=120), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=False),
        sa.Column("duplicate_radius_m", sa.Integer(), nullable=False),
        sa.Column("answer_templates", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_complaint_categories_commune_id_communes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_categories")),
        sa.UniqueConstraint("commune_id", "code", name=op.f("uq_complaint_categories_commune_id")),
    )
    with op.batch_alter_table("complaint_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_categories_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("complaint", "observation", "suggestion", name="kind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "acknowledged",
                "in_progress",
                "answered",
                "closed",
                name="status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("tracking_code", sa.String(length=12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("location_text", sa.String(length=240), nullable=True),
        sa.Column("outside_commune", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("contact_phone", sa.String(length=16), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("api_client_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department", sa.String(length=120), nullable=True),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("resolved", "not_resolved", "not_competent", name="outcome", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["api_client_id"], ["api_clients.id"], name=op.f("fk_complaints_api_client_id_api_clients")
        ),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["users.id"], name=op.f("fk_complaints_assigned_to_id_users")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_complaints_author_id_users")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["complaint_categories.id"], name=op.f("fk_complaints_category_id_complaint_categories")
        ),
        sa.ForeignKeyConstraint(["commune_id"], ["communes.id"], name=op.f("fk_complaints_commune_id_communes")),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["complaints.id"], name=op.f("fk_complaints_merged_into_id_complaints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_complaints_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_complaints_reference")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "acknowledged",
                "in_progress",
                "answered",
                "closed",
                name="status",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_complaint_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_complaint_events_complaint_id_complaints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_events_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_complaint_photos_complaint_id_complaints")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_photos")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_complaint_photos_storage_name")),
    )
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_photos_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_supporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=254), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name=op.f("fk_complaint_supporters_complaint_id_complaints")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_complaint_supporters_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_supporters")),
        sa.UniqueConstraint("complaint_id", "user_id", name=op.f("uq_complaint_supporters_complaint_id")),
    )
    with op.batch_alter_table("complaint_supporters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_supporters_complaint_id"), ["complaint_id"], unique=False)


def downgrade():
    with op.batch_alter_table("complaint_supporters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_supporters_complaint_id"))

    op.drop_table("complaint_supporters")
    with op.batch_alter_table("complaint_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_photos_complaint_id"))

    op.drop_table("complaint_photos")
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_events_complaint_id"))

    op.drop_table("complaint_events")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_received_at"))
        batch_op.drop_index(batch_op.f("ix_complaints_commune_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_category_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_author_id"))

    op.drop_table("complaints")
    with op.batch_alter_table("complaint_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_categories_commune_id"))

    op.drop_table("complaint_categories")
    op.drop_table("api_clients")
