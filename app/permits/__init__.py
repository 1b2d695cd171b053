from flask import Blueprint

bp = Blueprint("permits", __name__, url_prefix="/permits")

from app.permits import models, routes  # noqa: E402,F401
