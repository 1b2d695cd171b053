"""idempotency keys scoped to whoever made them: the keys already stored are rewritten as the
digest of their owner and the key (an account, an API client; guests' browsers are unknown, so a
guest's old key simply finds nothing any more)

Revision ID: 0010_scoped_keys
Revises: 0009_constraints
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0010_scoped_keys"
down_revision = "0009_constraints"
branch_labels = None
depends_on = None


def _scoped(owner: str, key: str) -> str:
    # As app.core.replay.owner_key computes it (copied: a migration never changes with the code).
    return hashlib.sha256(f"{owner}\x00{key.strip()[:200]}".encode()).hexdigest()


def _owner_of_complaint(key: str, author_id) -> tuple[str, str] | None:
    if key.startswith("open311:") and key.count(":") >= 2:
        _, client_id, raw = key.split(":", 2)
        return f"api:{client_id}", raw
    return (f"user:{author_id}", key) if author_id is not None else None


def upgrade():
    connection = op.get_bind()
    tables = {
        "complaints": "SELECT id, idempotency_key, author_id FROM complaints WHERE idempotency_key IS NOT NULL",
        "permit_cases": "SELECT id, idempotency_key, applicant_id FROM permit_cases WHERE idempotency_key IS NOT NULL",
        "inspection_reports": "SELECT id, idempotency_key, agent_id FROM inspection_reports",
    }
    for table, query in tables.items():
        for row_id, key, owner_id in connection.execute(sa.text(query)).all():
            owned = _owner_of_complaint(key, owner_id) if table == "complaints" else (f"user:{owner_id}", key)
            if owned is not None:
                connection.execute(
                    sa.text(f"UPDATE {table} SET idempotency_key = :key WHERE id = :id"),
                    {"key": _scoped(*owned), "id": row_id},
                )


def downgrade():
    pass  # a digest cannot be turned back into the key: old keys stay scoped (replays find nothing)
