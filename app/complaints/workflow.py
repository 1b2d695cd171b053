"""The life of a complaint, observation or suggestion as one explicit state machine
(decree 2-17-265: acknowledged and forwarded within 15 days, answered within 60)."""

from __future__ import annotations

import enum

from app.core.statemachine import IllegalTransition, StateMachine, transition
from app.i18n import lazy_gettext as _l
from app.models import Role

__all__ = ["IllegalTransition", "TRANSITIONS", "check", "available", "Status", "Kind", "Outcome"]


class Kind(enum.StrEnum):
    COMPLAINT = "complaint"  # شكاية: a harm, or dissatisfaction with a public service
    OBSERVATION = "observation"  # ملاحظة: a malfunction without personal harm
    SUGGESTION = "suggestion"  # اقتراح


KIND_LABELS = {Kind.COMPLAINT: _l("Complaint"), Kind.OBSERVATION: _l("Observation"), Kind.SUGGESTION: _l("Suggestion")}


class Status(enum.StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"  # acknowledged and forwarded to a department
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.RECEIVED: _l("Received"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.ANSWERED: _l("Answered"),
    Status.CLOSED: _l("Closed"),
}


class Outcome(enum.StrEnum):
    RESOLVED = "resolved"
    NOT_RESOLVED = "not_resolved"  # with the reason
    NOT_COMPETENT = "not_competent"  # with where to go instead


OUTCOME_LABELS = {
    Outcome.RESOLVED: _l("Resolved"),
    Outcome.NOT_RESOLVED: _l("Not resolved"),
    Outcome.NOT_COMPETENT: _l("Not the commune's competence"),
}

# Decree 2-17-265: acknowledged and forwarded within 15 days, answered within 60, from receipt.
ACKNOWLEDGE_DAYS = 15
ANSWER_DAYS = 60

HANDLERS = frozenset({Role.CLERK, Role.ADMIN})
CITIZEN = frozenset({Role.CITIZEN})  # or a guest holding the reference and tracking code
OPEN = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS}


MACHINE = StateMachine(
    transition("acknowledge", {Status.RECEIVED}, Status.ACKNOWLEDGED, HANDLERS),
    transition("start", {Status.ACKNOWLEDGED}, Status.IN_PROGRESS, HANDLERS),
    transition("answer", {Status.ACKNOWLEDGED, Status.IN_PROGRESS}, Status.ANSWERED, HANDLERS),
    # Out of scope (before a court, not the commune's competence): closed with a redirect message.
    transition("close_out_of_scope", {Status.RECEIVED, Status.ACKNOWLEDGED}, Status.CLOSED, HANDLERS),
    transition("close", {Status.ANSWERED}, Status.CLOSED, HANDLERS),
    transition("reopen", {Status.ANSWERED, Status.CLOSED}, Status.IN_PROGRESS, CITIZEN),
)
TRANSITIONS = MACHINE.transitions
check = MACHINE.check
available = MACHINE.available
