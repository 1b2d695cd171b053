"""Who is told what. A notification is written in the transaction of the event that causes it
(the caller commits), with one push delivery per device of the person told; its text is written
when it is read or pushed, in the reader's language."""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import force_locale
from urllib3.util import parse_url

from app.config import BABEL_LOCALES, LANGUAGES
from app.core.dates import utcnow
from app.core.notices import KINDS, Notice, announced, path_for
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import text_direction
from app.models import User
from app.notifications.models import Notification, PushDelivery, PushSubscription

INBOX_SIZE = 50
MAX_DEVICES = 10


# --- writing notifications ---------------------------------------------------------------------


@announced.connect
def write_notices(_sender, notices: list[Notice], **_) -> int:
    """What an area announced: an inbox item per person and a push per device, added to the
    session of the event that caused them (its caller commits). Returns how many were written."""
    written = [notify(n.user_id, n.kind, n.url, once_key=n.once_key, **n.params) for n in notices]
    return sum(notification is not None for notification in written)


def notify(user_id: int, kind: str, url: str, *, once_key: str | None = None, **params) -> Notification | None:
    """Tell one person: an inbox item, and a push to each of their devices. Added to the session,
    not committed. With ``once_key``, a person is told a given thing once only."""
    with db.session.no_autoflush:  # never flush the caller's half-built records from here
        if once_key and db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == user_id, Notification.once_key == once_key)
        ):
            return None
        devices = db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user_id)).all()
    notification = Notification(user_id=user_id, kind=kind, url=url, params=params, once_key=once_key)
    db.session.add(notification)
    db.session.add_all(PushDelivery(notification=notification, subscription=device) for device in devices)
    return notification


# --- reading them ---------------------------------------------------------------------------------


def describe(notification: Notification) -> str:
    """The sentence, in the current language (each area declares its own kinds)."""
    sentence = KINDS.get(notification.kind)
    return sentence(dict(notification.params or {})) if sentence else _("Something changed on one of your files.")


def push_payload(notification: Notification, language: str) -> dict:
    """What the service worker shows, in the device's language."""
    language = language if language in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(BABEL_LOCALES[language]):
        return {
            "title": _("Jamaati"),
            "body": describe(notification),
            "lang": language,
            "dir": text_direction(language),
            "url": path_for("notifications.open", notification_id=notification.id),
            "tag": f"n{notification.id}",
        }


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def inbox(user: User) -> list[Notification]:
    statement = sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    statement = statement.limit(INBOX_SIZE)
    return list(db.session.scalars(statement.execution_options(skip_commune_scope=True)))


def own_notification(user: User, notification_id: int) -> Notification | None:
    return db.session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark_read(notifications: list[Notification]) -> None:
    now = utcnow()
    for notification in notifications:
        notification.read_at = notification.read_at or now
    db.session.commit()


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


# --- devices --------------------------------------------------------------------------------------


class SubscriptionError(ValueError):
    """A subscription this server cannot use; ``message`` is for the person (translated lazily)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def allowed_endpoint(endpoint: str) -> bool:
    """Only the browsers' push services: the worker must never be made to post elsewhere. The
    host is checked as the sending library reads it too: ``https://10.0.0.1\\@fcm.googleapis.com/``
    is fcm.googleapis.com to urlsplit but 10.0.0.1 to requests."""
    if "\\" in endpoint or not endpoint.isprintable() or any(c.isspace() for c in endpoint):
        return False
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    try:
        port, sent_to = parts.port, (parse_url(endpoint).host or "").lower()
    except ValueError:  # urllib3's LocationParseError is one too
        return False
    if parts.username is not None or parts.password is not None or sent_to != host or not HOST_NAME.fullmatch(host):
        return False
    allowed = current_app.config["PUSH_SERVICE_HOSTS"]
    return (parts.scheme == "https" and port in (None, 443) or current_app.testing) and any(
        host == h or host.endswith("." + h) for h in allowed
    )


BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
AUTH_SECRET_BYTES = 16  # RFC 8291


def _base64url(text: str) -> bytes | None:
    if not BASE64URL.fullmatch(text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def push_keys_valid(p256dh: str, auth: str) -> bool:
    """The keys a browser gives (RFC 8291): p256dh an uncompressed P-256 point that lies on the
    curve (65 bytes), auth a 16-byte secret, both base64url. Garbage would only fail at every push."""
    point, secret = _base64url(p256dh), _base64url(auth)
    if point is None or secret is None or len(secret) != AUTH_SECRET_BYTES or len(point) != 65 or point[0] != 4:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:  # not on the curve
        return False
    return True


def subscribe(user: User, device: str, endpoint: str, p256dh: str, auth: str, language: str) -> PushSubscription:
    """One subscription per device: a new one replaces what this device or endpoint had; the same
    one again (tapped twice) is updated in place, keeping what it still has to receive."""
    if not endpoint or len(endpoint) > 1000 or not allowed_endpoint(endpoint):
        raise SubscriptionError(_l("This browser's push service cannot be used. Try another browser."))
    if not push_keys_valid(p256dh, auth):
        raise SubscriptionError(
            _l("This browser sent push keys that do not work. Turn notifications off and on again.")
        )
    same = sa.and_(
        PushSubscription.device == device, PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id
    )
    forget(sa.and_(sa.or_(PushSubscription.device == device, PushSubscription.endpoint == endpoint), sa.not_(same)))
    subscription = db.session.scalar(sa.select(PushSubscription).where(same)) or PushSubscription(
        user_id=user.id, device=device, endpoint=endpoint
    )
    subscription.p256dh, subscription.auth, subscription.session_version = p256dh, auth, user.session_version
    subscription.language = language if language in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]
    db.session.add(subscription)
    db.session.flush()
    # A few phones per person; beyond that the oldest go (a loop of sign-ins can't grow the table).
    stale = (
        sa.select(PushSubscription.id)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.id.desc())
        .offset(MAX_DEVICES)
    )
    forget(PushSubscription.id.in_(list(db.session.scalars(stale))))
    db.session.commit()
    return subscription


def forget(criterion) -> None:
    """Delete subscriptions (and what was still to be pushed to them). Not committed."""
    ids = list(db.session.scalars(sa.select(PushSubscription.id).where(criterion)))
    if ids:
        db.session.execute(sa.delete(PushDelivery).where(PushDelivery.subscription_id.in_(ids)))
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(ids)))


def set_device_language(device: str | None, language: str) -> None:
    """The language switch on a phone also changes the language its pushes are written in."""
    if device and language in LANGUAGES:
        db.session.execute(
            sa.update(PushSubscription).where(PushSubscription.device == device).values(language=language)
        )
        db.session.commit()


def hand_over_device(device: str | None, user: User) -> None:
    """Someone signs in on a phone that still receives another account's pushes (that person's
    session ran out, or they never signed out): those pushes stop here."""
    if device:
        forget(sa.and_(PushSubscription.device == device[:64], PushSubscription.user_id != user.id))
        # The same person, signed in here again (or just changed the password here): this phone
        # is not one of the "other devices" a password change signs out.
        db.session.execute(
            sa.update(PushSubscription)
            .where(PushSubscription.device == device[:64])
            .values(session_version=user.session_version)
        )
        db.session.commit()


def forget_device(device: str | None) -> None:
    if device:
        forget(PushSubscription.device == device[:64])
        db.session.commit()
