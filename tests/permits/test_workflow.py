"""The permit state machine, checked against a table written out by hand.

The table below is the specification: it is deliberately NOT derived from ``TRANSITIONS``, so
that an accidental change to the machine (a new source status, a role added to a transition, a
decision right dropped) makes these tests fail.
"""

from __future__ import annotations

import pytest

from app.models import Role
from app.permits.workflow import TRANSITIONS, IllegalTransition, Status, available, check

S = Status
CLERKS = {Role.CLERK, Role.ADMIN}
FIELD = {Role.CLERK, Role.ADMIN, Role.AGENT}
APPLICANT = {Role.CITIZEN}

# transition → (statuses it may be taken from, status it leads to, roles that may take it, needs the right to decide)
EXPECTED: dict[str, tuple[set[Status], Status, set[Role], bool]] = {
    "submit": ({S.DRAFT}, S.SUBMITTED, APPLICANT, False),
    "mark_complete": ({S.SUBMITTED}, S.UNDER_REVIEW, CLERKS, False),
    "request_documents": (
        {S.SUBMITTED, S.UNDER_REVIEW, S.SITE_VISIT, S.DECISION_PENDING},
        S.DOCUMENTS_REQUESTED,
        CLERKS,
        False,
    ),
    "provide_documents": ({S.DOCUMENTS_REQUESTED}, S.SUBMITTED, APPLICANT, False),
    "request_site_visit": ({S.UNDER_REVIEW, S.DECISION_PENDING}, S.SITE_VISIT, CLERKS, False),
    "record_site_visit": ({S.SITE_VISIT}, S.UNDER_REVIEW, FIELD, False),
    "send_for_decision": ({S.UNDER_REVIEW}, S.DECISION_PENDING, CLERKS, False),
    "approve": ({S.UNDER_REVIEW, S.DECISION_PENDING}, S.APPROVED, CLERKS, True),
    "refuse": ({S.UNDER_REVIEW, S.DECISION_PENDING}, S.REFUSED, CLERKS, True),
    "issue": ({S.APPROVED}, S.ISSUED, CLERKS, True),
    "revoke": ({S.ISSUED}, S.REVOKED, {Role.ADMIN}, True),
    "withdraw": (
        {S.SUBMITTED, S.DOCUMENTS_REQUESTED, S.UNDER_REVIEW, S.SITE_VISIT, S.DECISION_PENDING},
        S.WITHDRAWN,
        APPLICANT,
        False,
    ),
}

TERMINAL = [S.REFUSED, S.REVOKED, S.WITHDRAWN]


@pytest.fixture(autouse=True)
def clean_database():
    """Overrides the suite's database clean-up: these tests are pure and touch no database."""
    yield


def allowed(name: str, status: Status, role: Role, can_decide: bool) -> bool:
    sources, _target, roles, needs_right = EXPECTED[name]
    return status in sources and role in roles and (can_decide or not needs_right)


def _cases():
    for name in EXPECTED:
        for status in Status:
            for role in Role:
                for can_decide in (True, False):
                    yield pytest.param(
                        name,
                        status,
                        role,
                        can_decide,
                        allowed(name, status, role, can_decide),
                        id=f"{name}-{status.value}-{role.value}-{'decides' if can_decide else 'no_right'}",
                    )


def test_the_machine_has_exactly_the_expected_transitions():
    assert set(TRANSITIONS) == set(EXPECTED), "a transition was added to or removed from the permit machine"


@pytest.mark.parametrize(("name", "status", "role", "can_decide", "expected"), list(_cases()))
def test_check_allows_exactly_the_expected_moves(name, status, role, can_decide, expected):
    if expected:
        transition = check(name, status, role, can_decide)
        assert transition.name == name
        assert transition.target is EXPECTED[name][1]
    else:
        with pytest.raises(IllegalTransition):
            check(name, status, role, can_decide)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_transition_leads_where_expected(name):
    assert TRANSITIONS[name].target is EXPECTED[name][1]


def _available_cases():
    for status in Status:
        for role in Role:
            for can_decide in (True, False):
                expected = {name for name in EXPECTED if allowed(name, status, role, can_decide)}
                yield pytest.param(
                    status,
                    role,
                    can_decide,
                    expected,
                    id=f"{status.value}-{role.value}-{'decides' if can_decide else 'no_right'}",
                )


@pytest.mark.parametrize(("status", "role", "can_decide", "expected"), list(_available_cases()))
def test_available_offers_exactly_the_allowed_transitions(status, role, can_decide, expected):
    offered = [t.name for t in available(status, role, can_decide)]
    assert len(offered) == len(set(offered)), "a transition is offered twice"
    assert set(offered) == expected


@pytest.mark.parametrize(
    ("status", "role", "can_decide", "expected"),
    [
        # A few rows spelled out, to read the table above in plain terms.
        (S.DRAFT, Role.CITIZEN, False, {"submit"}),
        (S.SUBMITTED, Role.CLERK, False, {"mark_complete", "request_documents"}),
        (S.UNDER_REVIEW, Role.CLERK, False, {"request_documents", "request_site_visit", "send_for_decision"}),
        (
            S.UNDER_REVIEW,
            Role.CLERK,
            True,
            {"request_documents", "request_site_visit", "send_for_decision", "approve", "refuse"},
        ),
        (S.DECISION_PENDING, Role.ADMIN, True, {"request_documents", "request_site_visit", "approve", "refuse"}),
        (S.SITE_VISIT, Role.AGENT, False, {"record_site_visit"}),
        (S.UNDER_REVIEW, Role.AGENT, False, set()),
        (S.UNDER_REVIEW, Role.REVIEWER, True, set()),
        (S.UNDER_REVIEW, Role.NATIONAL_ADMIN, True, set()),
        (S.UNDER_REVIEW, Role.CITIZEN, False, {"withdraw"}),
        (S.APPROVED, Role.CLERK, False, set()),
        (S.APPROVED, Role.CLERK, True, {"issue"}),
        (S.APPROVED, Role.CITIZEN, False, set()),
        (S.ISSUED, Role.CLERK, True, set()),
        (S.ISSUED, Role.ADMIN, True, {"revoke"}),
    ],
)
def test_what_each_person_is_offered(status, role, can_decide, expected):
    assert {t.name for t in available(status, role, can_decide)} == expected


@pytest.mark.parametrize("name", ["", "delete", "APPROVE", "approve ", "reopen", "unknown"])
@pytest.mark.parametrize("role", [Role.ADMIN, Role.CITIZEN])
def test_an_unknown_transition_is_illegal(name, role):
    with pytest.raises(IllegalTransition) as error:
        check(name, S.UNDER_REVIEW, role, True)
    assert error.value.reason == "unknown transition"


@pytest.mark.parametrize("status", TERMINAL)
@pytest.mark.parametrize("role", list(Role))
def test_terminal_statuses_have_no_way_out(status, role):
    assert available(status, role, True) == []
    assert available(status, role, False) == []
    for name in TRANSITIONS:
        with pytest.raises(IllegalTransition):
            check(name, status, role, True)


@pytest.mark.parametrize(
    ("name", "status", "role", "can_decide", "reason"),
    [
        ("approve", S.SUBMITTED, Role.ADMIN, True, "not from this status"),
        ("approve", S.UNDER_REVIEW, Role.AGENT, True, "not for this role"),
        ("approve", S.UNDER_REVIEW, Role.CLERK, False, "needs the right to decide"),
        ("revoke", S.ISSUED, Role.CLERK, True, "not for this role"),
        ("withdraw", S.APPROVED, Role.CITIZEN, False, "not from this status"),
    ],
)
def test_a_refusal_says_why(name, status, role, can_decide, reason):
    with pytest.raises(IllegalTransition) as error:
        check(name, status, role, can_decide)
    assert error.value.reason == reason
    assert name in str(error.value) and status.value in str(error.value)
