"""Who is told what. A notification is written in the transaction of the event that causes it
(the caller commits), with one push delivery per device of the person told; its text is written
when it is read or pushed, in the reader's language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from urllib3.util import parse_url

from app.complaints import services as complaint_services
from app.complaints.models import Complaint, ComplaintEvent
from app.complaints.workflow import ACKNOWLEDGE_DAYS, ANSWER_DAYS
from app.complaints.workflow import OPEN as COMPLAINT_OPEN
from app.complaints.workflow import STATUS_LABELS as COMPLAINT_STATUS_LABELS
from app.complaints.workflow import TRANSITIONS as COMPLAINT_TRANSITIONS
from app.config import BABEL_LOCALES, LANGUAGES
from app.core.dates import utcnow
from app.extensions import db
from app.i18n import text_direction
from app.models import Role, User
from app.notifications.models import Notification, PushDelivery, PushSubscription
from app.permits import services as permit_services
from app.permits.models import CaseEvent, PermitCase
from app.permits.workflow import OPEN as PERMIT_OPEN
from app.permits.workflow import STATUS_LABELS as PERMIT_STATUS_LABELS
from app.permits.workflow import TRANSITIONS as PERMIT_TRANSITIONS
from app.tracking.services import iso_day

INBOX_SIZE = 50
MAX_DEVICES = 10


def path_for(endpoint: str, **values) -> str:
    """A URL path that can be built without a request (the worker has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


# --- writing notifications ---------------------------------------------------------------------


def notify(
    user: User | int,
    kind: str,
    url: str,
    *,
    once_key: str | None = None,
    permit_event: CaseEvent | None = None,
    complaint_event: ComplaintEvent | None = None,
    **params,
) -> Notification | None:
    """Tell one person: an inbox item, and a push to each of their devices. Added to the
    session, not committed. With ``once_key``, a person is told a given thing once only."""
    user_id = user if isinstance(user, int) else user.id
    with db.session.no_autoflush:  # never flush the caller's half-built records from here
        if once_key and db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == user_id, Notification.once_key == once_key)
        ):
            return None
        devices = db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user_id)).all()
    notification = Notification(
        user_id=user_id,
        kind=kind,
        url=url,
        params=params,
        once_key=once_key,
        permit_event=permit_event,
        complaint_event=complaint_event,
    )
    db.session.add(notification)
    db.session.add_all(PushDelivery(notification=notification, subscription=device) for device in devices)
    return notification


PERMIT_STATUS_EVENTS = set(PERMIT_TRANSITIONS) - {"submit", "request_documents", "issue"}


def on_permit_event(entry: CaseEvent) -> None:
    """Called by permits' log(): the applicant hears of every public change made by someone else,
    and gets the receipt of their own submission."""
    if entry.public:
        with db.session.no_autoflush:  # a flush error belongs to the caller's commit, not to us
            _tell_applicant(entry)


def _tell_applicant(entry: CaseEvent) -> None:
    case, actor = entry.case, entry.actor
    if case.applicant is None:
        return
    if entry.event == "submit":
        kind = "permit.submit"
    elif actor is not None and actor.id == case.applicant.id:
        return
    elif entry.event in ("request_documents", "issue", "message"):
        kind = f"permit.{entry.event}"
    elif entry.event in PERMIT_STATUS_EVENTS:
        kind = "permit.status"
    else:
        return
    notify(case.applicant, kind, path_for("permits.show", case_id=case.id), permit_event=entry)


COMPLAINT_STATUS_EVENTS = set(COMPLAINT_TRANSITIONS) - {"answer"}


def on_complaint_event(entry: ComplaintEvent) -> None:
    """Called by complaints' log(): the author (with an account) hears of every public change
    made by someone else, and supporters with an account of the answer. Guests have their
    tracking code instead."""
    if entry.public:
        with db.session.no_autoflush:  # a flush error belongs to the caller's commit, not to us
            _tell_author_and_supporters(entry)


def _tell_author_and_supporters(entry: ComplaintEvent) -> None:
    complaint, actor = entry.complaint, entry.actor
    author = complaint.author
    told = {actor.id} if actor is not None else set()
    if entry.event == "received":
        if author is not None:
            notify(
                author,
                "complaint.received",
                path_for("complaints.show", complaint_id=complaint.id),
                complaint_event=entry,
            )
        return
    if entry.event not in COMPLAINT_STATUS_EVENTS and entry.event != "answer":
        return
    if author is not None and author.id not in told:
        kind = "complaint.answer" if entry.event == "answer" else "complaint.status"
        notify(author, kind, path_for("complaints.show", complaint_id=complaint.id), complaint_event=entry)
        told.add(author.id)
    if entry.event == "answer":
        supporters = {s.user_id for s in complaint.supporters if s.user_id is not None} - told
        for user_id in sorted(supporters):
            notify(
                user_id,
                "complaint.followed_answer",
                path_for("complaints.public", reference=complaint.reference),
                complaint_event=entry,
            )


# --- deadlines (staff) ---------------------------------------------------------------------------


def _clerks(commune_id: int) -> list[User]:
    statement = (
        sa.select(User)
        .where(
            User.commune_id == commune_id,
            User.role.in_([Role.CLERK, Role.ADMIN]),
            User.active.is_(True),
        )
        .execution_options(skip_commune_scope=True)
    )
    return list(db.session.scalars(statement))


def remind_deadlines() -> int:
    """Tell the clerks of each commune about permit files whose legal clock ends within the
    configured days or has passed, and complaints past their acknowledgment or answer deadline —
    once per case and threshold. Safe to run as often as wanted. Returns how many were told."""
    warn_days = current_app.config["DEADLINE_WARNING_DAYS"]
    told = 0
    cases = db.session.scalars(
        sa.select(PermitCase)
        .where(
            PermitCase.status.in_(PERMIT_OPEN),
            PermitCase.clock_started_on.is_not(None),
            PermitCase.paused_since.is_(None),
        )
        .execution_options(skip_commune_scope=True)
    )
    for case in cases:
        clock = permit_services.clock_summary(case)
        left = clock["days_left"]
        if left is None or left > warn_days:
            continue
        threshold = "passed" if left < 0 else "soon"
        for clerk in _clerks(case.commune_id):
            told += (
                notify(
                    clerk,
                    f"deadline.permit_{threshold}",
                    path_for("desk.show", case_id=case.id),
                    once_key=f"permit:{case.id}:{threshold}",
                    reference=case.reference,
                    date=clock["deadline"].isoformat(),
                )
                is not None
            )
    complaints = db.session.scalars(
        sa.select(Complaint).where(Complaint.status.in_(COMPLAINT_OPEN)).execution_options(skip_commune_scope=True)
    )
    for complaint in complaints:
        clock = complaint_services.clock(complaint)
        passed = [("acknowledge", clock.acknowledge_by)] if clock.acknowledgment_overdue else []
        passed += [("answer", clock.deadline)] if clock.overdue else []
        for threshold, day in passed:
            for clerk in _clerks(complaint.commune_id):
                told += (
                    notify(
                        clerk,
                        f"deadline.complaint_{threshold}",
                        path_for("complaints.desk_show", complaint_id=complaint.id),
                        once_key=f"complaint:{complaint.id}:{threshold}",
                        reference=complaint.reference,
                        date=day.isoformat(),
                    )
                    is not None
                )
    db.session.commit()
    return told


# --- reading them ---------------------------------------------------------------------------------


def isolate(text: str) -> str:
    return f"\u2068{text}\u2069" if text else ""


def describe(notification: Notification) -> str:
    """The sentence, in the current language."""
    p = dict(notification.params or {})
    if (entry := notification.permit_event) is not None:
        p = {"reference": entry.case.reference or "", **(entry.params or {}), **p}
        p["status"] = PERMIT_STATUS_LABELS.get(entry.status, "") if entry.status else ""
    elif (entry := notification.complaint_event) is not None:
        p = {**(entry.params or {}), "reference": entry.complaint.reference or "", **p}
        p["status"] = COMPLAINT_STATUS_LABELS.get(entry.status, "") if entry.status else ""
    # Isolated: a Latin reference inside an Arabic sentence keeps its own direction.
    reference, day = isolate(p.get("reference") or ""), iso_day(p.get("date"))
    when = format_date(day, "medium") if day else ""
    match notification.kind:
        case "permit.submit":
            return _("Your application %(reference)s was received. This message is your receipt.", reference=reference)
        case "permit.request_documents":
            return _("The commune asks for documents for your application %(reference)s.", reference=reference)
        case "permit.issue":
            return _("Your permit %(number)s is issued.", number=isolate(p["number"]) if p.get("number") else reference)
        case "permit.message":
            return _("New message from the commune about %(reference)s.", reference=reference)
        case "permit.status" | "complaint.status":
            return _("%(reference)s: the status is now “%(status)s”.", reference=reference, status=p["status"])
        case "complaint.received":
            return _("Your complaint %(reference)s was received. This message is your receipt.", reference=reference)
        case "complaint.answer":
            return _("Your complaint %(reference)s has an answer.", reference=reference)
        case "complaint.followed_answer":
            return _("A complaint you follow, %(reference)s, has an answer.", reference=reference)
        case "deadline.permit_soon":
            return _("%(reference)s: the legal deadline ends on %(date)s.", reference=reference, date=when)
        case "deadline.permit_passed":
            return _("%(reference)s: the legal deadline passed on %(date)s.", reference=reference, date=when)
        case "deadline.complaint_acknowledge":
            return _(
                "%(reference)s: the %(days)d-day deadline to acknowledge it passed on %(date)s.",
                reference=reference,
                days=ACKNOWLEDGE_DAYS,
                date=when,
            )
        case "deadline.complaint_answer":
            return _(
                "%(reference)s: the %(days)d-day deadline to answer it passed on %(date)s.",
                reference=reference,
                days=ANSWER_DAYS,
                date=when,
            )
        case "inspection.assigned":
            return _("An inspection was assigned to you: %(reference)s.", reference=reference)
    return _("Something changed on one of your files.")


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
    statement = (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(
            sa.orm.selectinload(Notification.permit_event).selectinload(CaseEvent.case),
            sa.orm.selectinload(Notification.complaint_event).selectinload(ComplaintEvent.complaint),
        )
        .order_by(Notification.id.desc())
        .limit(INBOX_SIZE)
    )
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
    pass


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


def subscribe(user: User, device: str, endpoint: str, p256dh: str, auth: str, language: str) -> PushSubscription:
    """One subscription per device: a new one replaces what this device or endpoint had; the same
    one again (tapped twice) is updated in place, keeping what it still has to receive."""
    if (
        not (endpoint and p256dh and auth)
        or "\x00" in endpoint + p256dh + auth
        or len(endpoint) > 1000
        or len(p256dh) > 200
        or len(auth) > 100
        or not allowed_endpoint(endpoint)
    ):
        raise SubscriptionError("not a push subscription this server can use")
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
