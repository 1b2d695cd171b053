"""A push service on loopback, and a browser's subscription keys, for the worker tests.

The receiver answers what a test tells it (201, 503, 429 with Retry-After, 410…) and keeps every
request it accepted. ``Browser`` holds a real P-256 key pair and auth secret, so a test decrypts
exactly what a phone would (RFC 8291, aes128gcm)."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class PushReceiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: deque[tuple[int, dict]] = deque()  # queued answers; 201 once empty
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status, headers = receiver.answers.popleft() if receiver.answers else (201, {})
                    if status == 201:
                        receiver.received.append(
                            Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                        )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def answer(self, status: int, times: int = 1, **headers) -> None:
        self.answers.extend([(status, {k.replace("_", "-"): v for k, v in headers.items()})] * times)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Browser:
    """What a browser keeps for one push subscription."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))

    @property
    def auth(self) -> str:
        return b64(self.secret)

    def subscription_json(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, received: Received) -> dict:
        plain = http_ece.decrypt(received.body, private_key=self.key, auth_secret=self.secret, version="aes128gcm")
        return json.loads(plain.decode("utf-8"))
