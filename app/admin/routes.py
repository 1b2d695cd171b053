import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import AGENCY_LABELS, AgencyForm
from app.auth.access import admin_required, national_admin_required
from app.communes.services import get_by_code, open_commune, search
from app.extensions import db
from app.models import Agency, AgencyKind
from app.web import page_number, render


@bp.get("/communes")
@national_admin_required
def communes():
    """All 1,503 communes; a national admin opens one on the platform."""
    query = request.args.get("q", "")
    results = search(query, only_open=False, page=page_number())
    return render("admin/communes.html", "admin/_commune_rows.html", query=query, results=results)


@bp.post("/communes/open")
@national_admin_required
def open_commune_view():
    commune = get_by_code(request.form.get("code", ""))
    if commune is None:
        abort(404)
    open_commune(commune)
    flash(_("%(name)s is open on the platform.", name=commune.name), "success")
    return redirect(url_for("admin.communes", q=request.form.get("q", "")), code=303)


@bp.route("/agencies", methods=["GET", "POST"])
@admin_required
def agencies():
    if current_user.commune is None:
        # A national admin manages agencies from inside a commune's admin account.
        abort(404)
    form = AgencyForm()
    if form.validate_on_submit():
        db.session.add(Agency(commune=current_user.commune, kind=AgencyKind(form.kind.data), name=form.name.data.strip()))
        db.session.commit()
        flash(_("Agency added."), "success")
        return redirect(url_for("admin.agencies"), code=303)
    rows = db.session.scalars(sa.select(Agency).order_by(Agency.name)).all()
    return render("admin/agencies.html", form=form, agencies=rows, labels=AGENCY_LABELS)
