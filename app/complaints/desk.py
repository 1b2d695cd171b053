"""The clerks' side of complaints, at /complaints/desk: the commune's queue and each complaint.

Complaints are found through services.staff_complaints(), which the commune wall filters: another
commune's complaint is a 404 for the page and for every action. A broken rule re-renders the
complaint with the message next to what was typed, never a 500.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from app.auth.access import admin_required, roles_required, staff_required
from app.complaints import bp, services, workflow
from app.complaints.forms import (
    AcknowledgeForm,
    ActionForm,
    AnswerForm,
    AssignForm,
    CategoryForm,
    MergeForm,
    NoteForm,
    OutOfScopeForm,
    QueueFilterForm,
)
from app.complaints.models import Complaint, ComplaintCategory
from app.complaints.workflow import STATUS_LABELS, IllegalTransition, Outcome, Status
from app.core.errors import RuleError
from app.extensions import db
from app.inspections import services as inspections
from app.inspections.forms import SiteCheckForm, agent_choices
from app.models import Role
from app.uploads import stored_path
from app.web import form_step, page_number, render

handlers_required = roles_required(Role.CLERK, Role.ADMIN, Role.NATIONAL_ADMIN)


def _user():
    return current_user._get_current_object()


def complaint_or_404(complaint_id: int) -> Complaint:
    complaint = db.session.scalar(services.staff_complaints().where(Complaint.id == complaint_id))
    if complaint is None:
        abort(404)
    return complaint


def _categories() -> list[ComplaintCategory]:
    return list(
        db.session.scalars(sa.select(ComplaintCategory).order_by(ComplaintCategory.position, ComplaintCategory.id))
    )


@bp.get("/desk")
@staff_required
def queue():
    form = QueueFilterForm(request.args)
    categories = _categories()
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
    rows = [(c, services.clock(c)) for c in page.items]
    return render(
        "complaints/desk_queue.html", "complaints/_desk_rows.html", form=form, page=page, rows=rows, filters=filters
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
        error_form=next(iter(failed.values()), None),
        can_handle=user.role in workflow.HANDLERS,
        templates=templates,
        inspections=inspections.of_complaint(complaint.id),
        site_check_form=_site_check_form(complaint, failed.get("site_check")),
    )
    if failed and request.htmx:
        response.headers["HX-Push-Url"] = url_for("complaints.desk_show", complaint_id=complaint.id)
    return response


@bp.get("/desk/<id:complaint_id>")
@staff_required
def desk_show(complaint_id: int):
    return _page(complaint_or_404(complaint_id))


@bp.get("/desk/<id:complaint_id>/<path:action>")
@staff_required
def desk_back(complaint_id: int, action: str):
    return redirect(url_for("complaints.desk_show", complaint_id=complaint_or_404(complaint_id).id), code=303)


def _act(complaint: Complaint, key: str, form: FlaskForm, do, success: str):
    """Take one step on the complaint (see web.form_step)."""

    def explain(error):
        if isinstance(error, IllegalTransition):
            if error.reason == "not for this role":
                return None, _("Your role does not allow this step.")
            return None, _(
                "This step is not possible while the complaint is “%(status)s”. It may "
                "have changed since you opened it.",
                status=STATUS_LABELS[complaint.status],
            )
        return error.field, error.message

    return form_step(
        form,
        do,
        refusals=(RuleError, IllegalTransition, RuleError),
        explain=explain,
        success=success,
        redirect_to=url_for("complaints.desk_show", complaint_id=complaint.id),
        show_again=lambda: _page(complaint, failed={key: form}),
    )


def _site_check_form(complaint: Complaint, failed: SiteCheckForm | None = None) -> SiteCheckForm | None:
    """ "Request a site check": a field agent goes and looks (an inspection from the complaint)."""
    if _user().role not in workflow.HANDLERS or complaint.status not in workflow.OPEN:
        return None
    form = failed or SiteCheckForm(formdata=None)
    form.agent.choices = agent_choices(inspections.field_agents(complaint.commune_id), _("Assign later"))
    return form


@bp.post("/desk/<id:complaint_id>/site-check")
@handlers_required
def desk_site_check(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = SiteCheckForm()
    form.agent.choices = agent_choices(inspections.field_agents(complaint.commune_id), "")

    def do():
        agent = inspections.pick_agent(complaint.commune_id, form.agent.data)
        services.request_site_check(
            complaint, _user(), agent, form.due_on.data, (form.instructions.data or "").strip() or None
        )

    return _act(complaint, "site_check", form, do, _("A site check is requested."))


@bp.post("/desk/<id:complaint_id>/acknowledge")
@handlers_required
def desk_acknowledge(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AcknowledgeForm()
    return _act(
        complaint,
        "acknowledge",
        form,
        lambda: services.acknowledge(complaint, _user(), form.department.data),
        _("The complaint is acknowledged and forwarded to the department."),
    )


@bp.post("/desk/<id:complaint_id>/start")
@handlers_required
def desk_start(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    return _act(
        complaint, "start", ActionForm(), lambda: services.start(complaint, _user()), _("The complaint is in progress.")
    )


@bp.post("/desk/<id:complaint_id>/answer")
@handlers_required
def desk_answer(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AnswerForm()
    return _act(
        complaint,
        "answer",
        form,
        lambda: services.answer(complaint, _user(), Outcome(form.outcome.data), form.answer.data),
        _("The answer is public. The citizen can rate it."),
    )


@bp.post("/desk/<id:complaint_id>/close")
@handlers_required
def desk_close(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    return _act(
        complaint, "close", ActionForm(), lambda: services.close(complaint, _user()), _("The complaint is closed.")
    )


@bp.post("/desk/<id:complaint_id>/out-of-scope")
@handlers_required
def desk_out_of_scope(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = OutOfScopeForm()
    return _act(
        complaint,
        "close_out_of_scope",
        form,
        lambda: services.close_out_of_scope(complaint, _user(), form.message.data),
        _("The complaint is closed as out of scope, with your message."),
    )


@bp.post("/desk/<id:complaint_id>/assign")
@handlers_required
def desk_assign(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = AssignForm()
    agents = {u.id: u for u in services.agents_of(complaint.commune_id)}
    form.agent.choices = [SelectChoice(0, "")] + [SelectChoice(i, u.full_name) for i, u in agents.items()]

    def do():
        if form.agent.data and form.agent.data not in agents:
            raise RuleError(_("Choose a member of the commune's staff."), "agent")
        services.assign(complaint, _user(), agents.get(form.agent.data))

    return _act(complaint, "assign", form, do, _("The assignment is saved."))


@bp.post("/desk/<id:complaint_id>/notes")
@staff_required
def desk_note(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = NoteForm()
    return _act(
        complaint,
        "note",
        form,
        lambda: services.add_note(complaint, _user(), form.text.data),
        _("The internal note is added."),
    )


@bp.post("/desk/<id:complaint_id>/merge")
@handlers_required
def desk_merge(complaint_id: int):
    complaint = complaint_or_404(complaint_id)
    form = MergeForm()

    def do():
        target = db.session.scalar(
            services.staff_complaints().where(Complaint.reference == (form.target.data or "").strip().upper())
        )
        services.merge(complaint, _user(), target)

    return _act(complaint, "merge", form, do, _("The duplicate is closed; it points to the other complaint."))


@bp.post("/desk/<id:complaint_id>/photos/<id:photo_id>/public")
@handlers_required
def desk_photo_public(complaint_id: int, photo_id: int):
    complaint = complaint_or_404(complaint_id)
    public = request.form.get("public") == "1"
    return _act(
        complaint,
        "photo",
        ActionForm(),
        lambda: services.set_photo_public(complaint, photo_id, public),
        _("The photo is shown on the public page.") if public else _("The photo is no longer public."),
    )


@bp.get("/desk/<id:complaint_id>/photos/<id:photo_id>")
@staff_required
def desk_photo(complaint_id: int, photo_id: int):
    complaint = complaint_or_404(complaint_id)
    photo = next((p for p in complaint.photos if p.id == photo_id), None)
    if photo is None:
        abort(404)
    return send_file(stored_path(photo.storage_name), mimetype="image/jpeg", max_age=0)


# --- categories (commune admins) -------------------------------------------------------------


def _templates_text(templates: list) -> str:
    return "\n\n".join(f"{t.get('title', '')}\n{t.get('text', '')}".strip() for t in templates or [])


def _templates_list(text: str) -> list[dict]:
    result = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = block.strip().split("\n", 1)
        if lines[0].strip():
            result.append({"title": lines[0].strip()[:120], "text": (lines[1] if len(lines) > 1 else "").strip()})
    return result


@bp.get("/categories")
@admin_required
def categories():
    return render("complaints/categories.html", categories=_categories())


@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
@admin_required
def category(category_id: int):
    item = db.session.scalar(sa.select(ComplaintCategory).where(ComplaintCategory.id == category_id))
    if item is None:
        abort(404)
    form = CategoryForm(obj=item)
    if request.method == "GET":
        form.answer_templates.data = _templates_text(item.answer_templates)
    if form.validate_on_submit():
        for name in ("name_ar", "name_fr", "name_en", "department"):
            setattr(item, name, getattr(form, name).data.strip())
        item.duplicate_radius_m = form.duplicate_radius_m.data
        item.answer_templates = _templates_list(form.answer_templates.data)
        item.active = form.active.data
        db.session.commit()
        flash(_("The category is saved."), "success")
        return redirect(url_for("complaints.categories"), code=303)
    return render("complaints/category.html", form=form, category=item)
