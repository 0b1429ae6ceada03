"""Sealing short-lived secrets that must sit in the server-side session for a while.

A receipt secret (portal and back-office reception) and the secret behind "receipt access" are
kept in the session encrypted with a key derived from SECRET_KEY, so the session table alone (a
backup, a database dump) does not hold usable secrets. Fernet tokens carry their creation time,
so `unseal(..., max_age=...)` also refuses a token older than its window.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

# The salt predates this module (the portal's session access used it first): changing it would
# make every value sealed in a live session unreadable.
_KEY_SALT = "langnghe.portal.access"

# How long a freshly issued receipt secret can be shown again (a reload, a language switch, the
# phone restoring the tab) before it is dropped for good. M15 of the 2026-11-26 review.
RECEIPT_SECRET_SECONDS = 15 * 60


def _fernet() -> Fernet:
    raw = salted_hmac(_KEY_SALT, "session-secret", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token: str, *, max_age: int | None = None) -> str | None:
    """The sealed secret; None if the token is damaged, sealed under another key, or (with
    `max_age`, in seconds) older than that."""
    try:
        return _fernet().decrypt(token.encode(), ttl=max_age).decode()
    except (InvalidToken, ValueError, TypeError, AttributeError):
        return None
