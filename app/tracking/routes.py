"""Public pages: follow a file with its reference and tracking code, verify a permit."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_wtf.csrf import generate_csrf

from app.complaints import follow
from app.complaints import services as complaint_services
from app.complaints.forms import RateForm, ReopenForm
from app.complaints.models import Complaint
from app.core.blank_forms import blank_form
from app.extensions import limit_sending, limiter
from app.i18n import gettext as _
from app.permits import services
from app.permits.workflow import Status
from app.scoping import set_commune_scope
from app.tracking import bp
from app.tracking.forms import TrackForm
from app.tracking.services import mask_name, template_globals
from app.web import render

TRACK_RATE_LIMIT = "30 per minute"

for name, function in template_globals().items():
    bp.add_app_template_global(function, name)


@bp.before_request
def public_pages():
    """These pages say the same thing to everyone: a clerk of another commune who scans a
    permit's QR code sees what any citizen sees, not a 404 from the commune wall."""
    set_commune_scope(None)


@bp.route("/track", methods=["GET", "POST"])
@limit_sending(TRACK_RATE_LIMIT)
def track():
    """Status and public timeline of a file, for anyone holding its reference and tracking
    code: no account, no JavaScript. A wrong pair never says which half was wrong."""
    reference = request.args.get("reference", "")[:20]
    if request.method == "GET" and not reference:
        # The form as it first shows: its copy for this language, with this visit's token.
        as_first_shown = blank_form("tracking/_form.html", TrackForm, (), {"csrf_token": generate_csrf()})
        return _private(render("tracking/track.html", form=None, case=None, blank_form=as_first_shown))
    form = TrackForm()
    if request.method == "GET":
        form.reference.data = reference
    case = None
    if form.validate_on_submit():
        if form.reference.data.strip().upper().startswith("C-"):
            complaint = complaint_services.by_tracking(form.reference.data, form.code.data)
            if complaint is not None:
                return _complaint_page(complaint)
        else:
            case = services.by_tracking(form.reference.data, form.code.data)
            if case is not None and case.status is Status.DRAFT:
                case = None
        if case is None:
            form.form_errors.append(
                _("No file matches this reference and tracking code. Check both on the receipt and try again.")
            )
    return _private(
        render("tracking/track.html", form=form, case=case, **(services.clock_summary(case) if case else {}))
    )


def _private(response):
    """What a tracking code opens is for whoever holds it: never indexed, never kept."""
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/verify/<code>")
def verify(code: str):
    """What the QR code on a permit opens: is this permit real, and is it still valid?"""
    case = services.by_verify_code(code[:40])
    if case is None:
        abort(404)
    response = render(
        "tracking/verify.html",
        case=case,
        holder=mask_name(case.applicant_name),
        validity=services.validity(case),
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-cache"  # a revocation shows at once
    return response


# --- a complaint followed with its reference and tracking code (no account) ---------------------


def _tracked(form) -> Complaint:
    complaint = complaint_services.by_tracking(form.reference.data or "", form.code.data or "")
    if complaint is None:
        abort(404)
    return complaint


def _complaint_page(complaint: Complaint, **forms):
    response = _private(
        render("tracking/track.html", form=TrackForm(formdata=None), case=None, **follow.context(complaint, **forms))
    )
    if request.htmx:
        # A boosted form would otherwise leave the action's URL (POST only) in the address bar.
        response.headers["HX-Push-Url"] = url_for("tracking.track")
    return response


@bp.post("/complaints/follow/rate")
@limiter.limit(TRACK_RATE_LIMIT)
def complaint_rate():
    form = RateForm()
    complaint = _tracked(form)
    if follow.rate(complaint, form):
        return _complaint_page(complaint)
    return _complaint_page(complaint, rate_form=form)


@bp.post("/complaints/follow/reopen")
@limiter.limit(TRACK_RATE_LIMIT)
def complaint_reopen():
    form = ReopenForm()
    complaint = _tracked(form)
    if follow.reopen(complaint, form, None):
        return _complaint_page(complaint)
    return _complaint_page(complaint, reopen_form=form)
