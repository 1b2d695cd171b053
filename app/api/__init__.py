from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/open311/v2", cli_group=None)  # flask open311 …

from app.api import routes  # noqa: E402,F401
from app.api.admin import bp as admin_bp  # noqa: E402,F401  (/admin/api-keys, registered in create_app)
from app.api.cli import open311_cli  # noqa: E402

bp.cli.add_command(open311_cli)
