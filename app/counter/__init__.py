from flask import Blueprint

bp = Blueprint("counter", __name__)

from app.counter import routes  # noqa: E402,F401
