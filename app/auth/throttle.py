"""Slowing down password guessing without handing anyone a way to lock the owner out.

Failures are counted per (typed identifier, client address): whoever guesses from one place is
slowed down there, and the owner elsewhere is not. A browser where the account signed in before
(a known device, see app.auth.devices) counts on its own, so the owner's phone still gets in
while strangers, from one address or from many, are slowed. A limit on the identifier across all
unknown devices stops guessing spread over many addresses.

The counts live in the rate limiter's storage (Redis when REDIS_URL is set), shared by every
app server; when that storage fails, sign-in goes on without them rather than refusing everyone.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many
from redis.exceptions import RedisError

from app.core.identity import parse_login
from app.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "signin-failures"


@dataclass(frozen=True)
class Counter:
    limit: RateLimitItem
    key: tuple[str, ...]


def identifier_key(login: str) -> str:
    """A fixed-length key for what was typed, normalised so '06…' and '+212 6…' are one, and
    whether or not an account has it: being slowed down says nothing about that."""
    try:
        typed = ":".join(parse_login(login))
    except ValueError:
        typed = "raw:" + login.strip().lower()
    return hashlib.sha256(typed.encode()).hexdigest()


def counters(identifier: str, address: str, device: str | None) -> list[Counter]:
    """What a failed attempt counts against: this known device's own count, or this address's
    and the identifier's across every unknown device."""
    config = current_app.config
    if device:
        return [Counter(limit, ("device", identifier, device)) for limit in parse_many(config["SIGNIN_FAILURE_LIMITS"])]
    here = [Counter(limit, ("address", identifier, address)) for limit in parse_many(config["SIGNIN_FAILURE_LIMITS"])]
    anywhere = [Counter(limit, ("identifier", identifier)) for limit in parse_many(config["SIGNIN_IDENTIFIER_LIMITS"])]
    return here + anywhere


def wait_seconds(counted: list[Counter]) -> int:
    """How long before another attempt is heard (0: now)."""
    waits = [0]
    for counter in counted:
        if not _storage(lambda c=counter: limiter.limiter.test(c.limit, NAMESPACE, *c.key), True):
            reset_at = _storage(lambda c=counter: limiter.limiter.get_window_stats(c.limit, NAMESPACE, *c.key)[0], 0)
            waits.append(max(1, int(reset_at - time.time()) + 1))
    return max(waits)


def count_failure(counted: list[Counter]) -> None:
    for counter in counted:
        _storage(lambda c=counter: limiter.limiter.hit(c.limit, NAMESPACE, *c.key), None)


def forget_failures(counted: list[Counter]) -> None:
    """The owner got in: their own typos from here no longer count (the identifier's count, which
    strangers elsewhere may be running up, stays)."""
    for counter in counted:
        if counter.key[0] != "identifier":
            _storage(lambda c=counter: limiter.limiter.clear(c.limit, NAMESPACE, *c.key), None)


def _storage(call, unreachable):
    if not limiter.enabled:  # RATELIMIT_ENABLED=False: the limiter has no storage at all
        return unreachable
    try:
        return call()
    except (RedisError, OSError):
        log.warning("sign-in failure counts unreachable: going on without them", exc_info=True)
        return unreachable
