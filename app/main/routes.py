from flask import abort, jsonify, request
from flask_login import current_user, login_required

from app.auth.reset import account_resets, reset_state
from app.auth.services import set_language
from app.communes.routes import visitor_commune
from app.complaints.services import author_complaints
from app.config import LANGUAGES
from app.core import cookies, health
from app.i18n import LANGUAGE_COOKIE
from app.main import bp
from app.main.services import citizen_actions, my_work, staff_links
from app.notifications import push
from app.notifications import services as notifications
from app.notifications.routes import DEVICE_COOKIE
from app.permits.services import applicant_cases
from app.web import redirect_back, render


@bp.get("/")
def home():
    if current_user.is_authenticated and current_user.is_staff:
        return render("main/staff_home.html", links=staff_links(current_user), tasks=my_work(current_user))
    signed_in = current_user.is_authenticated
    cases = applicant_cases(current_user) if signed_in else []
    complaints = author_complaints(current_user) if signed_in else []
    return render(
        "main/home.html", commune=visitor_commune(), actions=citizen_actions(), cases=cases, complaints=complaints
    )


@bp.get("/account")
@login_required
def account():
    return render(
        "main/account.html",
        push_public_key=push.public_key(),
        resets=account_resets(current_user),
        state=reset_state,
    )


@bp.post("/language")
def language():
    """Change language. A full page load follows, so <html lang dir> changes too."""
    chosen = request.form.get("lang", "")
    if chosen not in LANGUAGES:
        abort(400)
    if current_user.is_authenticated:
        set_language(current_user, chosen)
        notifications.set_device_language(request.cookies.get(DEVICE_COOKIE), chosen)
    response = redirect_back()
    cookies.keep(response, LANGUAGE_COOKIE, chosen)
    return response


@bp.get("/about")
def about():
    return render("main/about.html")


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: each dependency, 503 when this server cannot serve."""
    body, status = health.report()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
