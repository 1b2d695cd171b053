"""Web push: the server's VAPID key and one send to one device, classified for the worker."""

from __future__ import annotations

import base64
import enum
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from app.notifications.models import PushSubscription

TTL_SECONDS = 48 * 3600  # a phone offline for two days still gets it; the default (0) would drop it
URGENCY = "normal"
TIMEOUT_SECONDS = 10
VAPID_FILE = "vapid_private.pem"


class MissingVapidKey(RuntimeError):
    pass


def vapid() -> Vapid:
    """From VAPID_PRIVATE_KEY (production), or generated once into instance/ (demo mode)."""
    cached = current_app.extensions.get("jamaati_vapid")
    if cached is None:
        key = current_app.config.get("VAPID_PRIVATE_KEY")
        if key:
            cached = Vapid.from_pem(key.encode()) if "-----BEGIN" in key else Vapid.from_string(key)
        elif current_app.config["DEMO_MODE"]:
            path = Path(current_app.instance_path) / VAPID_FILE
            if not path.exists():
                _generate(path)
            cached = Vapid.from_file(str(path))
        else:
            raise MissingVapidKey(
                "VAPID_PRIVATE_KEY is not set: generate a key pair (vapid --gen) and set "
                "VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY and VAPID_SUBJECT, or set JAMAATI_DEMO=1."
            )
        current_app.extensions["jamaati_vapid"] = cached
    return cached


def _generate(path: Path) -> None:
    """Write a new key pair unless another process (the server or the worker) just did: both
    must use the same key, so the file is linked into place only if it is not there yet."""
    generated = Vapid()
    generated.generate_keys()
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_bytes(generated.private_pem())
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def public_key() -> str:
    """The application server key the page subscribes with (base64url, uncompressed point);
    empty when push is not configured (the account page then offers the inbox only)."""
    configured = current_app.config.get("VAPID_PUBLIC_KEY")
    if configured:
        return configured
    try:
        key = vapid()
    except MissingVapidKey:
        return ""
    raw = key.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Result(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the browser dropped the subscription
    RETRY = "retry"  # 429, 5xx, no answer: try again later
    FAILED = "failed"  # anything else: kept for someone to look at


@dataclass(frozen=True)
class Outcome:
    result: Result
    error: str | None = None
    retry_after: float | None = None  # seconds, when the push service said


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value).astimezone(UTC) - now).total_seconds())
    except (TypeError, ValueError):
        return None


def send(subscription: PushSubscription, payload: dict, now: datetime) -> Outcome:
    try:
        webpush(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid(),
            # pywebpush writes aud and exp into this dict: a fresh one for every send.
            vapid_claims={"sub": current_app.config["VAPID_SUBJECT"]},
            ttl=TTL_SECONDS,
            headers={"Urgency": URGENCY},
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        response = error.response
        if response is None:
            return Outcome(Result.RETRY, str(error)[:500])
        status = response.status_code
        described = f"{status} {response.reason}: {(response.text or '')[:300]}"
        if status in (404, 410):
            return Outcome(Result.GONE, described)
        if status == 429 or status >= 500:
            return Outcome(Result.RETRY, described, retry_after_seconds(response.headers.get("Retry-After"), now))
        return Outcome(Result.FAILED, described)
    except requests.RequestException as error:  # the push service is down or unreachable
        return Outcome(Result.RETRY, f"{type(error).__name__}: {error}"[:500])
    return Outcome(Result.SENT)
