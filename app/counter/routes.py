"""The counter, at /counter: staff of the commune file for the person in front of them (or from a
letter or a call), print the receipt, act for them on their file; the practice space; and /claim,
where the person attaches the file to an account later."""

from __future__ import annotations

import segno
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from app.auth.access import roles_required
from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.complaints.workflow import Kind
from app.config import BABEL_LOCALES
from app.core.channels import CHANNEL_LABELS, Channel
from app.core.errors import RuleError
from app.core.identity import normalize_cin, normalize_phone
from app.core.practice import in_practice, set_practice
from app.core.statemachine import IllegalTransition
from app.counter import bp, guides, services
from app.counter.forms import ClaimForm, CounterComplaintForm, CounterPermitForm
from app.extensions import db, limit_sending
from app.i18n import gettext as _
from app.models import COMMUNE_STAFF_ROLES, Role
from app.permits import services as permits
from app.permits.forms import ApplicantForm, ParcelForm, UploadForm, details_form, plain
from app.permits.models import PermitCase
from app.permits.workflow import Status
from app.uploads import UploadError, photos_problem
from app.web import render

counter_staff = roles_required(*services.COUNTER_ROLES)
commune_staff = roles_required(*COMMUNE_STAFF_ROLES)
CLAIM_RATE_LIMIT = "10 per hour"
PRACTICE_KEY = "practice_commune"

for name, function in {
    "in_practice": in_practice,
    "page_guide": guides.for_page,
    "channel_label": lambda value: str(CHANNEL_LABELS.get(Channel(value), value)) if value else "",
}.items():
    bp.add_app_template_global(function, name)


@bp.before_app_request
def practice_space_of_the_visitor() -> None:
    """Staff who entered their commune's practice space see only its files until they leave it."""
    if request.endpoint == "static":
        return
    user = current_user
    staff = user.is_authenticated and user.role in COMMUNE_STAFF_ROLES and user.commune_id is not None
    set_practice(bool(staff and session.get(PRACTICE_KEY) == user.commune_id))


@bp.get("/counter")
@counter_staff
def index():
    drafts = db.session.scalars(
        sa.select(PermitCase)
        .where(PermitCase.filed_by_id.is_not(None), PermitCase.status == Status.DRAFT)
        .order_by(PermitCase.updated_at.desc())
        .limit(20)
    ).all()
    return render("counter/index.html", drafts=drafts)


# --- a permit application at the counter ----------------------------------------------------------


@bp.route("/counter/permits/new", methods=["GET", "POST"])
@counter_staff
def new_permit():
    form = CounterPermitForm()
    types = permits.active_types()
    form.permit_type.choices = [SelectChoice(t.id, t.name) for t in types]
    if form.validate_on_submit():
        permit_type = next((t for t in types if t.id == form.permit_type.data), None) or abort(400)
        phone = (form.applicant_phone.data or "").strip()
        person = {
            "applicant_name": form.applicant_name.data.strip(),
            "applicant_cin": normalize_cin(form.applicant_cin.data),
            "applicant_phone": normalize_phone(phone) if phone else None,
        }
        clerk = current_user._get_current_object()
        case = permits.start(
            None, permit_type, clerk.commune, channel=Channel(form.channel.data), filed_by=clerk, person=person
        )
        return redirect(url_for("counter.permit", case_id=case.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render("counter/new_permit.html", form=form, types=types, status=status)


def counter_draft(case_id: int) -> PermitCase:
    """A draft started at the counter of this commune (the wall keeps other communes' out). Once
    sent (a second tap on Send, a reload), its page is the receipt."""
    case = db.one_or_404(sa.select(PermitCase).where(PermitCase.id == case_id, PermitCase.filed_by_id.is_not(None)))
    if case.status is not Status.DRAFT:
        abort(redirect(url_for("counter.permit_receipt", case_id=case.id), code=303))
    return case


def _permit_forms(case: PermitCase, formdata):
    applicant = ApplicantForm(formdata, obj=case, prefix="a", meta={"csrf": False})
    parcel = ParcelForm(formdata, obj=case, prefix="p", meta={"csrf": False})
    details = details_form(case.type, formdata=formdata, data=case.details, prefix="d", meta={"csrf": False})
    return applicant, parcel, details


@bp.route("/counter/permits/<id:case_id>", methods=["GET", "POST"])
@counter_staff
def permit(case_id: int):
    """The online task list on one page: the applicant, the land, the project, the checklist's
    documents (scanned or photographed), then send. What is right is kept when something is not."""
    case = counter_draft(case_id)
    formdata = request.form if request.method == "POST" else None
    applicant, parcel, details = _permit_forms(case, formdata)
    upload_errors: dict[str, str] = {}
    problems: list[str] = []
    if request.method == "POST":
        clerk = current_user._get_current_object()
        _save_valid_steps(case, applicant, parcel, details)
        for item in case.type.documents:
            chosen = request.files.get(f"doc-{item['code']}")
            if chosen and chosen.filename:
                try:
                    permits.add_document(case, item["code"], chosen, clerk)
                except (UploadError, RuleError) as error:
                    db.session.rollback()
                    upload_errors[item["code"]] = error.message
        problems = permits.ready_to_send(case)
        if not problems and not upload_errors and request.form.get("send"):
            permits.submit(case, clerk)
            return redirect(url_for("counter.permit_receipt", case_id=case.id), code=303)
        if not problems and not upload_errors:
            flash(_("Saved. Check the documents, then send the application."), "success")
            return redirect(url_for("counter.permit", case_id=case.id), code=303)
    return render(
        "counter/permit.html",
        case=case,
        applicant=applicant,
        parcel=parcel,
        details=details,
        upload_errors=upload_errors,
        problems=problems,
        missing=permits.missing_documents(case),
        status=422 if request.method == "POST" else 200,
    )


def _save_valid_steps(case: PermitCase, applicant, parcel, details) -> None:
    if applicant.validate() and (applicant.applicant_cin.data or "").strip():
        phone = (applicant.applicant_phone.data or "").strip()
        values = {
            "applicant_name": applicant.applicant_name.data.strip(),
            "applicant_cin": normalize_cin(applicant.applicant_cin.data),
            "applicant_phone": normalize_phone(phone) if phone else None,
            "applicant_address": applicant.applicant_address.data.strip(),
        }
        permits.save_step(case, "applicant", values)
    elif not applicant.applicant_cin.errors and not (applicant.applicant_cin.data or "").strip():
        applicant.applicant_cin.errors = [_("Enter the CIN number from the person's card.")]
    if parcel.validate():
        not_titled = parcel.not_titled.data
        values = {
            "not_titled": not_titled,
            "land_title": None if not_titled else parcel.land_title.data.strip(),
            "address": parcel.address.data.strip(),
            "latitude": parcel.latitude.data,
            "longitude": parcel.longitude.data,
        }
        permits.save_step(case, "parcel", values)
    if details.validate():
        permits.save_step(
            case, "details", {spec["name"]: plain(details[spec["name"]].data) for spec in case.type.fields}
        )


# --- a complaint, an observation or a suggestion at the counter --------------------------------------


@bp.route("/counter/complaints/new", methods=["GET", "POST"])
@counter_staff
def new_complaint():
    clerk = current_user._get_current_object()
    categories = complaints.active_categories(clerk.commune)
    form = CounterComplaintForm()
    form.category.choices = [SelectChoice(c.id, c.name) for c in categories]
    upload_error = None
    if form.validate_on_submit():
        category = next((c for c in categories if c.id == form.category.data), None)
        photos = request.files.getlist(form.photos.name)
        problem = photos_problem(photos, complaints.MAX_PHOTOS, _("Send at most three photos."))
        if problem:
            form.photos.errors = [problem]
        elif category is None:
            form.category.errors.append(_("Choose what it is about."))
        else:
            try:
                complaint = complaints.file_complaint(
                    clerk.commune,
                    category,
                    Kind(form.kind.data),
                    form.description.data,
                    latitude=form.latitude.data,
                    longitude=form.longitude.data,
                    location_text=form.location_text.data,
                    contact_name=form.contact_name.data.strip(),
                    contact_phone=form.phone_e164,
                    contact_email=form.email_normalized,
                    contact_cin=normalize_cin(form.contact_cin.data),
                    photos=photos,
                    channel=Channel(form.channel.data),
                    filed_by=clerk,
                )
            except UploadError as error:
                db.session.rollback()
                upload_error = error.message
            else:
                return redirect(url_for("counter.complaint_receipt", complaint_id=complaint.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render("counter/new_complaint.html", form=form, upload_error=upload_error, status=status)


# --- the receipt, in Arabic and French, for an A5 sheet or an 80 mm roll -----------------------------


def _qr(reference: str) -> tuple[str, Markup]:
    url = url_for("tracking.track", reference=reference, _external=True)
    return url, Markup(segno.make(url, error="m").svg_inline(scale=3, dark="#000", omitsize=False))


def _receipt(template: str, **context):
    """The receipt's text twice, in Arabic then in French, whatever the page's language."""
    halves = []
    for language in ("ar", "fr"):
        with force_locale(BABEL_LOCALES[language]):
            halves.append((language, Markup(render_template(template, **context))))
    roll = request.args.get("paper") == "roll"
    return render("counter/receipt.html", halves=halves, roll=roll, **context)


@bp.get("/counter/receipts/permit/<id:case_id>")
@counter_staff
def permit_receipt(case_id: int):
    case = db.one_or_404(sa.select(PermitCase).where(PermitCase.id == case_id, PermitCase.reference.is_not(None)))
    track_url, qr = _qr(case.reference)
    legal_days, working, deadline = services.permit_deadline(case)
    return _receipt(
        "counter/_permit_receipt.html",
        case=case,
        track_url=track_url,
        qr=qr,
        legal_days=legal_days,
        working=working,
        deadline=deadline,
        kind="permit",
    )


@bp.get("/counter/receipts/complaint/<id:complaint_id>")
@counter_staff
def complaint_receipt(complaint_id: int):
    complaint = db.one_or_404(sa.select(Complaint).where(Complaint.id == complaint_id))
    track_url, qr = _qr(complaint.reference)
    return _receipt(
        "counter/_complaint_receipt.html",
        complaint=complaint,
        track_url=track_url,
        qr=qr,
        clock=complaints.clock(complaint),
        kind="complaint",
    )


# --- acting for the applicant: paper documents they bring, withdrawing at their request ---------------


def file_of_the_commune(case_id: int) -> PermitCase:
    return db.one_or_404(sa.select(PermitCase).where(PermitCase.id == case_id, PermitCase.status != Status.DRAFT))


@bp.route("/counter/files/<id:case_id>", methods=["GET", "POST"])
@counter_staff
def for_the_applicant(case_id: int):
    """What the applicant asks the clerk to do on their file, at the counter."""
    case = file_of_the_commune(case_id)
    form = UploadForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            permits.add_document(case, form.item.data or "other", form.file.data, current_user._get_current_object())
        except (UploadError, RuleError) as refused:
            db.session.rollback()
            error = refused.message
        else:
            flash(_("The document is added to the file."), "success")
            return redirect(url_for("counter.for_the_applicant", case_id=case.id), code=303)
    items = list(case.type.documents)
    if case.open_request is not None:
        items.append({"code": "other", "required": False, "kinds": ["pdf", "image"], "label": None})
    return render(
        "counter/for_the_applicant.html",
        case=case,
        form=form,
        items=items,
        error=error,
        status=422 if error else 200,
    )


@bp.post("/counter/files/<id:case_id>/provide")
@counter_staff
def provide(case_id: int):
    case = file_of_the_commune(case_id)
    _on_behalf(
        lambda: permits.provide_documents(case, current_user._get_current_object()),
        _("The documents are marked as provided, at the counter."),
    )
    return redirect(url_for("counter.for_the_applicant", case_id=case.id), code=303)


@bp.post("/counter/files/<id:case_id>/withdraw")
@counter_staff
def withdraw(case_id: int):
    case = file_of_the_commune(case_id)
    if request.form.get("confirm") != "yes":
        flash(_("Tick that the applicant asks for the withdrawal."), "error")
    else:
        _on_behalf(
            lambda: permits.withdraw(case, current_user._get_current_object()),
            _("The application is withdrawn at the applicant's request."),
        )
    return redirect(url_for("counter.for_the_applicant", case_id=case.id), code=303)


def _on_behalf(do, success: str) -> None:
    try:
        do()
    except (RuleError, IllegalTransition) as error:
        db.session.rollback()
        flash(getattr(error, "message", None) or _("This cannot be done on the file now."), "error")
    else:
        flash(success, "success")


# --- claiming a counter file with an account -----------------------------------------------------------


def _per_account() -> str:
    return f"claim:{current_user.id}" if current_user.is_authenticated else request.remote_addr or ""


@bp.route("/claim", methods=["GET", "POST"])
@roles_required(Role.CITIZEN)
@limit_sending(CLAIM_RATE_LIMIT, key_func=_per_account)
def claim():
    """A file filed for you at the counter, attached to your account: reference, tracking code and
    CIN. A wrong one is refused without saying which (the three are checked together)."""
    form = ClaimForm()
    if form.validate_on_submit():
        case = services.claim(current_user._get_current_object(), form.reference.data, form.code.data, form.cin.data)
        if case is not None:
            flash(_("The file is now in your account: you will be told of each step."), "success")
            if isinstance(case, Complaint):
                return redirect(url_for("complaints.show", complaint_id=case.id), code=303)
            return redirect(url_for("permits.show", case_id=case.id), code=303)
        form.form_errors.append(
            _(
                "No file filed at the counter matches this reference, tracking code and CIN. "
                "Check the three on the receipt and try again."
            )
        )
    response = render("counter/claim.html", form=form, status=422 if form.form_errors else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the practice space ------------------------------------------------------------------------------


@bp.post("/practice/enter")
@commune_staff
def enter_practice():
    session[PRACTICE_KEY] = current_user.commune_id
    flash(_("You are in the practice space: the files here are fictitious, nobody is told anything."), "success")
    return redirect(url_for("main.home"), code=303)


@bp.post("/practice/leave")
@commune_staff
def leave_practice():
    session.pop(PRACTICE_KEY, None)
    flash(_("You left the practice space: these are the commune's real files again."), "success")
    return redirect(url_for("main.home"), code=303)


@bp.post("/practice/renew")
@roles_required(Role.ADMIN)
def renew_practice():
    services.renew_practice(current_user.commune, current_user._get_current_object())
    flash(_("The practice space has a fresh set of fictitious files."), "success")
    return redirect(url_for("main.home"), code=303)
