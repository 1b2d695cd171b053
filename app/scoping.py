"""The one place where a staff member's commune limits what the database returns.

Every model holding a commune's data inherits CommuneScoped. While a request is served
for staff of a commune, every ORM SELECT gets a criterion on those models, so a view can't
forget it: a record of another commune simply does not exist for them (404).
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.extensions import db


class CommuneScoped:
    """Mixin for models that belong to one commune (they define ``commune_id``)."""

    @classmethod
    def commune_criteria(cls, commune_id: int):
        return cls.commune_id == commune_id  # type: ignore[attr-defined]


def scoped_models() -> list[type]:
    return [mapper.class_ for mapper in db.Model.registry.mappers if issubclass(mapper.class_, CommuneScoped)]


def set_commune_scope(commune_id: int | None) -> None:
    """Called once per request, after sign-in is resolved. None means no restriction."""
    g.commune_scope = commune_id


def current_commune_scope() -> int | None:
    return g.get("commune_scope") if has_request_context() else None


@event.listens_for(Session, "do_orm_execute")
def _apply_commune_scope(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete) or state.execution_options.get("skip_commune_scope"):
        return
    commune_id = current_commune_scope()
    if commune_id is None:
        return
    state.statement = state.statement.options(
        *(
            with_loader_criteria(model, model.commune_criteria(commune_id), include_aliases=True)
            for model in scoped_models()
        )
    )
