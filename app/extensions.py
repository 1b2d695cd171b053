"""Extensions are created unbound here and bound to the app in create_app()."""

from functools import wraps

from flask import Flask, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
compress = Compress()
htmx = Htmx()


def check_limits_only_where_declared(app: Flask) -> None:
    """Flask-Limiter checks every request in a before_request hook, for default limits and for the
    limits declared on whole blueprints. Jamaati has no default limit: each route declares its own
    (checked by its decorator), and a blueprint may declare one for all its routes (the API). So
    the hook checks the requests of those blueprints only, where it stood among the hooks: on every
    other page it found nothing to check, for 6 % of a public page's time."""
    check = limiter._check_request_limit
    hooks = app.before_request_funcs[None]
    if check not in hooks:
        return  # limits switched off (RATELIMIT_ENABLED): Flask-Limiter added no hook
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits:
        return  # limits that apply to every request: the hook stays as Flask-Limiter made it
    limited = set(manager._blueprint_limits)  # Flask-Limiter 4.1 keeps them by blueprint name

    def check_declared_limits() -> None:
        if request.blueprint in limited:
            check()

    hooks[hooks.index(check)] = check_declared_limits


def limit_sending(limit_value, **options):
    """A view's limit on what is sent to it (POST), as ``limiter.limit(..., methods=["POST"])``;
    a GET goes straight to the view: Flask-Limiter would work out on every GET that the limit is
    not for it, a tenth of a blank form's time."""

    def decorate(view):
        limited = limiter.limit(limit_value, methods=["POST"], **options)(view)

        @wraps(view)
        def served(*args, **kwargs):
            return (limited if request.method == "POST" else view)(*args, **kwargs)

        return served

    return decorate
