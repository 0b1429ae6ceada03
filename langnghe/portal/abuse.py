"""Limits on the citizen's submission form, and the offline challenge when they are hit.

A person may send a few items in a row; a script sends hundreds. Per client address (a keyed hash
inside a cache key that expires with its hour — no address is ever stored, docs/security.md §8):

- up to `SUBMIT_FREE_PER_HOUR` submissions an hour go straight through;
- beyond that, and for a text identical to one received in the last `SUBMIT_REPEAT_SECONDS`
  from anywhere, the form asks for the answer to a small sum drawn as an image
  (django-simple-captcha: made on this server, no third-party service, no JavaScript);
- at `SUBMIT_MAX_PER_HOUR` the form refuses for the rest of the hour (429), keeping the text.

A commune office's many phones may share one address: the limits stop scripts, not people, and
the challenge lets a person through. `LANGNGHE_SUBMIT_LIMITS=off` turns them off (the benchmark
measures capacity, not the limits).
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from langnghe.accounts.throttle import client_address, keyed_digest, throttle_cache

HOUR = 3600
OPEN, CHALLENGE, BLOCKED = "open", "challenge", "blocked"


@dataclass(frozen=True)
class Gate:
    state: str
    minutes: int = 0  # BLOCKED: until the hour turns


def _setting(name: str, default: int) -> int:
    return int(settings.LANGNGHE.get(name, default))


def _enabled() -> bool:
    return bool(settings.LANGNGHE.get("SUBMIT_LIMITS", True))


def _window() -> tuple[int, int]:
    now = int(time.time())
    return now // HOUR, HOUR - now % HOUR


def _count_key(request: HttpRequest, window: int) -> str:
    return f"ln:submit:n:{keyed_digest('ip:' + client_address(request))}:{window}"


def _text_key(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return "ln:submit:text:" + hashlib.sha256(folded.encode()).hexdigest()[:40]


def submission_gate(request: HttpRequest, text: str) -> Gate:
    """What this submission must pass, before anything is saved."""
    if not _enabled():
        return Gate(OPEN)
    window, left = _window()
    count = int(throttle_cache().get(_count_key(request, window)) or 0)
    if count >= _setting("SUBMIT_MAX_PER_HOUR", 60):
        return Gate(BLOCKED, minutes=max(1, -(-left // 60)))
    if count >= _setting("SUBMIT_FREE_PER_HOUR", 5):
        return Gate(CHALLENGE)
    if text.strip() and throttle_cache().get(_text_key(text)) is not None:
        return Gate(CHALLENGE)
    return Gate(OPEN)


def _count(key_for: Callable[[HttpRequest, int], str], request: HttpRequest) -> None:
    """Add one to this hour's counter (created with the hour's remaining time to live)."""
    cache = throttle_cache()
    window, left = _window()
    key = key_for(request, window)
    cache.add(key, 0, timeout=left + 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=left + 60)


def submission_record(request: HttpRequest, text: str) -> None:
    """Count a submission that was saved."""
    if not _enabled():
        return
    _count(_count_key, request)
    if text.strip():
        throttle_cache().set(_text_key(text), 1, timeout=_setting("SUBMIT_REPEAT_SECONDS", HOUR))


# -- guessing receipts ---------------------------------------------------------------------------


def _failure_key(request: HttpRequest, window: int) -> str:
    return f"ln:track:fail:{keyed_digest('ip:' + client_address(request))}:{window}"


def tracking_gate(request: HttpRequest) -> Gate:
    """Before checking a code and secret: after `TRACK_FREE_FAILURES_PER_HOUR` wrong pairs from
    one address the challenge is asked; at `TRACK_MAX_FAILURES_PER_HOUR` the form refuses for the
    hour. (A secret has ~50 bits: the limits keep guessing far beyond reach, and slow scripts.)"""
    if not _enabled():
        return Gate(OPEN)
    window, left = _window()
    failures = int(throttle_cache().get(_failure_key(request, window)) or 0)
    if failures >= _setting("TRACK_MAX_FAILURES_PER_HOUR", 30):
        return Gate(BLOCKED, minutes=max(1, -(-left // 60)))
    if failures >= _setting("TRACK_FREE_FAILURES_PER_HOUR", 5):
        return Gate(CHALLENGE)
    return Gate(OPEN)


def tracking_failed(request: HttpRequest) -> None:
    """Count a wrong code and secret."""
    if _enabled():
        _count(_failure_key, request)
