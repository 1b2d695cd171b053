import json
import secrets

from flask import abort, after_this_request, current_app, redirect, request, url_for
from flask_login import current_user, login_required, user_logged_in, user_logged_out
from sqlalchemy.exc import SQLAlchemyError

from app.core import cookies
from app.notifications import bp, services
from app.web import is_local_url, render

DEVICE_COOKIE = "push_device"


@bp.app_context_processor
def _header_count() -> dict:
    # Called by the header only, so one COUNT per page, for signed-in people only.
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        try:
            return services.unread_count(current_user)
        except SQLAlchemyError:  # an error page while the database is down still renders
            return 0

    return {"unread_notifications": unread_notifications}


@bp.get("/")
@login_required
def inbox():
    return render("notifications/inbox.html", notifications=services.inbox(current_user), describe=services.describe)


def _notification_or_404(notification_id: int):
    notification = services.own_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


def _case_of(notification) -> str:
    return notification.url if is_local_url(notification.url) else url_for("notifications.inbox")


@bp.get("/<id:notification_id>", endpoint="open")
@login_required
def open_notification(notification_id: int):
    """The URL a tapped push opens. A GET changes nothing: an unread notification shows with the
    button that marks it read (sent at once by the page script); a read one goes to its case."""
    notification = _notification_or_404(notification_id)
    if notification.read_at is not None:
        return redirect(_case_of(notification), code=303)
    return render("notifications/open.html", notification=notification, describe=services.describe)


@bp.post("/<id:notification_id>")
@login_required
def read(notification_id: int):
    """Opened from the inbox or the page above: read now, then the case."""
    notification = _notification_or_404(notification_id)
    services.mark_read([notification])
    return redirect(_case_of(notification), code=303)


@bp.post("/read")
@login_required
def read_all():
    services.mark_all_read(current_user)
    return redirect(url_for("notifications.inbox"), code=303)


@bp.post("/push/subscribe")
@login_required
def subscribe():
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}  # a list, a string, a number: not a subscription
    subscription = body.get("subscription") if isinstance(body.get("subscription"), dict) else {}
    keys = subscription.get("keys") if isinstance(subscription.get("keys"), dict) else {}
    device = (request.cookies.get(DEVICE_COOKIE) or secrets.token_urlsafe(24))[:64]
    try:
        services.subscribe(
            current_user,
            device,
            str(subscription.get("endpoint") or ""),
            str(keys.get("p256dh") or ""),
            str(keys.get("auth") or ""),
            str(body.get("language") or ""),
        )
    except services.SubscriptionError as error:
        return current_app.response_class(
            json.dumps({"error": str(error.message)}, ensure_ascii=False), status=400, mimetype="application/json"
        )
    response = current_app.response_class(status=204)
    cookies.keep(response, DEVICE_COOKIE, device)
    return response


@bp.post("/push/unsubscribe")
@login_required
def unsubscribe():
    services.forget_device(request.cookies.get(DEVICE_COOKIE))
    return current_app.response_class(status=204)


@user_logged_out.connect
def _forget_this_device(sender, user=None, **extra) -> None:
    """Sign-out: this phone no longer receives the account's notifications."""
    device = request.cookies.get(DEVICE_COOKIE)
    if device:
        services.forget_device(device)

        @after_this_request
        def _drop_cookie(response):
            response.delete_cookie(DEVICE_COOKIE)
            return response


@user_logged_in.connect
def _this_device_changes_hands(sender, user=None, **extra) -> None:
    """Sign-in: this phone stops receiving the pushes of any other account that used it."""
    if user is not None:
        services.hand_over_device(request.cookies.get(DEVICE_COOKIE), user)
