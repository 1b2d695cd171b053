import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.access import admin_required, staff_required
from app.auth.services import AccountError
from app.communes.services import open_communes
from app.extensions import db
from app.i18n import gettext as _
from app.models import COMMUNE_STAFF_ROLES, Agency, Role, User
from app.staff import bp
from app.staff.forms import ROLE_LABELS, StaffEditForm, StaffForm
from app.staff.services import create_staff_member, update_staff_member
from app.web import attach_error, render


def _assignable_roles() -> list[Role]:
    return list(Role)[1:] if current_user.is_national_admin else COMMUNE_STAFF_ROLES


def _role_choices():
    return [SelectChoice(role.value, ROLE_LABELS[role.value]) for role in _assignable_roles()]


def _staff_member_or_404(user_id: int) -> User:
    # The commune scope makes another commune's staff invisible here: 404, not 403.
    user = db.one_or_404(sa.select(User).where(User.id == user_id, User.role != Role.CITIZEN))
    return user


@bp.get("/")
@staff_required
def index():
    statement = sa.select(User).where(User.role != Role.CITIZEN).order_by(User.full_name)
    members = db.session.scalars(statement).all()
    return render("staff/index.html", members=members, role_labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = StaffForm()
    form.role.choices = _role_choices()
    communes = open_communes() if current_user.is_national_admin else [current_user.commune]
    form.commune.choices = [SelectChoice(c.id, c.name) for c in communes]
    agencies = db.session.scalars(sa.select(Agency).order_by(Agency.name_fr)).all()
    form.agency.choices = [SelectChoice(0, "—")] + [
        SelectChoice(a.id, f"{a.name} ({a.commune.name})") for a in agencies
    ]
    if form.validate_on_submit():
        try:
            member = create_staff_member(form, communes, agencies)
        except AccountError as error:
            attach_error(form, error.field, error.message)
        else:
            flash(_("The account of %(name)s is ready.", name=member.full_name), "success")
            return redirect(url_for("staff.show", user_id=member.id), code=303)
    return render("staff/new.html", form=form)


@bp.route("/<id:user_id>", methods=["GET", "POST"])
@staff_required
def show(user_id: int):
    member = _staff_member_or_404(user_id)
    form = None
    if current_user.is_admin and member.id != current_user.id:
        form = StaffEditForm(obj=member, role=member.role.value)
        form.role.choices = _role_choices()
        if request.method == "POST" and form.validate_on_submit():
            try:
                update_staff_member(member, Role(form.role.data), form.active.data, form.may_decide.data)
            except AccountError as error:
                attach_error(form, "role", error.message)
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("staff.show", user_id=member.id), code=303)
    elif request.method == "POST":
        abort(403)
    return render("staff/show.html", member=member, form=form, role_labels=ROLE_LABELS)
