from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import position_checks
from app.extensions import db
from app.i18n import current_language


class Commune(db.Model):
    """One of Morocco's 1,503 communes, as published by the HCP."""

    __tablename__ = "communes"
    __table_args__ = (
        *position_checks("centre_latitude", "centre_longitude"),
        # The area is a centre and a radius: all three, or none.
        sa.CheckConstraint(
            "(centre_latitude IS NULL) = (area_radius_km IS NULL) AND (area_radius_km IS NULL OR area_radius_km > 0)",
            name="area_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # HCP code, e.g. 01.511.01.0
    slug: Mapped[str] = mapped_column(sa.String(80), index=True)
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_ar: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(10))  # urban | rural
    region_code: Mapped[str] = mapped_column(sa.String(4))
    region_fr: Mapped[str] = mapped_column(sa.String(120))
    region_ar: Mapped[str] = mapped_column(sa.String(120))
    province_code: Mapped[str] = mapped_column(sa.String(10))
    province_fr: Mapped[str] = mapped_column(sa.String(120))
    province_ar: Mapped[str] = mapped_column(sa.String(120))
    population: Mapped[int | None]
    opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    # The HCP publishes no boundaries: the commune's admin gives a centre and a radius, enough
    # to flag a complaint positioned far away (flagged for the clerk, never refused).
    centre_latitude: Mapped[float | None]
    centre_longitude: Mapped[float | None]
    area_radius_km: Mapped[float | None]

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    @property
    def has_area(self) -> bool:
        return None not in (self.centre_latitude, self.centre_longitude, self.area_radius_km)

    @property
    def name(self) -> str:
        return self.name_ar if current_language() == "ar" else self.name_fr

    @property
    def province(self) -> str:
        return self.province_ar if current_language() == "ar" else self.province_fr

    @property
    def region(self) -> str:
        return self.region_ar if current_language() == "ar" else self.region_fr

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name_fr}>"
