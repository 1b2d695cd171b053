"""Field agents' pages (my day, the inspection with its report form, an infraction on the spot)
and the clerks' (the commune's inspections, assigning them, reading reports, checklists).

Inspections and reports are CommuneScoped: another commune's is a 404, for the page and for
every action. The report forms follow the offline contract (see README)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.core import storage
from app.core.dates import today
from app.core.errors import RuleError
from app.core.replay import Submission
from app.extensions import db
from app.i18n import gettext as _
from app.inspections import bp, services, workflow
from app.inspections.forms import (
    AssignForm,
    ChecklistForm,
    OnTheSpotForm,
    ReportForm,
    agent_choices,
    checklist_fields,
)
from app.inspections.models import Inspection, InspectionReport
from app.inspections.workflow import STATUS_LABELS, IllegalTransition, Outcome, Type
from app.models import Role
from app.uploads import UploadError, photos_problem
from app.web import render, submitter

field_required = roles_required(Role.AGENT, Role.CLERK, Role.ADMIN)
commune_admin_required = roles_required(Role.ADMIN)  # checklists are one commune's


def _user():
    return current_user._get_current_object()


def inspection_or_404(inspection_id: int) -> Inspection:
    return db.one_or_404(sa.select(Inspection).where(Inspection.id == inspection_id))


def _with_key(form: ReportForm) -> ReportForm:
    if not form.idempotency_key.data:
        form.idempotency_key.data = secrets.token_urlsafe(24)
    return form


def _submission(form: ReportForm, inspection: Inspection | None) -> Submission:
    """A report may arrive more than once (app.core.replay). A key already used for another report
    comes from a copy of the form kept on the phone: that is a new report, not a replay."""
    return Submission(
        submitter(),
        form.idempotency_key.data,
        services.by_idempotency_key,
        same=lambda earlier: services.is_replay(earlier, inspection, form.findings.data),
    )


def _photos_valid(form: ReportForm) -> bool:
    problem = photos_problem(
        request.files.getlist(form.photos.name), services.MAX_PHOTOS, _("Send at most ten photos.")
    )
    if problem:
        form.photos.errors = [problem]
    return problem is None


def _report_input(form: ReportForm, checks: list, key: str) -> services.ReportInput:
    return services.ReportInput(
        findings=form.findings.data,
        outcome=Outcome(form.outcome.data),
        idempotency_key=key,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        accuracy_m=form.accuracy_m,
        checklist=[{"question": str(f.label.text), "answer": f.data} for f in checks if f.data in ("yes", "no", "na")],
        public_summary=form.public_summary.data,
        photos=request.files.getlist(form.photos.name),
        filed_at=form.filed_at_time,
    )


def _filed(report: InspectionReport):
    return redirect(url_for("inspections.report", report_id=report.id), code=303)


def _photos_lost(form: ReportForm) -> bool:
    return request.method == "POST" and any(f and f.filename for f in request.files.getlist(form.photos.name))


# --- the agent's day -------------------------------------------------------------------------


def documents_to_bring(inspection: Inspection) -> list[tuple[str, str]]:
    """(address, name) of what the agent takes to the site: the file's documents (not the commune's
    internal ones), or the complaint's photos. Shown on the inspection, downloaded with it."""
    if inspection.permit_case:
        return [
            (url_for("permits.file", document_id=d.id), d.original_name)
            for d in inspection.permit_case.documents
            if not d.internal
        ]
    if inspection.complaint:
        return [
            (
                url_for("complaints_desk.photo", complaint_id=inspection.complaint_id, photo_id=p.id),
                _("Photo %(num)d", num=n),
            )
            for n, p in enumerate(inspection.complaint.photos, 1)
        ]
    return []


@bp.get("/")
@field_required
def my_day():
    """Today's inspections, each with what "Download today's work" keeps on the phone: its page
    (the case, the checklist, the report form) and the documents to bring."""
    user = _user()
    inspections = services.my_day(user)
    offline_urls = {
        i.id: [url_for("inspections.show", inspection_id=i.id), *(url for url, _ in documents_to_bring(i))]
        for i in inspections
    }
    return render(
        "inspections/my_day.html",
        inspections=inspections,
        offline_urls=offline_urls,
        reported=services.reported_today(user),
        today=today(),
    )


@bp.route("/<id:inspection_id>", methods=["GET", "POST"])
@field_required
def show(inspection_id: int):
    """The inspection: where, what about, what to bring; the report form while it is open."""
    inspection = inspection_or_404(inspection_id)
    user = _user()
    form = _with_key(ReportForm())
    submission = _submission(form, inspection)
    if request.method == "POST" and (already := submission.earlier()) is not None:
        return _filed(already)  # a replay: what the first attempt answered, nothing new
    form.idempotency_key.data = submission.raw
    checklist = services.checklist_for(inspection.commune_id, inspection.type)
    checks = checklist_fields(
        form, checklist.questions() if checklist else [], request.form if request.method == "POST" else None
    )
    refusal = services.report_refusal(inspection, user)
    can_report = refusal is None and any(t.name == "report" for t in workflow.available(inspection.status, user.role))
    if request.method == "POST" and refusal is not None:
        status = 403  # a colleague's inspection: nothing is stored, the page says why
    elif request.method == "POST":
        valid = form.validate_on_submit()
        if _photos_valid(form) and valid:
            try:
                report, _replayed = submission.make(
                    lambda key: services.file_report(inspection, user, _report_input(form, checks, key))
                )
                return _filed(report)
            except sa.exc.IntegrityError:
                form.form_errors.append(_("This inspection already has a report."))
            except IllegalTransition:
                form.form_errors.append(
                    _(
                        "This inspection is “%(status)s”: it takes no report now.",
                        status=STATUS_LABELS[inspection.status],
                    )
                )
            except (RuleError, UploadError) as error:
                form.form_errors.append(str(error.message))
        status = 422
    else:
        status = 200
    return render(
        "inspections/show.html",
        status=status,
        refusal=refusal if inspection.status in workflow.OPEN else None,
        inspection=inspection,
        form=form,
        checks=checks,
        can_report=can_report,
        photos_lost=_photos_lost(form),
        documents=documents_to_bring(inspection),
        today=today(),
        **clerk_forms(inspection),
    )


@bp.route("/new", methods=["GET", "POST"])
@field_required
def on_the_spot():
    """An infraction found on the spot: the inspection and its report in one form, offline too."""
    user = _user()
    form = _with_key(OnTheSpotForm())
    submission = _submission(form, None)
    if request.method == "POST" and (already := submission.earlier()) is not None:
        return _filed(already)
    form.idempotency_key.data = submission.raw
    # Both kinds' checklists are on the page (one page to keep offline); the kind chosen says which counts.
    formdata = request.form if request.method == "POST" else None
    checks_by_kind = {}
    for kind in workflow.INFRACTION_TYPES:
        checklist = services.checklist_for(user.commune_id, kind)
        checks_by_kind[kind] = checklist_fields(
            form, checklist.questions() if checklist else [], formdata, prefix=kind.value
        )
    kind = Type(form.infraction.data) if form.infraction.data in {t.value for t in workflow.INFRACTION_TYPES} else None
    if request.method == "POST":
        valid = form.validate_on_submit()
        if _photos_valid(form) and valid:
            try:
                report, _replayed = submission.make(
                    lambda key: services.file_report(
                        services.open_on_the_spot(
                            user, kind, form.address.data, form.latitude.data, form.longitude.data
                        ),
                        user,
                        _report_input(form, checks_by_kind[kind], key),
                    )
                )
                return _filed(report)
            except (RuleError, IllegalTransition, UploadError) as error:
                db.session.rollback()
                form.form_errors.append(
                    str(error.message) if hasattr(error, "message") else _("This report cannot be filed.")
                )
        return render(
            "inspections/on_the_spot.html",
            status=422,
            form=form,
            checks_by_kind=checks_by_kind,
            photos_lost=_photos_lost(form),
        )
    return render("inspections/on_the_spot.html", form=form, checks_by_kind=checks_by_kind, photos_lost=False)


@bp.get("/reports/<id:report_id>")
@field_required
def report(report_id: int):
    """The confirmation a report leads to (also after a replay), and the report as clerks read it."""
    found = db.one_or_404(sa.select(InspectionReport).where(InspectionReport.id == report_id))
    return render("inspections/report.html", report=found, inspection=found.inspection)


@bp.get("/reports/<id:report_id>/photos/<id:photo_id>")
@field_required
def photo(report_id: int, photo_id: int):
    found = db.one_or_404(sa.select(InspectionReport).where(InspectionReport.id == report_id))
    item = next((p for p in found.photos if p.id == photo_id), None) or abort(404)
    return storage.send(item.storage_name, "image/jpeg")


def clerk_forms(inspection: Inspection, failed: AssignForm | None = None) -> dict:
    """The assignment form, for a clerk, while the inspection is open."""
    if _user().role not in workflow.CLERKS or inspection.status not in workflow.OPEN:
        return {"assign_form": None}
    form = failed or AssignForm(formdata=None, agent=inspection.assigned_to_id or 0, due_on=inspection.due_on)
    form.agent.choices = agent_choices(services.field_agents(inspection.commune_id), _("Choose an agent"))
    return {"assign_form": form}


def page_for_clerk(inspection: Inspection, failed: AssignForm | None = None):
    """The inspection's page after a clerk's step was refused (422), the form kept."""
    report_form = _with_key(ReportForm(formdata=None))
    checklist = services.checklist_for(inspection.commune_id, inspection.type)
    checks = checklist_fields(report_form, checklist.questions() if checklist else [], None)
    return render(
        "inspections/show.html",
        status=422,
        inspection=inspection,
        form=report_form,
        checks=checks,
        can_report=False,
        photos_lost=False,
        documents=documents_to_bring(inspection),
        today=today(),
        **clerk_forms(inspection, failed),
    )


@bp.get("/queue")
def old_queue_address():
    """The inspections' queue moved to /desk/inspections: bookmarks still land on it."""
    return redirect(url_for("inspections_desk.queue", **request.args), code=301)


# --- checklists (commune admins) ---------------------------------------------------------------


@bp.get("/checklists")
@commune_admin_required
def checklists():
    return render("inspections/checklists.html", checklists=services.checklists())


@bp.route("/checklists/<kind>", methods=["GET", "POST"])
@commune_admin_required
def checklist(kind: str):
    if kind not in {t.value for t in Type}:
        abort(404)
    item = next((c for c in services.checklists() if c.type.value == kind), None) or abort(404)
    form = ChecklistForm()
    if request.method == "GET":
        for language in ("ar", "fr", "en"):
            form[language].data = "\n".join(entry.get(language, "") for entry in item.items)
    if form.validate_on_submit():
        try:
            services.save_checklist(item, *(form.lines(form[language].data) for language in ("ar", "fr", "en")))
        except RuleError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, str(error.message)]
        else:
            flash(_("The checklist is saved."), "success")
            return redirect(url_for("inspections.checklists"), code=303)
        return render("inspections/checklist.html", status=422, form=form, checklist=item)
    return render("inspections/checklist.html", status=422 if form.errors else 200, form=form, checklist=item)
