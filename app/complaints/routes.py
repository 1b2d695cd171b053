"""The citizen's side: file a complaint in a minute (no JavaScript needed), follow, rate, reopen,
and the public page of each complaint (no personal data)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from wtforms import SelectChoice

from app.communes.routes import visitor_commune
from app.communes.services import get_by_code
from app.complaints import bp, follow, services
from app.complaints.forms import FileForm, RateForm, ReopenForm, SupportForm
from app.complaints.models import Complaint
from app.complaints.workflow import Kind
from app.core import storage
from app.core.blank_forms import blank_form
from app.core.replay import Submission
from app.extensions import db, limit_sending, limiter
from app.i18n import gettext as _
from app.models import Role
from app.scoping import set_commune_scope
from app.uploads import UploadError, photos_problem
from app.web import render, submitter

FILED_KEY = "filed_complaints"  # what this browser filed: its confirmation pages
FOLLOW_RATE_LIMIT = "30 per minute"
FILE_RATE_LIMIT = "20 per minute;200 per hour"


def _photos_valid(form: FileForm) -> bool:
    problem = photos_problem(
        request.files.getlist(form.photos.name), services.MAX_PHOTOS, _("Send at most three photos.")
    )
    if problem:
        form.photos.errors = [problem]
    return problem is None


def _filed_redirect(complaint: Complaint):
    if complaint.id not in session.get(FILED_KEY, []):
        session[FILED_KEY] = [*session.get(FILED_KEY, [])[-9:], complaint.id]
    return redirect(url_for("complaints.filed", complaint_id=complaint.id), code=303)


def _named_commune():
    code = request.args.get("commune", "")[:16]
    commune = get_by_code(code) if code else None
    return commune if commune is not None and commune.is_open else None


@bp.route("/new", methods=["GET", "POST"])
@limit_sending(FILE_RATE_LIMIT)
def new():
    # The form names its commune in its address, so a phone replaying it days later, from a
    # browser that forgot the chosen commune, still files it where it was written.
    commune = _named_commune() or visitor_commune()
    if commune is None:
        return render("complaints/choose_commune.html")
    if request.method == "GET":
        return _blank_complaint_form(commune, [SelectChoice(*choice) for choice in services.category_choices(commune)])
    categories = services.active_categories(commune)
    choices = [SelectChoice(c.id, c.name) for c in categories]
    form = FileForm()
    form.category.choices = choices
    if not form.idempotency_key.data:
        form.idempotency_key.data = secrets.token_urlsafe(24)
    duplicates = []
    submission = Submission(
        submitter(),
        form.idempotency_key.data,
        services.by_idempotency_key,
        same=lambda earlier: earlier.description == (form.description.data or "").strip(),
    )
    if request.method == "POST" and (already := submission.earlier()) is not None:
        # The same form sent twice (a double tap, a phone replaying its outbox): the same complaint.
        return _filed_redirect(already)
    form.idempotency_key.data = submission.raw  # a saved copy of a used form: a key of its own
    if request.method == "POST":
        valid = form.validate_on_submit()
        category = next((c for c in categories if c.id == form.category.data), None)
        if valid and category is None:
            form.category.errors.append(_("Choose what it is about."))
            valid = False
        photos_ok = _photos_valid(form)
        if valid and photos_ok and not form.seen_duplicates.data:
            duplicates = services.nearby_open(category, form.latitude.data, form.longitude.data, not_key=submission.key)
            form.seen_duplicates.data = "1"
        if valid and photos_ok and not duplicates:
            author = (
                current_user._get_current_object()
                if current_user.is_authenticated and current_user.role is Role.CITIZEN
                else None
            )
            accuracy = None
            try:
                accuracy = float(form.accuracy.data) if form.accuracy.data else None
            except ValueError:
                accuracy = None
            try:
                complaint, _replayed = submission.make(
                    lambda key: services.file_complaint(
                        commune,
                        category,
                        Kind(form.kind.data),
                        form.description.data,
                        latitude=form.latitude.data,
                        longitude=form.longitude.data,
                        accuracy_m=accuracy,
                        location_text=form.location_text.data,
                        author=author,
                        contact_name=(form.contact_name.data or "").strip() or None,
                        contact_phone=form.phone_e164,
                        contact_email=form.email_normalized,
                        photos=request.files.getlist(form.photos.name),
                        idempotency_key=key,
                        written_at=form.written_at_time,
                    )
                )
            except UploadError as error:  # a photo that passed the form's check but not its decoding
                form.photos.errors = [error.message]
            else:
                return _filed_redirect(complaint)
    photos_lost = request.method == "POST" and bool([f for f in request.files.getlist("photos") if f and f.filename])
    refused = request.method == "POST" and not duplicates  # 422: the phone keeps its draft
    return render(
        "complaints/new.html",
        form=form,
        commune=commune,
        duplicates=duplicates,
        photos_lost=photos_lost,
        support_form=SupportForm(formdata=None) if duplicates else None,  # each nearby one's "follow it" button
        status=422 if refused else 200,
    )


def _blank_complaint_form(commune, choices: list[SelectChoice]):
    """The form as it first shows: its copy for this language and commune, with this visit's
    token and a fresh idempotency key (a phone replaying what it sends is recognised by it)."""

    def make_form():
        form = FileForm()
        form.category.choices = choices
        return form

    submitter()  # a guest's browser gets its id with the form: a replay whose first answer was lost is its own
    shows = (commune.id, commune.code, commune.name, tuple((c.value, str(c.label)) for c in choices))
    per_visit = {"csrf_token": generate_csrf(), "idempotency_key": secrets.token_urlsafe(24)}
    html = blank_form("complaints/_form.html", make_form, shows, per_visit, commune=commune, duplicates=[])
    return render("complaints/new.html", form=None, commune=commune, duplicates=[], blank_form=html)


@bp.get("/filed/<id:complaint_id>")
def filed(complaint_id: int):
    """The confirmation: the reference and tracking code, for the browser that filed it only."""
    if complaint_id not in session.get(FILED_KEY, []):
        abort(404)
    set_commune_scope(None)
    complaint = db.one_or_404(sa.select(Complaint).where(Complaint.id == complaint_id))
    response = render("complaints/filed.html", complaint=complaint, clock=services.clock(complaint))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<reference>/support")
@limiter.limit(FOLLOW_RATE_LIMIT)
def support(reference: str):
    """ "Already reported: follow it instead" — no second complaint, one more supporter."""
    set_commune_scope(None)
    complaint = services.by_reference(reference[:20])
    form = SupportForm()
    if complaint is None or complaint.status not in services.OPEN or not form.validate_on_submit():
        abort(404)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    services.support(complaint, user, (form.contact.data or "")[:254])
    flash(_("Thank you: you now support this complaint instead of filing the same one again."), "success")
    return redirect(url_for("complaints.public", reference=complaint.reference), code=303)


# --- the author's page (signed in) and a guest's actions (reference + tracking code) ---------


def own_complaint(complaint_id: int) -> Complaint:
    if not current_user.is_authenticated:
        abort(404)
    complaint = db.one_or_404(
        sa.select(Complaint).where(Complaint.id == complaint_id, Complaint.author_id == current_user.id)
    )
    return complaint


@bp.get("/<id:complaint_id>")
def show(complaint_id: int):
    complaint = own_complaint(complaint_id)
    return render("complaints/show.html", **follow.context(complaint, guest=False))


@bp.post("/<id:complaint_id>/rate")
def rate(complaint_id: int):
    complaint = own_complaint(complaint_id)
    form = RateForm()
    form.reference.data, form.code.data = complaint.reference, complaint.tracking_code
    if follow.rate(complaint, form):
        return redirect(url_for("complaints.show", complaint_id=complaint.id), code=303)
    return render("complaints/show.html", **follow.context(complaint, rate_form=form, guest=False))


@bp.post("/<id:complaint_id>/reopen")
def reopen(complaint_id: int):
    complaint = own_complaint(complaint_id)
    form = ReopenForm()
    form.reference.data, form.code.data = complaint.reference, complaint.tracking_code
    if follow.reopen(complaint, form, current_user._get_current_object()):
        return redirect(url_for("complaints.show", complaint_id=complaint.id), code=303)
    return render("complaints/show.html", **follow.context(complaint, reopen_form=form, guest=False))


# --- the public page --------------------------------------------------------------------------


@bp.get("/<reference>/public")
def public(reference: str):
    """Kind, category, status, place in words, public timeline, approved photos: nobody's name,
    contact or exact position."""
    set_commune_scope(None)
    complaint = services.by_reference(reference[:20])
    if complaint is None:
        abort(404)
    merged_into = (
        db.session.scalar(sa.select(Complaint).where(Complaint.id == complaint.merged_into_id))
        if complaint.merged_into_id
        else None
    )
    return render(
        "complaints/public.html",
        complaint=complaint,
        clock=services.clock(complaint),
        photos=[p for p in complaint.photos if p.public],
        merged_into=merged_into,
        supporters=len(complaint.supporters),
    )


@bp.get("/<reference>/photos/<id:photo_id>")
def public_photo(reference: str, photo_id: int):
    set_commune_scope(None)
    complaint = services.by_reference(reference[:20])
    photo = next((p for p in complaint.photos if p.id == photo_id and p.public), None) if complaint else None
    if photo is None:
        abort(404)
    return storage.send(photo.storage_name, "image/jpeg", public=True)


@bp.get("/desk", defaults={"rest": ""})
@bp.get("/desk/<path:rest>")
def old_desk_address(rest: str):
    """The desk moved to /desk/complaints: clerks' bookmarks still land on it."""
    return redirect(f"/desk/complaints/{rest}".rstrip("/"), code=301)
