"""Model helpers every area uses: names in three languages, enum columns the schema checks."""

from __future__ import annotations

import enum
import re

import sqlalchemy as sa

from app.i18n import current_language


def name_in_page_language(named) -> str:
    """Of something with name_ar / name_fr / name_en (a model, a row), the name in the page's
    language, the French one where it has none."""
    return getattr(named, f"name_{current_language()}") or named.name_fr


class Localized:
    """Models with name_ar / name_fr / name_en show the one for the page's language."""

    @property
    def name(self) -> str:
        return name_in_page_language(self)


def labeller(labels: dict, enum_type: type[enum.Enum]):
    """A function giving the label of a stored value (a status, a kind…), "" for an unknown one."""

    def label(value) -> str:
        try:
            return str(labels[enum_type(value)])
        except ValueError:
            return str(value or "")

    return label


def enum_column(enum_cls: type[enum.Enum], length: int) -> sa.Enum:
    """A string column holding the enum's values; the database refuses any other value: a CHECK
    named after the enum (ck_<table>_status, ck_<table>_role…)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        create_constraint=True,
        name=re.sub(r"(?<!^)(?=[A-Z])", "_", enum_cls.__name__).lower(),
    )


def position_checks(latitude: str = "latitude", longitude: str = "longitude") -> tuple[sa.CheckConstraint, ...]:
    """A position is a pair in range, or nothing: never half of one."""
    return (
        sa.CheckConstraint(f"{latitude} IS NULL OR {latitude} BETWEEN -90 AND 90", name=f"{latitude}_in_range"),
        sa.CheckConstraint(f"{longitude} IS NULL OR {longitude} BETWEEN -180 AND 180", name=f"{longitude}_in_range"),
        sa.CheckConstraint(f"({latitude} IS NULL) = ({longitude} IS NULL)", name=f"{latitude}_with_{longitude}"),
    )


def partial_index(name: str, columns: list[str], where: str, include: list[str] | None = None) -> sa.Index:
    """An index over the rows a query part reads (both databases keep partial indexes); ``include``:
    columns PostgreSQL keeps beside the keys, so that a filter on them reads the index alone."""
    return sa.Index(
        name, *columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where), postgresql_include=include
    )
