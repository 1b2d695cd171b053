"""public holidays get their Arabic name beside the French one; the seeded fixed holidays are filled in

Revision ID: 0016_ui
Revises: 0015_scale
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_ui"
down_revision = "0015_scale"
branch_labels = None
depends_on = None

# The fixed holidays as seeded until now (French names only), and their Arabic names.
ARABIC = {
    "Nouvel An": "رأس السنة الميلادية",
    "Manifeste de l'indépendance": "ذكرى تقديم وثيقة الاستقلال",
    "Nouvel An amazigh": "رأس السنة الأمازيغية",
    "Fête du Travail": "عيد الشغل",
    "Fête du Trône": "عيد العرش",
    "Oued Eddahab": "ذكرى استرجاع إقليم وادي الذهب",
    "Révolution du Roi et du Peuple": "ذكرى ثورة الملك والشعب",
    "Fête de la Jeunesse": "عيد الشباب",
    "Marche Verte": "ذكرى المسيرة الخضراء",
    "Fête de l'Indépendance": "عيد الاستقلال",
}


def upgrade():
    with op.batch_alter_table("holidays") as batch:
        batch.add_column(sa.Column("name_ar", sa.String(length=120), nullable=True))
    holidays = sa.table("holidays", sa.column("name", sa.String), sa.column("name_ar", sa.String))
    for french, arabic in ARABIC.items():
        op.execute(holidays.update().where(holidays.c.name == french).values(name_ar=arabic))


def downgrade():
    with op.batch_alter_table("holidays") as batch:
        batch.drop_column("name_ar")
