from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from app.complaints import models, routes  # noqa: E402,F401
