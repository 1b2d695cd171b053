"""The installable app: manifest, service worker (served from the root so it controls every
page) and the page shown when there is no connection."""

from __future__ import annotations

import hashlib

from flask import Response, jsonify, render_template, url_for
from flask_babel import force_locale
from flask_wtf.csrf import generate_csrf

from app.config import BABEL_LOCALES, LANGUAGES
from app.i18n import RTL_LANGUAGES
from app.i18n import gettext as _
from app.pwa import bp
from app.web import account_key, render

# What the service worker keeps for offline use: the shell, fingerprinted (see web.py). Our
# script is the minified build (static/build, made from static/js by `make install`).
SHELL = (
    "build/app.css",
    "vendor/htmx.min.js",
    "build/jamaati.js",
    "build/forms.js",  # loaded by pages with an offline form (app.js), opened offline too
    "icons/icon.svg",
    "icons/icon-192.png",
)
WORKER_SCRIPTS = ("build/jamaati.js", "build/worker.js")  # jamaati.js: the pages' script, outbox.js in it shared


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL] + [url_for("pwa.offline")]


@bp.get("/manifest.webmanifest")
def manifest():
    response = jsonify(
        name="جماعتي · Jamaati",
        short_name="جماعتي",
        description="خدمات جماعتك على هاتفك · Les services de votre commune sur votre téléphone",
        lang="ar",
        dir="rtl",
        start_url=url_for("main.home", source="pwa"),
        scope="/",
        display="standalone",
        background_color="#ffffff",
        theme_color="#0b6e4f",
        icons=[
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": url_for("static", filename="icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    urls = shell_urls()
    scripts = [url_for("static", filename=name) for name in WORKER_SCRIPTS]
    # A new version whenever the shell or the worker's code changes: the new worker takes over and
    # cleans old caches.
    version = hashlib.sha256("|".join(urls + scripts).encode()).hexdigest()[:10]
    settings = {"version": version, "shell": urls, "offline": url_for("pwa.offline")}
    script = render_template("pwa/sw.js", version=version, settings=settings, scripts=scripts)
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page that was never seen and cannot be fetched.
    The same for everyone, in the three languages: nothing personal, so the shell can keep it.
    Its script reloads it when the signal is back (the address is still the page's)."""
    messages = {}
    for language in LANGUAGES:
        with force_locale(BABEL_LOCALES[language]):
            messages[language] = (
                _("No connection"),
                _(
                    "Your phone is not connected, and this page was not saved on it. Pages you "
                    "have already opened stay readable."
                ),
                _("When the connection is back, the page opens by itself."),
                _("Home"),
                _("Try again"),
            )
    response = Response(render_template("pwa/offline.html", messages=messages, rtl=RTL_LANGUAGES))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/drafts")
def drafts():
    """ "My drafts": the same shell for everyone; the list lives on the phone (IndexedDB) and
    outbox.js fills it in."""
    return render("pwa/drafts.html")


@bp.get("/csrf-token")
def csrf_token():
    """A fresh CSRF token for the phone's outbox, fetched just before it replays a form written
    offline, maybe days ago, when its session (and so the token in the form) may be gone.
    Same-origin only: another site can make the request but cannot read the answer."""
    response = Response(generate_csrf(), mimetype="text/plain")
    # Whose session this is: the outbox sends only that account's drafts (the worker has no page to ask).
    response.headers["X-Account"] = account_key()
    response.headers["Cache-Control"] = "no-store"
    return response
