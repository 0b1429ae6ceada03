"""Login throttling: failed attempts counted per username and per client address in the cache.

Why a small cache-based limiter rather than django-axes (docs/security.md §6): axes writes every
attempt, with the client's IP address, to the database, and this project stores no IP address.
Here the address only ever appears as a keyed hash inside a cache key that expires with the window.

- `LANGNGHE_LOGIN_MAX_FAILURES` (5) failures for one username → that username is locked for
  `LANGNGHE_LOGIN_LOCKOUT_SECONDS` (15 min); each further lockout within a day doubles it
  (progressive, at most a day).
- `LANGNGHE_LOGIN_IP_MAX_FAILURES` (30) failures from one address, whatever the usernames → that
  address is locked the same way. Higher, because a commune office shares one address.
- A locked attempt is refused before the password is checked (no hashing, no oracle).
- Success clears the username's count (not the address's).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from . import conf

DAY = 24 * 3600


def throttle_cache() -> BaseCache:
    """LANGNGHE_THROTTLE_CACHE names the cache alias ("default"). With several web processes the
    counts must live in a cache they share (docs/security.md §6)."""
    return caches[getattr(settings, "LANGNGHE_THROTTLE_CACHE", "default")]


def client_address(request: HttpRequest) -> str:
    """The client's address, for the throttle only (never stored). Behind the reverse proxy
    (production's BEHIND_PROXY) the proxy appends the real address to X-Forwarded-For: the last
    entry is the one it wrote; earlier ones are whatever the client sent."""
    if conf.behind_proxy():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def keyed_digest(value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256
    ).hexdigest()[:32]


def _keys(kind: str, value: str) -> tuple[str, str, str]:
    d = keyed_digest(f"{kind}:{value}")
    return f"ln:login:n:{d}", f"ln:login:lock:{d}", f"ln:login:locks:{d}"


@dataclass(frozen=True)
class Lock:
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, -(-self.seconds // 60))


def _locked_for(kind: str, value: str) -> int:
    _, lock_key, _ = _keys(kind, value)
    until = throttle_cache().get(lock_key)
    if until is None:
        return 0
    return max(0, int(until - time.time()))


def login_lock(*, username: str, address: str) -> Lock | None:
    """The lock in force for this username or address, if any."""
    seconds = max(_locked_for("user", username) if username else 0, _locked_for("ip", address))
    return Lock(seconds) if seconds > 0 else None


def _count_failure(kind: str, value: str, limit: int) -> bool:
    count_key, lock_key, locks_key = _keys(kind, value)
    window = conf.login_lockout_seconds()
    throttle_cache().add(count_key, 0, timeout=window)
    try:
        count = throttle_cache().incr(count_key)
    except ValueError:  # expired between add and incr
        throttle_cache().set(count_key, 1, timeout=window)
        count = 1
    if count < limit:
        return False
    throttle_cache().add(locks_key, 0, timeout=DAY)
    try:
        locks = throttle_cache().incr(locks_key)
    except ValueError:
        throttle_cache().set(locks_key, 1, timeout=DAY)
        locks = 1
    seconds = min(DAY, window * 2 ** (locks - 1))
    throttle_cache().set(lock_key, time.time() + seconds, timeout=seconds)
    throttle_cache().delete(count_key)
    return True


def login_failure(*, username: str, address: str) -> bool:
    """Count one failure (password or code); True when it locked the username or address."""
    locked = False
    if username:
        locked |= _count_failure("user", username, conf.login_max_failures())
    locked |= _count_failure("ip", address, conf.login_ip_max_failures())
    return locked


def login_success(*, username: str) -> None:
    count_key, _, _ = _keys("user", username)
    throttle_cache().delete(count_key)


def login_unlock(*, username: str) -> None:
    """An administrator's reset also lifts the username's lock."""
    for key in _keys("user", username):
        throttle_cache().delete(key)
