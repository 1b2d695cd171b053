import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import format_date
from flask_login import current_user

from app.admin import bp
from app.admin.forms import AGENCY_LABELS, AgencyForm, CommuneAreaForm, HolidayForm, PermitTypeForm
from app.auth.access import admin_required, national_admin_required
from app.communes.services import get_by_code, open_commune, search
from app.extensions import db
from app.i18n import gettext as _
from app.models import Agency, AgencyKind
from app.permits.models import Holiday, PermitType
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
        db.session.add(
            Agency(
                commune=current_user.commune,
                kind=AgencyKind(form.kind.data),
                name_fr=form.name.data.strip(),
                name_ar=form.name_ar.data.strip(),
            )
        )
        db.session.commit()
        flash(_("Agency added."), "success")
        return redirect(url_for("admin.agencies"), code=303)
    rows = db.session.scalars(sa.select(Agency).order_by(Agency.name_fr)).all()
    return render("admin/agencies.html", form=form, agencies=rows, labels=AGENCY_LABELS)


@bp.route("/area", methods=["GET", "POST"])
@admin_required
def area():
    """The commune's centre and radius: what "outside the commune" means for complaints."""
    commune = current_user.commune
    if commune is None:
        abort(404)  # a national admin sets it from a commune admin's account, like agencies
    form = CommuneAreaForm(
        latitude=commune.centre_latitude, longitude=commune.centre_longitude, radius_km=commune.area_radius_km
    )
    if form.validate_on_submit():
        commune.centre_latitude, commune.centre_longitude = form.latitude.data, form.longitude.data
        commune.area_radius_km = form.radius_km.data
        db.session.commit()
        current_app.logger.info("commune area changed commune=%s by=%s", commune.code, current_user.id)
        flash(_("The commune's area is saved."), "success")
        return redirect(url_for("admin.area"), code=303)
    return render("admin/area.html", form=form, commune=commune)


@bp.get("/permit-types")
@national_admin_required
def permit_types():
    rows = db.session.scalars(sa.select(PermitType).order_by(PermitType.position, PermitType.id)).all()
    return render("admin/permit_types.html", types=rows)


@bp.route("/permit-types/<id:type_id>", methods=["GET", "POST"])
@national_admin_required
def permit_type(type_id: int):
    permit_type = db.one_or_404(sa.select(PermitType).where(PermitType.id == type_id))
    form = PermitTypeForm(obj=permit_type, working_days="working" if permit_type.working_days else "calendar")
    if form.validate_on_submit():
        for name in ("name_ar", "name_fr", "name_en"):
            setattr(permit_type, name, form[name].data.strip())
        permit_type.deadline_days = form.deadline_days.data
        permit_type.working_days = form.working_days.data == "working"
        permit_type.silence_is_approval = form.silence_is_approval.data
        permit_type.validity_months = form.validity_months.data
        permit_type.active = form.active.data
        db.session.commit()
        current_app.logger.info("permit type changed code=%s by=%s", permit_type.code, current_user.id)
        flash(_("%(name)s is saved.", name=permit_type.name), "success")
        return redirect(url_for("admin.permit_types"), code=303)
    return render("admin/permit_type.html", form=form, permit_type=permit_type)


@bp.route("/holidays", methods=["GET", "POST"])
@national_admin_required  # holidays are national: they move every commune's deadlines
def holidays():
    """Public holidays are national: they stop the legal clock of working-day permits everywhere."""
    form = HolidayForm()
    if form.validate_on_submit():
        if db.session.scalar(sa.select(Holiday).where(Holiday.day == form.day.data)) is not None:
            form.day.errors.append(_("There is already a holiday on this date."))
        else:
            db.session.add(Holiday(day=form.day.data, name=form.name.data.strip(), name_ar=form.name_ar.data.strip()))
            db.session.commit()
            current_app.logger.info("holiday added day=%s by=%s", form.day.data, current_user.id)
            flash(_("The holiday is added."), "success")
            return redirect(url_for("admin.holidays"), code=303)
    rows = db.session.scalars(sa.select(Holiday).order_by(Holiday.day.desc())).all()
    return render("admin/holidays.html", form=form, holidays=rows)


@bp.post("/holidays/<id:holiday_id>/delete")
@national_admin_required  # holidays are national: they move every commune's deadlines
def delete_holiday(holiday_id: int):
    holiday = db.one_or_404(sa.select(Holiday).where(Holiday.id == holiday_id))
    db.session.delete(holiday)
    db.session.commit()
    current_app.logger.info("holiday deleted day=%s by=%s", holiday.day, current_user.id)
    flash(_("The holiday of %(date)s is deleted.", date=format_date(holiday.day)), "success")
    return redirect(url_for("admin.holidays"), code=303)
