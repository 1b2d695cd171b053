"""Configuration, read from the environment once at start-up."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("JAMAATI_INSTANCE", ROOT / "instance"))

LANGUAGES = ("ar", "fr", "en")
# Babel locales used for dates and numbers; translations are looked up by language.
# English as written in Morocco's neighbourhood: day first ("1 Dec 2026", "01/12/2026"), 24-hour clock.
BABEL_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en_GB"}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _demo_secret_key() -> str:
    """Demo mode keeps a generated key in instance/ so sessions survive restarts."""
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_url(url: str) -> str:
    """Hosting platforms hand out postgres:// URLs; we talk to PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class MissingSecretKey(RuntimeError):
    pass


class MissingPublicUrl(RuntimeError):
    pass


def public_url(value: str | None, server_name: str | None) -> str | None:
    """The origin people reach the app at (https://jamaati.example.ma): JAMAATI_PUBLIC_URL, else
    https:// and SERVER_NAME. Absolute links (the certificate's QR code, Open311 discovery) are
    built from it, never from a request's Host header."""
    text = (value or "").strip().rstrip("/") or (f"https://{server_name.strip()}" if server_name else "")
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.username:
        raise MissingPublicUrl(f"JAMAATI_PUBLIC_URL must be an origin such as https://jamaati.example.ma, not {text}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


class Config:
    DEMO_MODE = _flag("JAMAATI_DEMO")
    TESTING = False

    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'jamaati.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "ar"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    PERMANENT_SESSION_LIFETIME = timedelta(days=60)
    # A form opened on a phone may be sent hours later: tie the token to the session, not a clock.
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Redis away: each server counts the limits in its own memory (logged as an error, see
    # app.health) rather than refusing every sign-in; a Redis that hangs costs at most a second.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_HEADERS_ENABLED = True
    AUTH_RATE_LIMIT = os.environ.get("JAMAATI_AUTH_RATE_LIMIT", "20 per minute;200 per hour")
    # Failed sign-ins per (identifier, address), and per known device: a staircase that slows
    # guessing down (a few tries, then a minute's wait, then longer). Per identifier across every
    # unknown device and address: a cap on guessing spread over many addresses.
    SIGNIN_FAILURE_LIMITS = os.environ.get(
        "JAMAATI_SIGNIN_FAILURE_LIMITS", "5 per minute;10 per 15 minutes;20 per hour;50 per day"
    )
    SIGNIN_IDENTIFIER_LIMITS = os.environ.get("JAMAATI_SIGNIN_IDENTIFIER_LIMITS", "100 per hour;300 per day")

    # Getting back into an account: an e-mailed link lasts this long; an account gets at most so
    # many links an hour (a mailbox cannot be flooded); a code given at the counter lasts longer
    # (the citizen may go home first) and dies after a few wrong tries.
    PASSWORD_RESET_MINUTES = 30
    PASSWORD_RESET_EMAILS_PER_HOUR = 3
    RESET_CODE_HOURS = int(os.environ.get("JAMAATI_RESET_CODE_HOURS", "24"))
    RESET_CODE_ATTEMPTS = 5

    # Outgoing e-mail (password reset links). Without MAIL_SERVER, demo mode logs the message.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")  # STARTTLS
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")  # TLS from the start (port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Jamaati <no-reply@jamaati.invalid>")
    MAIL_TIMEOUT = 10

    MAX_PDF_BYTES = int(os.environ.get("JAMAATI_MAX_PDF_MB", "20")) * 1_000_000
    # Room for a PDF somewhat over the limit, so the form can say so; far larger ones get a 413.
    MAX_CONTENT_LENGTH = 2 * MAX_PDF_BYTES + 2_000_000
    UPLOAD_FOLDER = os.environ.get("JAMAATI_UPLOADS")  # default: instance/uploads
    # s3://bucket[/prefix] keeps uploads in an S3-compatible bucket instead (app.core.storage).
    STORAGE_URL = os.environ.get("JAMAATI_STORAGE")
    # Behind nginx (deploy/nginx): the internal location that serves the uploads folder, e.g.
    # /_uploads/. The app checks who may see a file, nginx sends its bytes (X-Accel-Redirect).
    UPLOADS_ACCEL_REDIRECT = os.environ.get("JAMAATI_UPLOADS_ACCEL_REDIRECT")

    # A citizen may reopen an answered complaint once, within this many days of the answer.
    COMPLAINT_REOPEN_DAYS = int(os.environ.get("JAMAATI_COMPLAINT_REOPEN_DAYS", "30"))

    PUBLIC_URL: str | None = None  # set from the environment at start-up (see public_url)

    # How many reverse proxies (nginx, a load balancer…) stand in front of the app.
    TRUSTED_PROXIES = int(os.environ.get("JAMAATI_TRUSTED_PROXIES", "0"))

    # Web push (see README): in demo mode a key pair is generated into instance/ on first use.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@jamaati.invalid")
    # The worker posts only to these push services (and their subdomains).
    PUSH_SERVICE_HOSTS = tuple(
        os.environ.get(
            "JAMAATI_PUSH_SERVICES",
            "fcm.googleapis.com push.services.mozilla.com notify.windows.com push.apple.com",
        ).split()
    )
    # Clerks are told when a permit's legal clock has this many days left, and when it has passed.
    DEADLINE_WARNING_DAYS = int(os.environ.get("JAMAATI_DEADLINE_WARNING_DAYS", "3"))

    # Queues, the staff home and Open311 count no further ("more than 10,000"): an exact count
    # over a big commune's cases grows with them on every page (app/core/paging.py).
    COUNT_LIMIT = int(os.environ.get("JAMAATI_COUNT_LIMIT", "10000"))

    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 300
    # Pages: brotli 5 instead of Flask-Compress's 4 (about 10 % fewer bytes for about a tenth of a
    # millisecond more on a 20 KB page, such as the figures of a commune with their charts).
    COMPRESS_BR_LEVEL = 5
    # The pages that give an ETag answer If-None-Match themselves (performance pages, open data,
    # static files): Flask-Compress need not evaluate every page as a conditional request.
    COMPRESS_EVALUATE_CONDITIONAL_REQUEST = False

    def __init__(self) -> None:
        secure = not self.DEMO_MODE
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        key = os.environ.get("SECRET_KEY")
        if not key:
            if not self.DEMO_MODE:
                raise MissingSecretKey(
                    "SECRET_KEY is not set. Set it to a long random value "
                    "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                    "or set JAMAATI_DEMO=1 for a local demo."
                )
            key = _demo_secret_key()
        self.SECRET_KEY = key
        self.PUBLIC_URL = public_url(os.environ.get("JAMAATI_PUBLIC_URL"), os.environ.get("SERVER_NAME"))
        if self.PUBLIC_URL is None and not self.DEMO_MODE:
            raise MissingPublicUrl(
                "JAMAATI_PUBLIC_URL is not set. Set it to the address people use, such as "
                "https://jamaati.example.ma: links are built from it and other hosts are refused."
            )


class TestConfig(Config):
    TESTING = True
    DEMO_MODE = True
    SECRET_KEY = "test-secret"
    RATELIMIT_STORAGE_URI = "memory://"
    # Real Argon2id, with small costs so the suite stays fast.
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

    def __init__(self, url: str, **overrides) -> None:
        self.SQLALCHEMY_DATABASE_URI = database_url(url)
        for key, value in overrides.items():
            setattr(self, key, value)
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
