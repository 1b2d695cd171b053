"""Model helpers every area uses: names in three languages, enum columns the schema checks."""

from __future__ import annotations

import enum

import sqlalchemy as sa

from app.i18n import current_language


class Localized:
    """Models with name_ar / name_fr / name_en show the one for the page's language."""

    @property
    def name(self) -> str:
        return getattr(self, f"name_{current_language()}") or self.name_fr


def enum_column(enum_cls: type[enum.Enum], length: int) -> sa.Enum:
    """A string column holding the enum's values; the database refuses any other value (CHECK)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
