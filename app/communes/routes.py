from flask import abort, flash, request, url_for
from flask_login import current_user

from app.communes import bp
from app.communes.services import COMMUNE_COOKIE, chosen_commune, get_by_code, search
from app.core import cookies
from app.extensions import db
from app.i18n import gettext as _
from app.models import Commune
from app.web import page_number, redirect_back, render


def visitor_commune() -> Commune | None:
    """The commune this visitor works with (their account's, else the one they picked here)."""
    return chosen_commune(current_user, request.cookies.get(COMMUNE_COOKIE))


@bp.get("/")
def index():
    """Choose a commune: a plain GET search form that htmx turns into live search."""
    query = request.args.get("q", "")
    results = search(query, page=page_number())
    return render("communes/index.html", "communes/_results.html", query=query, results=results)


@bp.post("/choose")
def choose():
    commune = get_by_code(request.form.get("code", ""))
    if commune is None or not commune.is_open:
        abort(404)
    if current_user.is_authenticated and not current_user.is_staff:
        current_user.commune = commune
        db.session.commit()
    flash(_("Your commune is now %(name)s.", name=commune.name), "success")
    response = redirect_back(target=request.form.get("next") or url_for("main.home"))
    cookies.keep(response, COMMUNE_COOKIE, commune.code)
    return response
