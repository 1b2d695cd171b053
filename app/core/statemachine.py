"""Workflows as data, and the one engine that moves every kind of case.

Each kind of case (permit file, complaint, inspection) declares its statuses, the transitions
between them and who may take each. ``StateMachine.apply`` is the only way a case changes status:
it checks the transition, sets the status and writes the timeline entry (public or internal as
the transition says), which announces the area's event in the same transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.models import Role

if TYPE_CHECKING:
    from app.core.timeline import HasTimeline, TimelineEntry
    from app.models import User


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: enum.Enum
    roles: frozenset[Role]
    public: bool = True  # shown on the applicant's timeline and on public pages
    needs_decision_right: bool = False
    # What the case itself must have before this step (e.g. every required opinion): the names of
    # what is still awaited (each a name, or its names by language). The step goes ahead without
    # them only when the actor says why, and the timeline keeps both.
    waits_for: Callable[[HasTimeline], list] | None = None


def transition(name: str, sources: Iterable, target, roles: Iterable[Role], **options) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles), **options)


class IllegalTransition(Exception):
    def __init__(self, name: str, status, reason: str) -> None:
        super().__init__(f"{name} from {status}: {reason}")
        self.reason = reason


class StillWaiting(IllegalTransition):
    """The step waits for something the case does not have yet, and no one said why it cannot wait."""

    def __init__(self, name: str, status, waiting: list) -> None:
        super().__init__(name, status, "still waiting")
        self.waiting = waiting


class StateMachine:
    def __init__(self, *transitions: Transition) -> None:
        self.transitions = {t.name: t for t in transitions}

    def check(self, name: str, status, role: Role, can_decide: bool = False) -> Transition:
        """The transition, if this role may take it from this status; else IllegalTransition."""
        found = self.transitions.get(name)
        if found is None:
            raise IllegalTransition(name, status, "unknown transition")
        if status not in found.sources:
            raise IllegalTransition(name, status, "not from this status")
        if role not in found.roles:
            raise IllegalTransition(name, status, "not for this role")
        if found.needs_decision_right and not can_decide:
            raise IllegalTransition(name, status, "needs the right to decide")
        return found

    def available(self, status, role: Role, can_decide: bool = False) -> list[Transition]:
        """What this person may do next: what the pages offer, and all they may do."""
        return [
            t
            for t in self.transitions.values()
            if status in t.sources and role in t.roles and (can_decide or not t.needs_decision_right)
        ]

    def apply(
        self,
        case: HasTimeline,
        name: str,
        actor: User | None,
        *,
        role: Role | None = None,
        message: str | None = None,
        going_ahead: str | None = None,
        **params,
    ) -> TimelineEntry:
        """Take a transition or raise IllegalTransition: the status changes and the timeline gets
        its entry (which announces the area's event). ``role`` is for someone without an account
        acting with what they hold (a guest reopening a complaint with its tracking code).
        ``going_ahead``: why the step is taken while the case still waits (see Transition.waits_for)."""
        if actor is None and role is None:
            raise ValueError("a transition needs an actor or, for a guest, the role they act in")
        taken = self.check(name, case.status, role or actor.role, bool(actor and actor.can_decide))
        waiting = taken.waits_for(case) if taken.waits_for else []
        if waiting:
            if not (going_ahead or "").strip():
                raise StillWaiting(name, case.status, waiting)
            params |= {"waited_for": waiting, "going_ahead": going_ahead.strip()}
        previous = case.status
        case.status = taken.target
        return case.record(
            name, actor, public=taken.public, message=message, transition=taken, previous=previous, **params
        )
