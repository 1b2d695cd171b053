"""sign-in sessions kept on the server (revoked at sign-out, password change, deactivation);
password resets by e-mail link or counter code; sign-in failures counted in the rate limiter's
storage (Redis) instead of the lockout table

Revision ID: 0017_auth
Revises: 0016_ui
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_auth"
down_revision = "0016_ui"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("login_throttles")
    op.create_table(
        "account_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_sessions_token_hash")),
    )
    with op.batch_alter_table("account_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_account_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("email", "counter", name="reset_kind", native_enum=False, length=8), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("cin_checked", sa.String(length=8), nullable=True),
        sa.CheckConstraint(
            "kind = 'email' OR (issued_by_id IS NOT NULL AND cin_checked IS NOT NULL)",
            name=op.f("ck_password_resets_counter_code_issuer"),
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_password_resets_failed_attempts")),
        sa.CheckConstraint("kind IN ('email', 'counter')", name=op.f("ck_password_resets_reset_kind")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_password_resets_issued_by_id_users")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
    )
    with op.batch_alter_table("password_resets") as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_secret_hash"), ["secret_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_password_resets_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("password_resets")
    op.drop_table("account_sessions")
    op.create_table(
        "login_throttles",
        sa.Column("identifier", sa.String(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("identifier", name=op.f("pk_login_throttles")),
    )
