from flask import Blueprint

bp = Blueprint("communes", __name__, url_prefix="/communes")

from app.communes import routes  # noqa: E402,F401
