from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import routes, services  # noqa: E402
from app.extensions import login_manager  # noqa: E402

login_manager.user_loader(services.load_user)

__all__ = ["bp", "routes"]
