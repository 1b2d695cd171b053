"""An inspection's life as one explicit state machine, and the words for its kinds and outcomes."""

from __future__ import annotations

import enum

from app.core.statemachine import IllegalTransition, StateMachine, transition
from app.i18n import lazy_gettext as _l
from app.models import Role

__all__ = ["IllegalTransition", "check", "available", "Status", "Source", "Type", "Outcome"]


class Status(enum.StrEnum):
    REQUESTED = "requested"  # waiting for an agent
    ASSIGNED = "assigned"
    REPORTED = "reported"
    CANCELLED = "cancelled"
    # The visit was recorded on the file itself (at the desk, from a paper report): off the
    # agent's day, yet a report the agent's phone still holds is welcome when it arrives.
    SETTLED = "settled"


class Source(enum.StrEnum):
    PERMIT = "permit"
    COMPLAINT = "complaint"
    ON_THE_SPOT = "on_the_spot"  # an infraction an agent found and recorded there and then


class Type(enum.StrEnum):
    SITE_VISIT = "site_visit"
    END_OF_WORKS = "end_of_works"  # before a housing permit or a conformity certificate
    COMPLAINT_CHECK = "complaint_check"
    UNAUTHORISED_CONSTRUCTION = "unauthorised_construction"
    PUBLIC_DOMAIN_OCCUPATION = "public_domain_occupation"


PERMIT_TYPES = (Type.SITE_VISIT, Type.END_OF_WORKS)
INFRACTION_TYPES = (Type.UNAUTHORISED_CONSTRUCTION, Type.PUBLIC_DOMAIN_OCCUPATION)


class Outcome(enum.StrEnum):
    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    NO_ACCESS = "no_access"


STATUS_LABELS = {
    Status.REQUESTED: _l("Waiting for an agent"),
    Status.ASSIGNED: _l("Assigned"),
    Status.REPORTED: _l("Reported"),
    Status.CANCELLED: _l("Cancelled"),
    Status.SETTLED: _l("Recorded at the desk"),
}
TYPE_LABELS = {
    Type.SITE_VISIT: _l("Site visit"),
    Type.END_OF_WORKS: _l("End-of-works check"),
    Type.COMPLAINT_CHECK: _l("Complaint site check"),
    Type.UNAUTHORISED_CONSTRUCTION: _l("Infraction: unauthorised construction"),
    Type.PUBLIC_DOMAIN_OCCUPATION: _l("Infraction: public-domain occupation"),
}
OUTCOME_LABELS = {
    Outcome.COMPLIANT: _l("Compliant"),
    Outcome.NOT_COMPLIANT: _l("Not compliant"),
    Outcome.NO_ACCESS: _l("No access to the site"),
}

FAR_FROM_CASE_M = 200  # further than this from the case's position: a warning, never a refusal

CLERKS = frozenset({Role.CLERK, Role.ADMIN})
FIELD = frozenset({Role.AGENT, Role.CLERK, Role.ADMIN})
OPEN = {Status.REQUESTED, Status.ASSIGNED}

MACHINE = StateMachine(
    transition("assign", OPEN, Status.ASSIGNED, CLERKS),
    transition("report", {*OPEN, Status.SETTLED}, Status.REPORTED, FIELD),
    transition("cancel", OPEN, Status.CANCELLED, CLERKS),
    # The visit was recorded on the file itself (at the desk): whoever may record it settles it.
    transition("settle", OPEN, Status.SETTLED, FIELD),
)
check = MACHINE.check
available = MACHINE.available
