"""The complaint state machine, checked against a table written out by hand (not derived from
``TRANSITIONS``), so that an accidental change to the machine makes these tests fail."""

from __future__ import annotations

import pytest

from app.complaints.workflow import TRANSITIONS, IllegalTransition, Status, available, check
from app.models import Role

S = Status
HANDLERS = {Role.CLERK, Role.ADMIN}
CITIZEN = {Role.CITIZEN}

# transition → (statuses it may be taken from, status it leads to, roles that may take it)
EXPECTED: dict[str, tuple[set[Status], Status, set[Role]]] = {
    "acknowledge": ({S.RECEIVED}, S.ACKNOWLEDGED, HANDLERS),
    "start": ({S.ACKNOWLEDGED}, S.IN_PROGRESS, HANDLERS),
    "answer": ({S.ACKNOWLEDGED, S.IN_PROGRESS}, S.ANSWERED, HANDLERS),
    "close_out_of_scope": ({S.RECEIVED, S.ACKNOWLEDGED}, S.CLOSED, HANDLERS),
    "close": ({S.ANSWERED}, S.CLOSED, HANDLERS),
    "reopen": ({S.ANSWERED, S.CLOSED}, S.IN_PROGRESS, CITIZEN),
}


@pytest.fixture(autouse=True)
def clean_database():
    """Overrides the suite's database clean-up: these tests are pure and touch no database."""
    yield


def _cases():
    for name, (sources, _target, roles) in EXPECTED.items():
        for status in Status:
            for role in Role:
                yield pytest.param(
                    name, status, role, status in sources and role in roles, id=f"{name}-{status.value}-{role.value}"
                )


def test_the_machine_has_exactly_the_expected_transitions():
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(("name", "status", "role", "expected"), list(_cases()))
def test_check_allows_exactly_the_expected_moves(name, status, role, expected):
    if expected:
        assert check(name, status, role).target is EXPECTED[name][1]
    else:
        with pytest.raises(IllegalTransition):
            check(name, status, role)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", list(Role))
def test_available_lists_exactly_the_allowed_moves(status, role):
    expected = {name for name, (sources, _t, roles) in EXPECTED.items() if status in sources and role in roles}
    assert {t.name for t in available(status, role)} == expected


def test_an_unknown_transition_is_refused():
    with pytest.raises(IllegalTransition):
        check("delete", S.RECEIVED, Role.ADMIN)
