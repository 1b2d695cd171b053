"""The desk's view of the commune's files: the queue, its order and what each clock says.

The rules of a file (who may do what, what each step writes) stay in app.permits.services;
this module only finds, orders and describes files for the staff.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.core.dates import today
from app.extensions import db
from app.models import Role
from app.permits import services
from app.permits.models import PermitCase, PermitType
from app.permits.workflow import CLOCK_RUNNING, OPEN, Status

PER_PAGE = 25
MAX_PAGE = 10_000
QUEUE_STATUSES = [s for s in Status if s is not Status.DRAFT]


@dataclass(frozen=True)
class ClockView:
    """What the desk shows of a file's legal clock; days_left is None when it does not apply."""

    days_left: int | None
    deadline: date | None
    paused: bool

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def clock_view(case: PermitCase, today: date, holidays: Collection[date]) -> ClockView:
    if not services.clock_running(case):
        # Not started yet, or decided / withdrawn: the clock no longer counts.
        return ClockView(None, None, case.paused_since is not None and case.status in OPEN)
    return ClockView(
        case.clock.left(today, holidays), case.clock.deadline(today, holidays), case.paused_since is not None
    )


def visible_types() -> list[PermitType]:
    types = db.session.scalars(sa.select(PermitType).order_by(PermitType.position, PermitType.id)).all()
    if current_user.role is Role.REVIEWER:
        kind = current_user.agency.kind.value if current_user.agency else None
        types = [t for t in types if kind in t.agency_kinds]
    return list(types)


def _urgency_order(statement, today: date, holidays: Collection[date]) -> list:
    """Overdue first, then fewest days left; then files whose clock has not started (oldest
    first); then closed files (latest first). Days left depend on working days, holidays and
    pauses, so they are counted here, for the open files only, and handed to SQL as a rank."""
    started = db.session.scalars(
        statement.where(PermitCase.status.in_(OPEN), PermitCase.clock_started_on.is_not(None))
    ).all()
    days_left = {case.id: case.clock.left(today, holidays) for case in started}
    if days_left:
        group = sa.case((PermitCase.id.in_(days_left), 0), (PermitCase.status.in_(OPEN), 1), else_=2)
        rank = sa.case(days_left, value=PermitCase.id, else_=0)
    else:
        group = sa.case((PermitCase.status.in_(OPEN), 1), else_=2)
        rank = sa.literal(0)
    waiting_since = sa.case((PermitCase.status.in_(OPEN), PermitCase.submitted_at), else_=None)
    return [group, rank, waiting_since.asc(), PermitCase.updated_at.desc(), PermitCase.id.desc()]


def queue(status: str = "", type_id: int | None = None, query: str = "", page: int = 1):
    """The files this staff member may see (commune wall, reviewer's agency), filtered and
    ordered by urgency, one page of them."""
    statement = services.staff_cases(current_user)
    if status:
        statement = statement.where(PermitCase.status == Status(status))
    if type_id:
        statement = statement.where(PermitCase.type_id == type_id)
    query = query.strip()[:80]
    if query:
        statement = statement.where(
            sa.or_(
                PermitCase.reference.contains(query.upper(), autoescape=True),
                sa.func.lower(PermitCase.applicant_name).contains(query.lower(), autoescape=True),
            )
        )
    order = _urgency_order(statement, today(), services.holidays())
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(statement.order_by(*order), page=page, per_page=PER_PAGE, error_out=False)


def case_or_404(case_id: int) -> PermitCase:
    """A file this staff member may see: another commune's, or (for a reviewer) one not sent
    to his agency, does not exist for him."""
    case = db.session.scalar(services.staff_cases(current_user).where(PermitCase.id == case_id))
    if case is None:
        abort(404)
    return case


def opinion_agencies(case: PermitCase) -> list:
    """The required agencies whose opinion this staff member may record now."""
    if case.status not in CLOCK_RUNNING:
        return []
    given = {o.agency_id for o in case.opinions}
    agencies = [a for a in services.required_agencies(case) if a.id not in given]
    if current_user.role is Role.REVIEWER:
        return [a for a in agencies if a.id == current_user.agency_id]
    if current_user.role in (Role.CLERK, Role.ADMIN):
        return agencies
    return []


def can_message_applicant() -> bool:
    return current_user.role in (Role.CLERK, Role.ADMIN)
