"""The life of a permit file as one explicit state machine.

Each transition says from which statuses it may be taken, where it leads, which roles may take
it, and whether the applicant sees it on their timeline. Nothing else changes a file's status:
an illegal transition raises, whatever the page showed.
"""

from __future__ import annotations

import enum

from app.core.statemachine import IllegalTransition, StateMachine, StillWaiting, Transition, transition
from app.i18n import lazy_gettext as _l
from app.models import Role

__all__ = ["IllegalTransition", "StillWaiting", "Transition", "TRANSITIONS", "check", "available", "Status"]


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the completeness check
    DOCUMENTS_REQUESTED = "documents_requested"  # the applicant must add documents; clock paused
    UNDER_REVIEW = "under_review"  # complete: the legal clock runs, the commission gives opinions
    SITE_VISIT = "site_visit"
    DECISION_PENDING = "decision_pending"
    APPROVED = "approved"
    REFUSED = "refused"
    ISSUED = "issued"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted"),
    Status.DOCUMENTS_REQUESTED: _l("Documents requested"),
    Status.UNDER_REVIEW: _l("Under review"),
    Status.SITE_VISIT: _l("Site visit"),
    Status.DECISION_PENDING: _l("Decision pending"),
    Status.APPROVED: _l("Approved"),
    Status.REFUSED: _l("Refused"),
    Status.ISSUED: _l("Permit issued"),
    Status.REVOKED: _l("Revoked"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

# While the legal clock runs (it starts when the file is complete, see clock.py).
CLOCK_RUNNING = {Status.UNDER_REVIEW, Status.SITE_VISIT, Status.DECISION_PENDING}
DECIDED = {Status.APPROVED, Status.REFUSED, Status.ISSUED, Status.REVOKED}
DECIDING = {Status.UNDER_REVIEW, Status.DECISION_PENDING}
OPEN = {Status.SUBMITTED, Status.DOCUMENTS_REQUESTED, *CLOCK_RUNNING}

CLERKS = frozenset({Role.CLERK, Role.ADMIN})
FIELD = frozenset({Role.CLERK, Role.ADMIN, Role.AGENT})
APPLICANT = frozenset({Role.CITIZEN})


def awaited_opinions(case) -> list[dict[str, str | None]]:
    """The required agencies whose opinion the file still waits for: a decision waits for them.
    Both names: the timeline keeps them, and each page reads its own (i18n.in_page_language)."""
    return [agency.names for agency in case.awaited_agencies()]


def _t(name, sources, target, roles, **options) -> Transition:
    return transition(name, sources, target, roles, **options)


MACHINE = StateMachine(
    _t("submit", {Status.DRAFT}, Status.SUBMITTED, APPLICANT),
    _t("mark_complete", {Status.SUBMITTED}, Status.UNDER_REVIEW, CLERKS),
    _t("request_documents", {Status.SUBMITTED, *CLOCK_RUNNING}, Status.DOCUMENTS_REQUESTED, CLERKS),
    _t("provide_documents", {Status.DOCUMENTS_REQUESTED}, Status.SUBMITTED, APPLICANT),
    _t("request_site_visit", {Status.UNDER_REVIEW, Status.DECISION_PENDING}, Status.SITE_VISIT, CLERKS),
    _t("record_site_visit", {Status.SITE_VISIT}, Status.UNDER_REVIEW, FIELD),
    _t("send_for_decision", {Status.UNDER_REVIEW}, Status.DECISION_PENDING, CLERKS),
    _t("approve", DECIDING, Status.APPROVED, CLERKS, needs_decision_right=True, waits_for=awaited_opinions),
    _t("refuse", DECIDING, Status.REFUSED, CLERKS, needs_decision_right=True, waits_for=awaited_opinions),
    _t("issue", {Status.APPROVED}, Status.ISSUED, CLERKS, needs_decision_right=True),
    _t("revoke", {Status.ISSUED}, Status.REVOKED, frozenset({Role.ADMIN}), needs_decision_right=True),
    # A draft never sent is not withdrawn but deleted (services.delete_draft): it never reaches the desk.
    _t("withdraw", OPEN, Status.WITHDRAWN, APPLICANT),
)
TRANSITIONS = MACHINE.transitions
check = MACHINE.check
available = MACHINE.available
