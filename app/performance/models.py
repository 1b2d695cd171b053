"""The public figures, as the daily roll-up leaves them: pages and files read only this table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.dates import utcnow
from app.extensions import db

# A period is a month ("2026-03") or one of these windows, as of the day of the roll-up.
WINDOWS = ("last_30_days", "last_12_months", "since_opening")
DIMENSIONS = ("", "type", "kind", "category", "department", "channel", "outcome")


class PerformanceFigure(db.Model):
    """One figure of one commune: a measure over a period, for the whole commune (dimension "")
    or for one permit type, kind, category, department, channel or outcome (``key``).

    ``cases`` is how many cases the figure is drawn from. It is never published: below five the
    figure itself is shown as "fewer than 5" (see app/performance/figures.py)."""

    __tablename__ = "performance_figures"
    __table_args__ = (
        sa.UniqueConstraint("commune_id", "period", "measure", "dimension", "key"),
        sa.CheckConstraint("cases >= 0", name="cases"),
        sa.CheckConstraint(
            "dimension IN ({})".format(", ".join(f"'{d}'" for d in DIMENSIONS)),
            name="dimension",
        ),
        sa.CheckConstraint(
            "length(period) = 7 OR period IN ({})".format(", ".join(f"'{w}'" for w in WINDOWS)),
            name="period",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(16))
    measure: Mapped[str] = mapped_column(sa.String(48))
    dimension: Mapped[str] = mapped_column(sa.String(16), default="")
    key: Mapped[str] = mapped_column(sa.String(120), default="")
    cases: Mapped[int]
    value: Mapped[float | None]
    refreshed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
