"""What each kind of visitor is offered on the home page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa
from flask import current_app, url_for

from app.complaints.models import Complaint
from app.complaints.workflow import Status as ComplaintStatus
from app.core.paging import count_limit, count_of, said
from app.i18n import lazy_gettext as _l
from app.inspections import services as inspections
from app.inspections.models import Inspection
from app.inspections.workflow import Status as InspectionStatus
from app.models import Role, User
from app.permits.models import Opinion, PermitCase
from app.permits.services import staff_cases
from app.permits.workflow import Status as PermitStatus

CLERK_ROLES = (Role.CLERK, Role.ADMIN)


@dataclass(frozen=True)
class Action:
    title: str
    description: str
    endpoint: str

    @cached_property  # the page asks twice: is there one, and which
    def url(self) -> str | None:
        """None until the area that serves it is part of the app."""
        if self.endpoint in current_app.view_functions:
            return url_for(self.endpoint)
        return None


def citizen_actions() -> list[Action]:
    return [
        Action(_l("Apply for a permit"), _l("Building, housing, activity, public-domain occupation…"), "permits.new"),
        Action(
            _l("Report a problem"), _l("A complaint, an observation or a suggestion, with a photo."), "complaints.new"
        ),
        Action(_l("Track a file"), _l("With its reference and tracking code, no account needed."), "tracking.track"),
        Action(
            _l("Attach a file filed at the counter"),
            _l("With the receipt and your CIN: then you are told of each step."),
            "counter.claim",
        ),
    ]


def staff_links(user: User) -> list[Action]:
    links = [
        Action(
            _l("Permit files"), _l("The commune's permit applications, the most urgent first."), "permits_desk.queue"
        ),
        Action(
            _l("Complaints"),
            _l("Complaints, observations and suggestions, the 60-day clock first."),
            "complaints_desk.queue",
        ),
        Action(_l("Team"), _l("The staff of your commune."), "staff.index"),
    ]
    if user.role is Role.AGENT:
        links[:0] = [
            Action(
                _l("My day"),
                _l("The inspections assigned to you, with where to go and what to bring."),
                "inspections.my_day",
            ),
            Action(
                _l("An infraction on the spot"),
                _l("Record an unauthorised construction or occupation, even offline."),
                "inspections.on_the_spot",
            ),
        ]
    if user.role in (Role.CLERK, Role.ADMIN) and user.commune_id:
        links.insert(
            0,
            Action(
                _l("The counter"),
                _l("File an application or a complaint for the person in front of you, and print the receipt."),
                "counter.index",
            ),
        )
    if user.role in (Role.CLERK, Role.ADMIN):
        links.insert(
            3 if user.commune_id else 2,
            Action(
                _l("Inspections"),
                _l("Site visits and checks: assign them to agents, read their reports."),
                "inspections_desk.queue",
            ),
        )
        links.append(
            Action(
                _l("Password reset code"),
                _l("For a citizen at the counter who cannot sign in: check the CIN card, give a code."),
                "auth.counter_code",
            )
        )
    if user.role is Role.ADMIN:
        links.append(
            Action(
                _l("Inspection checklists"),
                _l("The questions agents answer on site, per kind of inspection."),
                "inspections.checklists",
            )
        )
    if user.role in (Role.ADMIN, Role.NATIONAL_ADMIN):
        links.append(Action(_l("Add a staff member"), _l("Create an account for a colleague."), "staff.new"))
        links.append(
            Action(
                _l("Complaint categories"),
                _l("Names, departments, duplicate radius and answer templates."),
                "complaints.categories",
            )
        )
        links.append(Action(_l("Agencies"), _l("The bodies on the instruction commission."), "admin.agencies"))
        links.append(
            Action(
                _l("Where the commune is"),
                _l("A centre and a radius, to flag complaints positioned outside the commune."),
                "admin.area",
            )
        )
    if user.role is Role.NATIONAL_ADMIN:
        links.append(
            Action(_l("Public holidays"), _l("Days that do not count towards legal deadlines."), "admin.holidays")
        )
        links.append(Action(_l("Communes"), _l("Open a commune on the platform."), "admin.communes"))
        links.append(
            Action(_l("Permit types"), _l("Names, legal deadlines and validity of each permit."), "admin.permit_types")
        )
    return links


@dataclass(frozen=True)
class Task:
    """A kind of work waiting for this person, how much of it, and the filtered queue that holds it."""

    kind: str
    count: int  # counted no further than COUNT_LIMIT + 1
    url: str

    @property
    def plural_count(self) -> int:
        return said(self.count, count_limit())[0]

    @property
    def shown_count(self) -> int | str:
        return said(self.count, count_limit())[1]


def my_work(user: User) -> list[Task]:
    """Counted with the commune wall in force, like every query of staff, and no further than
    COUNT_LIMIT: beyond it the page says "more than"."""
    count = count_of
    tasks = []
    if user.role is Role.AGENT:
        tasks.append(Task("inspections", len(inspections.my_day(user)), url_for("inspections.my_day")))
    if user.role in CLERK_ROLES:
        tasks += [
            Task(
                "completeness",
                count(staff_cases(user).where(PermitCase.status == PermitStatus.SUBMITTED)),
                url_for("permits_desk.queue", status=PermitStatus.SUBMITTED.value),
            ),
            Task(
                "acknowledge",
                count(sa.select(Complaint.id).where(Complaint.status == ComplaintStatus.RECEIVED)),
                url_for("complaints_desk.queue", status=ComplaintStatus.RECEIVED.value),
            ),
            Task(
                "assign",
                count(sa.select(Inspection.id).where(Inspection.status == InspectionStatus.REQUESTED)),
                url_for("inspections_desk.queue", status=InspectionStatus.REQUESTED.value),
            ),
        ]
    if user.role is Role.REVIEWER and user.agency_id:
        given = sa.select(Opinion.id).where(Opinion.case_id == PermitCase.id, Opinion.agency_id == user.agency_id)
        waiting = staff_cases(user).where(PermitCase.status == PermitStatus.UNDER_REVIEW, ~sa.exists(given))
        tasks.append(
            Task("opinions", count(waiting), url_for("permits_desk.queue", status=PermitStatus.UNDER_REVIEW.value))
        )
    return [task for task in tasks if task.count]
