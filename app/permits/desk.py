"""The permit desk, at /desk/permits: the commune's queue of files and each file.

Every action on a file is a POST to its own URL that calls the permit services; a broken rule
(RuleError, IllegalTransition, an upload refused) re-renders the file with the message next to
what was typed, never a 500. Files are found through services.staff_cases(user), so another
commune's file, or for a reviewer a file not sent to his agency, is a 404 — for the page and for
every action.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from app.auth.access import staff_required
from app.core.dates import today
from app.extensions import db
from app.i18n import gettext as _
from app.inspections import services as inspections
from app.inspections.forms import SiteVisitForm, agent_choices
from app.inspections.workflow import Type as InspectionType
from app.models import Role, User
from app.permits import services, workflow
from app.permits.forms import (
    ActionForm,
    ApproveForm,
    NoteForm,
    OpinionForm,
    QueueFilterForm,
    RecordSiteVisitForm,
    RefuseForm,
    RevokeForm,
    request_documents_form,
)
from app.permits.models import PermitCase
from app.permits.workflow import CLOCK_RUNNING, OPEN, STATUS_LABELS, Status
from app.web import desk_step, page_number, render

bp = Blueprint("permits_desk", __name__, url_prefix="/desk/permits")

QUEUE_STATUSES = [s for s in Status if s is not Status.DRAFT]

# Action name → the form offered for it on the file page (fresh, not bound to any POST).
ACTION_FORMS = {
    "mark_complete": lambda case: ActionForm(formdata=None),
    "request_documents": lambda case: request_documents_form(case.type),
    "request_site_visit": lambda case: site_visit_form(case, formdata=None),
    "record_site_visit": lambda case: RecordSiteVisitForm(formdata=None),
    "send_for_decision": lambda case: ActionForm(formdata=None),
    "approve": lambda case: ApproveForm(formdata=None),
    "refuse": lambda case: RefuseForm(formdata=None),
    "issue": lambda case: ActionForm(formdata=None),
    "revoke": lambda case: RevokeForm(formdata=None),
}


@dataclass(frozen=True)
class ClockView:
    """What the desk shows of a file's legal clock; days_left is None when it does not apply."""

    days_left: int | None
    deadline: date | None
    paused: bool

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def clock_view(case: PermitCase, on: date, holidays: Collection[date]) -> ClockView:
    if not services.clock_running(case):
        # Not started yet, or decided / withdrawn: the clock no longer counts.
        return ClockView(None, None, case.paused_since is not None and case.status in OPEN)
    return ClockView(case.clock.left(on, holidays), case.clock.deadline(on, holidays), case.paused_since is not None)


def _user() -> User:
    return current_user._get_current_object()


def case_or_404(case_id: int) -> PermitCase:
    """A file this staff member may see: another commune's, or (for a reviewer) one not sent
    to his agency, does not exist for him."""
    return db.one_or_404(services.staff_cases(_user()).where(PermitCase.id == case_id))


def opinion_agencies(case: PermitCase, user: User) -> list:
    """The required agencies whose opinion this staff member may record now."""
    if case.status not in CLOCK_RUNNING:
        return []
    given = {o.agency_id for o in case.opinions}
    agencies = [a for a in services.required_agencies(case) if a.id not in given]
    if user.role is Role.REVIEWER:
        return [a for a in agencies if a.id == user.agency_id]
    if user.role in (Role.CLERK, Role.ADMIN):
        return agencies
    return []


def may_message_applicant(user: User) -> bool:
    return user.role in (Role.CLERK, Role.ADMIN)


def note_form(user: User, **options) -> NoteForm:
    form = NoteForm(**options)
    if not may_message_applicant(user):
        form.visibility.choices = form.visibility.choices[:1]
    return form


def site_visit_form(case: PermitCase, **options) -> SiteVisitForm:
    """Requesting a site visit creates the inspection: its kind, and an agent now or later."""
    form = SiteVisitForm(**options)
    form.agent.choices = agent_choices(inspections.field_agents(case.commune_id), _("Assign later"))
    return form


# --- the queue -----------------------------------------------------------------------------


@bp.get("")
@staff_required
def queue():
    user = _user()
    form = QueueFilterForm(request.args)
    types = services.visible_types(user)
    statuses = [s.value for s in QUEUE_STATUSES]
    form.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(s, STATUS_LABELS[s]) for s in QUEUE_STATUSES
    ]
    form.type.choices = [SelectChoice("", _("All types"))] + [SelectChoice(str(t.id), t.name) for t in types]
    # Unknown values in the address are ignored, never an error page.
    status = form.status.data if form.status.data in statuses else ""
    type_id = int(form.type.data) if form.type.data in {str(t.id) for t in types} else None
    form.status.data, form.type.data = status, str(type_id or "")
    query = (form.q.data or "").strip()[:80]
    page = services.desk_queue(user, status, type_id, query, page_number())
    filters = {k: v for k, v in {"status": status, "type": type_id, "q": query}.items() if v}
    on, holidays = today(), services.holidays()
    clocks = {case.id: clock_view(case, on, holidays) for case in page.items}
    return render(
        "permits/desk_queue.html", "permits/_desk_rows.html", form=form, page=page, clocks=clocks, filters=filters
    )


# --- a file --------------------------------------------------------------------------------


def _file_page(case: PermitCase, failed: dict[str, FlaskForm] | None = None):
    """The file with the forms this person may use; ``failed`` holds a posted form to show
    again with its errors and everything that was typed."""
    failed = failed or {}
    user = _user()
    allowed = [t.name for t in workflow.available(case.status, user.role, user.can_decide)]
    forms = {name: failed.get(name) or ACTION_FORMS[name](case) for name in allowed if name in ACTION_FORMS}
    opinion_forms = {
        agency.id: failed.get(f"opinion-{agency.id}") or OpinionForm(formdata=None, prefix=f"opinion-{agency.id}")
        for agency in opinion_agencies(case, user)
    }
    on, holidays = today(), services.holidays()
    response = render(
        "permits/desk_show.html",
        case=case,
        forms=forms,
        opinion_forms=opinion_forms,
        note_form=failed.get("note") or note_form(user, formdata=None),
        error_form=next(iter(failed.values()), None),
        clock=clock_view(case, on, holidays),
        silence_approval=services.silence_means_approval(case),
        agencies=services.required_agencies(case),
        awaited=workflow.awaited_opinions(case),
        status_label=STATUS_LABELS[case.status],
        inspections=inspections.of_permit(case.id),
    )
    if failed and request.htmx:
        # A boosted form would otherwise leave the action's URL in the address bar.
        response.headers["HX-Push-Url"] = url_for("permits_desk.show", case_id=case.id)
    return response


@bp.get("/<id:case_id>")
@staff_required
def show(case_id: int):
    return _file_page(case_or_404(case_id))


@bp.get("/<id:case_id>/<path:action>")
@staff_required
def back_to_file(case_id: int, action: str):
    """An action's address opened as a page (reloaded, bookmarked): show the file."""
    return redirect(url_for("permits_desk.show", case_id=case_or_404(case_id).id), code=303)


def _act(case: PermitCase, key: str, form: FlaskForm, do, success, fields: dict[str, str | None] | None = None):
    """Take one step on the file (see web.desk_step)."""
    return desk_step(
        form,
        do,
        success=success,
        redirect_to=url_for("permits_desk.show", case_id=case.id),
        show_again=lambda: _file_page(case, failed={key: form}),
        not_now=lambda: _(
            "This step is not possible while the file is “%(status)s”. It may have changed since you opened it.",
            status=STATUS_LABELS[case.status],
        ),
        fields=fields,
    )


@bp.post("/<id:case_id>/complete")
@staff_required
def mark_complete(case_id: int):
    case = case_or_404(case_id)
    return _act(
        case,
        "mark_complete",
        ActionForm(),
        lambda: services.mark_complete(case, _user()),
        _("The file is complete: the legal clock has started."),
    )


@bp.post("/<id:case_id>/request-documents")
@staff_required
def request_documents(case_id: int):
    case = case_or_404(case_id)
    form = request_documents_form(case.type, formdata=request.form)
    return _act(
        case,
        "request_documents",
        form,
        lambda: services.request_documents(
            case, _user(), form.items(), (form.documents_message.data or "").strip() or None
        ),
        _("The applicant is asked for the documents, each with its reason."),
        fields={"items": None},
    )


@bp.post("/<id:case_id>/site-visit/request")
@staff_required
def request_site_visit(case_id: int):
    case = case_or_404(case_id)
    form = site_visit_form(case)
    return _act(
        case,
        "request_site_visit",
        form,
        lambda: services.request_site_visit(
            case,
            _user(),
            InspectionType(form.visit_type.data),
            inspections.pick_agent(case.commune_id, form.agent.data),
            form.due_on.data,
            (form.visit_message.data or "").strip() or None,
        ),
        _("A site visit is requested."),
        fields={"agent": "agent", "visit_type": "visit_type"},
    )


@bp.post("/<id:case_id>/site-visit/record")
@staff_required
def record_site_visit(case_id: int):
    case = case_or_404(case_id)
    form = RecordSiteVisitForm()
    return _act(
        case,
        "record_site_visit",
        form,
        lambda: services.record_site_visit(
            case, _user(), form.visit_note.data, request.files.getlist(form.photos.name)
        ),
        _("The site visit is recorded."),
        fields={"note": "visit_note"},
    )


@bp.post("/<id:case_id>/send-for-decision")
@staff_required
def send_for_decision(case_id: int):
    case = case_or_404(case_id)
    return _act(
        case,
        "send_for_decision",
        ActionForm(),
        lambda: services.send_for_decision(case, _user()),
        _("The file is sent for decision."),
    )


@bp.post("/<id:case_id>/approve")
@staff_required
def approve(case_id: int):
    case = case_or_404(case_id)
    form = ApproveForm()
    return _act(
        case,
        "approve",
        form,
        lambda: services.approve(case, _user(), form.conditions.data, form.approve_going_ahead.data),
        _("The application is approved."),
        fields={"going_ahead": "approve_going_ahead"},
    )


@bp.post("/<id:case_id>/refuse")
@staff_required
def refuse(case_id: int):
    case = case_or_404(case_id)
    form = RefuseForm()
    return _act(
        case,
        "refuse",
        form,
        lambda: services.refuse(case, _user(), form.reason_list(), form.refuse_going_ahead.data),
        _("The application is refused. The applicant sees each reason."),
        fields={"going_ahead": "refuse_going_ahead"},
    )


@bp.post("/<id:case_id>/issue")
@staff_required
def issue(case_id: int):
    case = case_or_404(case_id)
    return _act(
        case,
        "issue",
        ActionForm(),
        lambda: services.issue(case, _user()),
        lambda: _("The permit is issued. Its number is %(number)s.", number=case.permit_number),
    )


@bp.post("/<id:case_id>/revoke")
@staff_required
def revoke(case_id: int):
    case = case_or_404(case_id)
    form = RevokeForm()
    return _act(
        case,
        "revoke",
        form,
        lambda: services.revoke(case, _user(), form.revoke_reason.data),
        _("The permit is revoked."),
        fields={"reason": "revoke_reason"},
    )


@bp.post("/<id:case_id>/notes")
@staff_required
def add_note(case_id: int):
    case = case_or_404(case_id)
    form = note_form(_user())
    public = form.visibility.data == "public"
    done = _("The message is on the applicant's timeline.") if public else _("The internal note is added.")
    return _act(case, "note", form, lambda: services.add_note(case, _user(), form.text.data, public), done)


@bp.post("/<id:case_id>/opinions/<id:agency_id>")
@staff_required
def record_opinion(case_id: int, agency_id: int):
    case = case_or_404(case_id)
    agency = next((a for a in services.required_agencies(case) if a.id == agency_id), None)
    if agency is None:
        abort(404)
    form = OpinionForm(prefix=f"opinion-{agency.id}")
    return _act(
        case,
        f"opinion-{agency.id}",
        form,
        lambda: services.record_opinion(case, agency, form.verdict_value, form.comment.data, _user()),
        _("The opinion of %(agency)s is recorded.", agency=agency.name),
    )
