"""The practice space: each commune's fictitious files, where new staff try every action first.

A case made in the practice space carries ``practice = True``. Like the commune wall
(app/scoping.py), one place limits what the database returns: outside the practice space no
query sees a practice case (queues, counts, public pages, Open311, exports, the figures), and
inside it only practice cases exist. Nothing made there notifies anyone (app.core.notices).
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

from app.extensions import db

_outside_requests: ContextVar[bool] = ContextVar("practice", default=False)


class Practiceable:
    """Mixin for the cases a practice space holds (permit files, complaints, inspections, reports)."""

    practice: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


def in_practice() -> bool:
    """Whether what runs now is in the practice space (a request's, or a command's)."""
    if has_request_context() and "practice" in g:
        return bool(g.practice)
    return _outside_requests.get()


def set_practice(on: bool) -> None:
    """Called once per request, after sign-in is resolved (staff who entered the space)."""
    g.practice = on


@contextlib.contextmanager
def practice_space():
    """Run a block in the practice space (the generator renewing a commune's files)."""
    token = _outside_requests.set(True)
    before = g.get("practice") if has_request_context() else None
    if has_request_context():
        g.practice = True
    try:
        yield
    finally:
        _outside_requests.reset(token)
        if has_request_context():
            g.practice = before


def practiceable_models() -> list[type]:
    return [mapper.class_ for mapper in db.Model.registry.mappers if issubclass(mapper.class_, Practiceable)]


NO_CASES = {"no_practice_cases": True}  # execution options of a statement that reads no case at all


@event.listens_for(Session, "do_orm_execute")
def _apply_practice_wall(state: ORMExecuteState) -> None:
    """The wall's criteria on every statement, but one that says it reads no case (``NO_CASES``: a
    commune looked up by its code on every form): they cost it half its time."""
    if not (state.is_select or state.is_update or state.is_delete) or state.execution_options.get("no_practice_cases"):
        return
    state.statement = state.statement.options(*_wall(in_practice()))


_walls: dict[bool, tuple] = {}


def _wall(wanted: bool) -> tuple:
    """The criteria for every practiceable model, built once per side of the wall (not on every
    statement): the models are all mapped by the first query."""
    if wanted not in _walls:
        _walls[wanted] = tuple(
            with_loader_criteria(model, model.practice == wanted, include_aliases=True)
            for model in practiceable_models()
        )
    return _walls[wanted]


@event.listens_for(Session, "before_flush")
def _mark_new_cases(session: Session, _context, _instances) -> None:
    """What is made in the practice space belongs to it, whichever service made it."""
    if not in_practice():
        return
    for instance in session.new:
        if isinstance(instance, Practiceable):
            instance.practice = True
