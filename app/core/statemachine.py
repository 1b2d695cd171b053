"""Workflows as data: a case's statuses, the transitions between them, who may take each.

Both permit files and complaints use it; a transition that is not in the table cannot happen.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from app.models import Role


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: enum.Enum
    roles: frozenset[Role]
    public: bool = True  # shown on the applicant's timeline and on public pages
    needs_decision_right: bool = False


def transition(name: str, sources: Iterable, target, roles: Iterable[Role], **options) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(roles), **options)


class IllegalTransition(Exception):
    def __init__(self, name: str, status, reason: str) -> None:
        super().__init__(f"{name} from {status}: {reason}")
        self.reason = reason


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
