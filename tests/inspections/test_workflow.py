"""The inspection state machine, checked against a table written out by hand (not derived from
the machine), so that an accidental change to the machine makes these tests fail."""

from __future__ import annotations

import pytest

from app.inspections.workflow import MACHINE, IllegalTransition, Status, available, check
from app.models import Role

S = Status
CLERKS = {Role.CLERK, Role.ADMIN}
FIELD = {Role.AGENT, Role.CLERK, Role.ADMIN}

# transition → (statuses it may be taken from, status it leads to, roles that may take it)
EXPECTED: dict[str, tuple[set[Status], Status, set[Role]]] = {
    "assign": ({S.REQUESTED, S.ASSIGNED}, S.ASSIGNED, CLERKS),
    "report": ({S.REQUESTED, S.ASSIGNED, S.SETTLED}, S.REPORTED, FIELD),
    "cancel": ({S.REQUESTED, S.ASSIGNED}, S.CANCELLED, CLERKS),
    "settle": ({S.REQUESTED, S.ASSIGNED}, S.SETTLED, FIELD),
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


@pytest.mark.parametrize(("name", "status", "role", "allowed"), list(_cases()))
def test_every_transition_from_every_status_for_every_role(name, status, role, allowed):
    if allowed:
        assert check(name, status, role).target is EXPECTED[name][1]
    else:
        with pytest.raises(IllegalTransition):
            check(name, status, role)


def test_the_machine_has_exactly_the_transitions_of_the_table():
    assert set(MACHINE.transitions) == set(EXPECTED)


@pytest.mark.parametrize("status", [S.REPORTED, S.CANCELLED])
def test_a_finished_inspection_offers_nothing_to_anyone(status):
    assert all(available(status, role) == [] for role in Role)


def test_an_unknown_transition_is_refused():
    with pytest.raises(IllegalTransition, match="unknown transition"):
        check("reopen", S.REPORTED, Role.ADMIN)
