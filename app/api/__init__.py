from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/open311/v2")

from app.api import routes  # noqa: E402,F401
