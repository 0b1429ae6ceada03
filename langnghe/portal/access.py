"""What the citizen's browser session holds: a receipt to show once, and "receipt access".

The citizen acts on an item (reply, rate, reopen) with its secret, which the services check
against the stored hash each time. So that they need not retype it on every page, a successful
tracking keeps the secret in the server-side session for a short idle time. It is kept encrypted
with a key derived from SECRET_KEY, so the session table alone (a backup, a database dump) does
not hold usable secrets; and it is forgotten after ACCESS_IDLE_SECONDS or on "Thoát".
"""

from __future__ import annotations

import base64
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

RECEIPT_KEY = "portal.receipt"
ACCESS_KEY = "portal.access"
ACCESS_IDLE_SECONDS = 30 * 60
MAX_ACCESS = 10


def _fernet() -> Fernet:
    raw = salted_hmac("langnghe.portal.access", "session-secret", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def _seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _open(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return None


# --- the receipt shown once after submitting ----------------------------------------------------


def receipt_store(
    session: Any, *, codes: list[str], secret: str, qr_with_secret: bool, commune: str = ""
) -> None:
    session[RECEIPT_KEY] = {
        "codes": codes,
        "secret": _seal(secret),
        "qr_with_secret": qr_with_secret,
        "commune": commune,
        "at": int(time.time()),
    }


def receipt_take(session: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The stored receipt and its secret; the secret is removed from the session as it is read,
    so it is displayed exactly once."""
    receipt = session.get(RECEIPT_KEY)
    if not isinstance(receipt, dict):
        return None, None
    token = receipt.get("secret")
    secret = _open(token) if token else None
    if token:
        receipt = {**receipt, "secret": None}
        session[RECEIPT_KEY] = receipt
    return receipt, secret


# --- access granted by tracking --------------------------------------------------------------


def access_grant(session: Any, codes: list[str], secret: str) -> None:
    now = int(time.time())
    held = {
        c: v
        for c, v in (session.get(ACCESS_KEY) or {}).items()
        if now - v.get("t", 0) < ACCESS_IDLE_SECONDS
    }
    for code in codes:
        held[code] = {"s": _seal(secret), "t": now}
    # Keep the most recent few: a shared phone should not accumulate receipts.
    newest = sorted(held.items(), key=lambda kv: kv[1]["t"], reverse=True)[:MAX_ACCESS]
    session[ACCESS_KEY] = dict(newest)


def access_secret(session: Any, code: str) -> str | None:
    """The secret held for `code`, refreshing its idle timer; None when not held or expired."""
    held = session.get(ACCESS_KEY) or {}
    entry = held.get(code)
    if not entry:
        return None
    now = int(time.time())
    if now - entry.get("t", 0) >= ACCESS_IDLE_SECONDS:
        access_revoke(session, [code])
        return None
    secret = _open(entry.get("s", ""))
    if secret is None:
        access_revoke(session, [code])
        return None
    held[code] = {**entry, "t": now}
    session[ACCESS_KEY] = held
    return secret


def access_revoke(session: Any, codes: list[str] | None = None) -> None:
    if codes is None:
        session.pop(ACCESS_KEY, None)
        return
    held = dict(session.get(ACCESS_KEY) or {})
    for code in codes:
        held.pop(code, None)
    session[ACCESS_KEY] = held
