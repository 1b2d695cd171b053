"""The applicant's journey: a task list finished over several days, then the file's progress."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from app.auth.access import roles_required
from app.communes.services import open_communes
from app.core import storage
from app.core.errors import RuleError
from app.core.identity import format_phone, normalize_cin, normalize_phone
from app.core.replay import Submission
from app.extensions import db
from app.i18n import gettext as _
from app.inspections import services as inspections
from app.inspections.workflow import OPEN as VISIT_OPEN
from app.models import Role
from app.permits import bp, services
from app.permits.forms import ApplicantForm, NewApplicationForm, ParcelForm, UploadForm, details_form, plain
from app.permits.models import CaseDocument, PermitCase
from app.permits.workflow import IllegalTransition, Status
from app.uploads import UploadError
from app.web import absolute_url, render, submitter

citizen_required = roles_required(Role.CITIZEN)


def own_case(case_id: int) -> PermitCase:
    case = db.one_or_404(
        sa.select(PermitCase).where(PermitCase.id == case_id, PermitCase.applicant_id == current_user.id)
    )
    return case


def draft_case(case_id: int) -> PermitCase:
    case = own_case(case_id)
    if case.status is not Status.DRAFT:
        return abort(redirect(url_for("permits.show", case_id=case.id)))
    return case


@bp.get("/")
@citizen_required
def index():
    return render("permits/index.html", cases=services.applicant_cases(current_user))


@bp.route("/new", methods=["GET", "POST"])
@citizen_required
def new():
    form = NewApplicationForm()
    types = services.active_types()
    form.permit_type.choices = [SelectChoice(t.id, t.name) for t in types]
    communes = open_communes()
    form.commune.choices = [SelectChoice(c.id, c.name) for c in communes]
    if request.method == "GET" and current_user.commune_id:
        form.commune.data = current_user.commune_id
    if not form.idempotency_key.data:
        form.idempotency_key.data = secrets.token_urlsafe(24)
    submission = Submission(
        submitter(),
        form.idempotency_key.data,
        services.by_idempotency_key,
        same=lambda earlier: (earlier.type_id, earlier.commune_id) == (form.permit_type.data, form.commune.data),
    )
    if request.method == "POST" and (already := submission.earlier()) is not None:
        # Sent twice (a double tap, a phone replaying its outbox): the application already started.
        return redirect(url_for("permits.show", case_id=already.id), code=303)
    form.idempotency_key.data = submission.raw  # another application in a kept copy of the form: a new one
    if form.validate_on_submit():
        permit_type = next(t for t in types if t.id == form.permit_type.data)
        commune = next(c for c in communes if c.id == form.commune.data)
        case, _replayed = submission.make(
            lambda key: services.start(current_user._get_current_object(), permit_type, commune, idempotency_key=key)
        )
        return redirect(url_for("permits.show", case_id=case.id), code=303)
    status = 422 if request.method == "POST" else 200  # refused: the phone keeps its draft
    return render("permits/new.html", form=form, types=types, status=status)


@bp.get("/<id:case_id>")
@citizen_required
def show(case_id: int):
    case = own_case(case_id)
    if case.status is Status.DRAFT:
        steps = {step: services.step_done(case, step) for step in services.STEPS}
        return render("permits/task_list.html", case=case, steps=steps, can_send=not services.ready_to_send(case))
    return render(
        "permits/show.html",
        case=case,
        upload_form=UploadForm(),
        visit=_open_visit(case),
        **services.clock_summary(case),
    )


def _open_visit(case: PermitCase):
    """The site visit the applicant is asked to be there for, while it is to come."""
    if case.status is not Status.SITE_VISIT:
        return None
    return next((i for i in inspections.of_permit(case.id) if i.status in VISIT_OPEN), None)


def _step_page(case: PermitCase, form, step: str, title: str):
    """The step's form; sent back with its errors it answers 422, so a phone's outbox keeps the draft."""
    response = render("permits/step.html", case=case, form=form, step=step, title=title)
    return (response, 422) if request.method == "POST" else response


def _save_step(case: PermitCase, step: str, values: dict):
    services.save_step(case, step, values)
    flash(_("Saved. You can come back and change it until you send the application."), "success")
    return redirect(url_for("permits.show", case_id=case.id), code=303)


@bp.route("/<id:case_id>/applicant", methods=["GET", "POST"])
@citizen_required
def applicant(case_id: int):
    case = draft_case(case_id)
    form = ApplicantForm(obj=case)
    if request.method == "GET" and case.applicant_phone:
        form.applicant_phone.data = format_phone(case.applicant_phone)
    if form.validate_on_submit():
        return _save_step(
            case,
            "applicant",
            {
                "applicant_name": form.applicant_name.data.strip(),
                "applicant_cin": normalize_cin(form.applicant_cin.data)
                if (form.applicant_cin.data or "").strip()
                else None,
                "applicant_phone": normalize_phone(form.applicant_phone.data)
                if (form.applicant_phone.data or "").strip()
                else None,
                "applicant_address": form.applicant_address.data.strip(),
            },
        )
    return _step_page(case, form, "applicant", _("Applicant"))


@bp.route("/<id:case_id>/parcel", methods=["GET", "POST"])
@citizen_required
def parcel(case_id: int):
    case = draft_case(case_id)
    form = ParcelForm(obj=case)
    if form.validate_on_submit():
        return _save_step(
            case,
            "parcel",
            {
                "not_titled": form.not_titled.data,
                "land_title": None if form.not_titled.data else form.land_title.data.strip(),
                "address": form.address.data.strip(),
                "latitude": form.latitude.data,
                "longitude": form.longitude.data,
            },
        )
    return _step_page(case, form, "parcel", _("The land"))


@bp.route("/<id:case_id>/details", methods=["GET", "POST"])
@citizen_required
def details(case_id: int):
    case = draft_case(case_id)
    form = details_form(case.type, data=case.details)
    if form.validate_on_submit():
        answers = {spec["name"]: plain(form[spec["name"]].data) for spec in case.type.fields}
        return _save_step(case, "details", answers)
    return _step_page(case, form, "details", _("The project"))


@bp.route("/<id:case_id>/documents", methods=["GET", "POST"])
@citizen_required
def documents(case_id: int):
    """The checklist; each item has its own small upload form (htmx swaps just that item)."""
    case = own_case(case_id)
    form = UploadForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        item = form.item.data or ""
        if form.validate_on_submit():
            try:
                services.add_document(case, item, form.file.data, current_user)
            except (UploadError, RuleError) as error:
                errors[item] = error.message
            else:
                if not request.htmx:  # with htmx the item shows its tick; a flash would wait, one per upload
                    flash(_("The document is added."), "success")
        else:
            errors[item] = _("The form expired. Choose the file again.")
        if request.htmx and item:
            return render(
                "permits/_document_item.html", case=case, item=_item(case, item), form=UploadForm(), errors=errors
            )
        if not errors:
            return redirect(url_for("permits.documents", case_id=case.id), code=303)
    return render("permits/documents.html", case=case, form=UploadForm(), errors=errors, items=_items(case))


def _items(case: PermitCase) -> list[dict]:
    items = list(case.type.documents)
    if case.open_request is not None:
        items.append({"code": "other", "required": False, "kinds": ["pdf", "image"], "label": None})
    return items


def _item(case: PermitCase, code: str) -> dict:
    return next((i for i in _items(case) if i["code"] == code), None) or abort(404)


@bp.post("/<id:case_id>/documents/<id:document_id>/remove")
@citizen_required
def remove_document(case_id: int, document_id: int):
    case = own_case(case_id)
    document = next((d for d in case.documents if d.id == document_id), None) or abort(404)
    try:
        services.remove_document(case, document, current_user)
    except RuleError as error:
        flash(error.message, "error")
    else:
        flash(_("The file is removed."), "success")
    return redirect(url_for("permits.documents", case_id=case.id), code=303)


@bp.context_processor
def _document_rules() -> dict:
    return {"removable": services.removable}


@bp.route("/<id:case_id>/check", methods=["GET", "POST"])
@citizen_required
def check(case_id: int):
    """Check your answers, then send. Sent twice (a double tap, the outbox replaying it), the
    answer is the first one's: the receipt."""
    case = own_case(case_id)
    if request.method == "POST" and case.reference is not None:
        return redirect(url_for("permits.receipt", case_id=case.id), code=303)
    case = draft_case(case_id)
    problems = services.ready_to_send(case)
    if request.method == "POST" and not problems:
        form = UploadForm()  # only for its CSRF check
        if form.validate_on_submit():
            try:
                services.submit(case, current_user._get_current_object())
            except StaleDataError:  # the other tap sent it a moment earlier
                db.session.rollback()
                if own_case(case_id).reference is None:
                    raise
            return redirect(url_for("permits.receipt", case_id=case.id), code=303)
    return render(
        "permits/check.html", case=case, problems=problems, missing=services.missing_documents(case), form=UploadForm()
    )


@bp.get("/<id:case_id>/receipt")
@citizen_required
def receipt(case_id: int):
    case = own_case(case_id)
    if case.reference is None:
        abort(404)
    return render("permits/receipt.html", case=case, **services.clock_summary(case))


@bp.post("/<id:case_id>/provide")
@citizen_required
def provide(case_id: int):
    case = own_case(case_id)
    try:
        services.provide_documents(case, current_user)
    except (RuleError, IllegalTransition) as error:
        flash(getattr(error, "message", None) or _("This cannot be done on the file now."), "error")
    else:
        flash(
            _(
                "Thank you. The commune has been told that the documents are in. The legal clock runs again; "
                "the commune checks them and tells you if the file is complete."
            ),
            "success",
        )
    return redirect(url_for("permits.show", case_id=case.id), code=303)


@bp.post("/<id:case_id>/withdraw")
@citizen_required
def withdraw(case_id: int):
    case = own_case(case_id)
    try:
        services.withdraw(case, current_user)
    except IllegalTransition:
        flash(_("This application can no longer be withdrawn."), "error")
    else:
        flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("permits.show", case_id=case.id), code=303)


@bp.post("/<id:case_id>/delete")
@citizen_required
def delete_draft(case_id: int):
    case = own_case(case_id)
    try:
        services.delete_draft(case, current_user)
    except RuleError as error:
        flash(error.message, "error")
        return redirect(url_for("permits.show", case_id=case.id), code=303)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("permits.index"), code=303)


# --- files and the certificate, for the applicant and the commune's staff -----------------------


def visible_case(case_id: int) -> PermitCase:
    """The applicant's own file, or a file the staff member may see (commune scope, agency)."""
    if current_user.is_staff:
        case = db.session.scalar(services.staff_cases(current_user).where(PermitCase.id == case_id))
    else:
        case = db.session.scalar(
            sa.select(PermitCase).where(PermitCase.id == case_id, PermitCase.applicant_id == current_user.id)
        )
    if case is None:
        abort(404)
    return case


@bp.get("/files/<id:document_id>")
@login_required
def file(document_id: int):
    case_id = db.one_or_404(sa.select(CaseDocument.case_id).where(CaseDocument.id == document_id))
    case = visible_case(case_id)
    document = next((d for d in case.documents if d.id == document_id), None)
    if document is None or (document.internal and not current_user.is_staff):
        abort(404)
    return storage.send(
        document.storage_name,
        document.content_type,
        as_attachment=not document.is_image,
        download_name=document.original_name,
    )


@bp.get("/<id:case_id>/certificate")
@login_required
def certificate(case_id: int):
    import segno

    case = visible_case(case_id)
    if case.verify_code is None:
        abort(404)
    verify_url = absolute_url("tracking.verify", code=case.verify_code)
    qr = segno.make(verify_url, error="m").svg_inline(scale=3, dark="#000", omitsize=False)
    return render("permits/certificate.html", case=case, qr=qr, verify_url=verify_url, validity=services.validity(case))
