"""Jamaati: the application factory."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import INSTANCE, ROOT, Config
from app.core import health
from app.extensions import (
    babel,
    check_limits_only_where_declared,
    compress,
    csrf,
    db,
    htmx,
    limiter,
    login_manager,
    migrate,
)


def create_app(config: Config | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
        instance_relative_config=False,
    )
    app.config.from_object(config or Config())
    app.json.ensure_ascii = False  # Arabic as UTF-8, not \u escapes: fewer bytes on the wire
    INSTANCE.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    from app import i18n, web

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_template_gettext(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    health.init_app()  # Redis away is logged as an error
    compress.init_app(app)
    htmx.init_app(app)
    web.init_app(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind a reverse proxy: the client's address (rate limits) and https come from it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from app import (
        admin,
        api,
        auth,
        communes,
        complaints,
        counter,
        inspections,
        main,
        notifications,
        performance,
        permits,
        pwa,
        staff,
        tracking,
    )
    from app.complaints import desk as complaints_desk
    from app.inspections import desk as inspections_desk
    from app.permits import desk as permits_desk

    areas = (
        main,
        auth,
        communes,
        staff,
        admin,
        permits,
        tracking,
        pwa,
        complaints,
        inspections,
        notifications,
        performance,
        api,
        counter,
    )
    desks = (permits_desk, complaints_desk, inspections_desk)  # /desk/<area>: each area's desk for its staff
    for module in (*areas, *desks):
        app.register_blueprint(module.bp)
    app.register_blueprint(api.admin_bp)  # /admin/api-keys: Open311 keys, kept with the API
    check_limits_only_where_declared(app)  # once every blueprint has declared its limits

    from app import cli

    cli.init_app(app)
    return app
