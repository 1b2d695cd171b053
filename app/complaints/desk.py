"""The complaint desk, at /desk/complaints: the commune's queue and each complaint.

Complaints are found through services.staff_complaints(), which the commune wall filters: another
commune's complaint is a 404 for the page and for every action. A broken rule re-renders the
complaint with the message next to what was typed, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from app.auth.access import roles_required, staff_required
from app.complaints import services, workflow
from app.complaints.categories import commune_categories
from app.complaints.forms import (
    AcknowledgeForm,
    ActionForm,
    AnswerForm,
    AssignForm,
    MergeForm,
    NoteForm,
    OutOfScopeForm,
    PublicSummaryForm,
    QueueFilterForm,
)
from app.complaints.models import Complaint
from app.complaints.workflow import STATUS_LABELS, Outcome, Status
from app.core import storage
from app.core.errors import RuleError
from app.extensions import db
from app.i18n import gettext as _
from app.inspections import services as inspections
from app.inspections.forms import SiteCheckForm, agent_choices
from app.models import Role
from app.web import desk_step, page_number, render

bp = Blueprint("complaints_desk", __name__, url_prefix="/desk/complaints")

handlers_required = roles_required(Role.CLERK, Role.ADMIN, Role.NATIONAL_ADMIN)


def _user():
    return current_user._get_current_object()


def complaint_or_404(complaint_id: int) -> Complaint:
    return db.one_or_404(services.staff_complaints().where(Complaint.id == complaint_id))


@bp.get("")
@staff_required
def queue():
    form = QueueFilterForm(request.args)
    categories = commune_categories()
    departments = sorted({c.department for c in categories})
    form.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(s.value, STATUS_LABELS[s]) for s in Status
    ]
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(str(c.id), c.name) for c in categories
    ]
    form.department.choices = [SelectChoice("", _("All departments"))] + [SelectChoice(d, d) for d in departments]
    status = form.status.data if form.status.data in {s.value for s in Status} else ""
    category_id = int(form.category.data) if form.category.data in {str(c.id) for c in categories} else None
    department = form.department.data if form.department.data in departments else ""
    form.status.data, form.category.data, form.department.data = status, str(category_id or ""), department
    page = services.queue(status, category_id, department, page_number())
    filters = {k: v for k, v in {"status": status, "category": category_id, "department": department}.items() if v}
    clocks = {c.id: services.clock(c) for c in page.items}
    return render(
        "complaints/desk_queue.html", "complaints/_desk_rows.html", form=form, page=page, clocks=clocks, filters=filters
    )


def _page(complaint: Complaint, failed: dict[str, FlaskForm] | None = None):
    failed = failed or {}
    user = _user()
    allowed = (
        {t.name for t in workflow.available(complaint.status, user.role)} if user.role in workflow.HANDLERS else set()
    )
    forms = {
        "acknowledge": failed.get("acknowledge")
        or AcknowledgeForm(formdata=None, department=complaint.department or complaint.category.department),
        "start": ActionForm(formdata=None),
        "answer": failed.get("answer") or AnswerForm(formdata=None),
        "close": ActionForm(formdata=None),
        "close_out_of_scope": failed.get("close_out_of_scope") or OutOfScopeForm(formdata=None),
    }
    forms = {name: form for name, form in forms.items() if name in allowed}
    templates = complaint.category.answer_templates or []
    if "answer" in forms and "answer" not in failed and templates:
        # ?template=N picks one of the category's answer templates (no JavaScript needed).
        chosen = request.args.get("template", "0")
        index = int(chosen) if chosen.isdigit() and int(chosen) < len(templates) else 0
        forms["answer"].answer.data = templates[index].get("text", "")
    assign_form = failed.get("assign") or AssignForm(formdata=None, agent=complaint.assigned_to_id or 0)
    assign_form.agent.choices = [SelectChoice(0, _("Nobody"))] + [
        SelectChoice(u.id, u.full_name) for u in services.agents_of(complaint.commune_id)
    ]
    response = render(
        "complaints/desk_show.html",
        complaint=complaint,
        forms=forms,
        clock=services.clock(complaint),
        assign_form=assign_form,
        note_form=failed.get("note") or NoteForm(formdata=None),
        merge_form=failed.get("merge") or MergeForm(formdata=None),
        photo_form=ActionForm(formdata=None),
        summary_form=failed.get("summary") or PublicSummaryForm(formdata=None, summary=complaint.public_summary),
        error_form=next(iter(failed.values()), None),
        can_handle=user.role in workflow.HANDLERS,
        templates=templates,
        inspections=inspections.of_complaint(complaint.id),
        site_check_form=_site_check_form(complaint, failed.get("site_check")),
    )
    if failed and request.htmx:
        response.headers["HX-Push-Url"] = url_for("complaints_desk.show", complaint_id=complaint.id)
    return response


@bp.get("/<id:complaint_id>")
@staff_required
def show(complaint_id: int):
    return _page(complaint_or_404(complaint_id))


@bp.get("/<id:complaint_id>/<path:action>")
@staff_required
def back(complaint_id: int, action: str):
    return redirect(url_for("complaints_desk.show", complaint_id=complaint_or_404(complaint_id).id), code=303)


def _act(complaint: Complaint, key: str, form: FlaskForm, do, success: str):
    """Take one step on the complaint (see web.desk_step)."""
    return desk_step(
        form,
        do,
        success=success,
        redirect_to=url_for("complaints_desk.show", complaint_id=complaint.id),
        show_again=lambda: _page(complaint, failed={key: form}),
        not_now=lambda: _(
            "This step is not possible while the complaint is “%(status)s”. It may have changed since you opened it.",
            status=STATUS_LABELS[complaint.status],
        ),
    )


def _site_check_form(complaint: Complaint, failed: SiteCheckForm | None = None) -> SiteCheckForm | None:
    """ "Request a site check": a field agent goes and looks (an inspection from the complaint)."""
    if _user().role not in workflow.HANDLERS or complaint.status not in workflow.OPEN:
        return None
    form = failed or SiteCheckForm(formdata=None)
    form.agent.choices = agent_choices(inspections.field_agents(complaint.commune_id), _("Assign later"))
    # The page's Assign form has its own "agent": each label names its own control.
    form.agent.id = form.agent.label.field_id = "site-check-agent"
    return form


@bp.post("/<id:complaint_id>/site-check")
@handlers_required
def site_check(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = SiteCheckForm()
    form.agent.choices = agent_choices(inspections.field_agents(complaint.commune_id), "")

    def do():
        agent = inspections.pick_agent(complaint.commune_id, form.agent.data)
        services.request_site_check(
            complaint, _user(), agent, form.due_on.data, (form.instructions.data or "").strip() or None
        )

    return _act(complaint, "site_check", form, do, _("A site check is requested."))


@bp.post("/<id:complaint_id>/acknowledge")
@handlers_required
def acknowledge(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AcknowledgeForm()
    return _act(
        complaint,
        "acknowledge",
        form,
        lambda: services.acknowledge(complaint, _user(), form.department.data),
        _("The complaint is acknowledged and forwarded to the department."),
    )


@bp.post("/<id:complaint_id>/start")
@handlers_required
def start(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    return _act(
        complaint, "start", ActionForm(), lambda: services.start(complaint, _user()), _("The complaint is in progress.")
    )


@bp.post("/<id:complaint_id>/answer")
@handlers_required
def answer(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AnswerForm()
    return _act(
        complaint,
        "answer",
        form,
        lambda: services.answer(complaint, _user(), Outcome(form.outcome.data), form.answer.data),
        _("The answer is public. The citizen can rate it."),
    )


@bp.post("/<id:complaint_id>/close")
@handlers_required
def close(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    return _act(
        complaint, "close", ActionForm(), lambda: services.close(complaint, _user()), _("The complaint is closed.")
    )


@bp.post("/<id:complaint_id>/out-of-scope")
@handlers_required
def out_of_scope(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = OutOfScopeForm()
    return _act(
        complaint,
        "close_out_of_scope",
        form,
        lambda: services.close_out_of_scope(complaint, _user(), form.message.data),
        _("The complaint is closed as out of scope, with your message."),
    )


@bp.post("/<id:complaint_id>/assign")
@handlers_required
def assign(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AssignForm()
    agents = {u.id: u for u in services.agents_of(complaint.commune_id)}
    form.agent.choices = [SelectChoice(0, "")] + [SelectChoice(i, u.full_name) for i, u in agents.items()]

    def do():
        if form.agent.data and form.agent.data not in agents:
            raise RuleError(_("Choose a member of the commune's staff."), "agent")
        services.assign(complaint, _user(), agents.get(form.agent.data))

    return _act(complaint, "assign", form, do, _("The assignment is saved."))


@bp.post("/<id:complaint_id>/notes")
@staff_required
def note(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = NoteForm()
    return _act(
        complaint,
        "note",
        form,
        lambda: services.add_note(complaint, _user(), form.text.data),
        _("The internal note is added."),
    )


@bp.post("/<id:complaint_id>/merge")
@handlers_required
def merge(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = MergeForm()

    def do():
        target = db.session.scalar(
            services.staff_complaints().where(Complaint.reference == (form.target.data or "").strip().upper())
        )
        services.merge(complaint, _user(), target)

    return _act(complaint, "merge", form, do, _("The duplicate is closed; it points to the other complaint."))


@bp.post("/<id:complaint_id>/photos/<id:photo_id>/public")
@handlers_required
def photo_public(complaint_id: int, photo_id: int):
    complaint = complaint_or_404(complaint_id)
    public = request.form.get("public") == "1"
    return _act(
        complaint,
        "photo",
        ActionForm(),
        lambda: services.set_photo_public(complaint, photo_id, public),
        _("The photo is shown on the public page.") if public else _("The photo is no longer public."),
    )


@bp.post("/<id:complaint_id>/public-summary")
@handlers_required
def public_summary(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = PublicSummaryForm()
    return _act(
        complaint,
        "summary",
        form,
        lambda: services.set_public_summary(complaint, _user(), form.summary.data),
        _("The summary is on the public page.")
        if (form.summary.data or "").strip()
        else _("Nothing of this complaint's words is public."),
    )


@bp.get("/<id:complaint_id>/photos/<id:photo_id>")
@staff_required
def photo(complaint_id: int, photo_id: int):
    complaint = complaint_or_404(complaint_id)
    photo = next((p for p in complaint.photos if p.id == photo_id), None)
    if photo is None:
        abort(404)
    return storage.send(photo.storage_name, "image/jpeg")
