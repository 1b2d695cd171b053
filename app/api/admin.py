"""National admins issue and revoke the api_keys of Open311 client applications."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, url_for
from wtforms import StringField
from wtforms.validators import DataRequired

from app.api import services as api
from app.auth.access import national_admin_required
from app.complaints.models import ApiClient
from app.core.forms import Form
from app.core.validators import MaxLength
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.web import render

bp = Blueprint("api_keys", __name__, url_prefix="/admin/api-keys")


class ApiKeyForm(Form):
    name = StringField(
        _l("Client application"),
        description=_l("Who will use the key, e.g. the name of the app and its publisher."),
        validators=[DataRequired(_l("Enter the name of the client application.")), MaxLength(120)],
    )


def _clients() -> list[ApiClient]:
    return list(db.session.scalars(sa.select(ApiClient).order_by(ApiClient.active.desc(), ApiClient.created_at.desc())))


@bp.route("", methods=["GET", "POST"])
@national_admin_required
def index():
    form = ApiKeyForm()
    if form.validate_on_submit():
        client, key = api.issue_key(form.name.data)
        form = ApiKeyForm(formdata=None)
        # Shown on this answer only (not after a redirect, never stored): only its hash is kept.
        return render("admin/api_keys.html", form=form, clients=_clients(), new_client=client, new_key=key)
    return render("admin/api_keys.html", form=form, clients=_clients(), new_client=None, new_key=None)


@bp.post("/<id:client_id>/revoke")
@national_admin_required
def revoke(client_id: int):
    client = db.session.get(ApiClient, client_id)
    if client is None:
        abort(404)
    api.revoke_key(client)
    flash(_("The key of %(name)s is revoked.", name=client.name), "success")
    return redirect(url_for("api_keys.index"), code=303)
