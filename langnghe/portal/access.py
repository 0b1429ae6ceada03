"""What the citizen's browser session holds: a fresh receipt, and "receipt access".

The citizen acts on an item (reply, rate, reopen) with its secret, which the services check
against the stored hash each time. So that they need not retype it on every page, a successful
tracking keeps the secret in the server-side session for a short idle time. Every secret kept here
is sealed (langnghe.core.sealing), so the session table alone (a backup, a database dump) does not
hold usable secrets; access is forgotten after ACCESS_IDLE_SECONDS or on "Thoát".

The receipt of a submission keeps its secret for RECEIPT_SECRET_SECONDS, so that a reload, a
language switch or a phone restoring the tab shows it again; it is dropped earlier when the citizen
says they saved it (receipt_forget_secret), and in any case once the window has passed.
"""

from __future__ import annotations

import time
from typing import Any

from langnghe.core.sealing import RECEIPT_SECRET_SECONDS, seal, unseal

RECEIPT_KEY = "portal.receipt"
ACCESS_KEY = "portal.access"
ACCESS_IDLE_SECONDS = 30 * 60
# The idle timer is moved forward at most once a minute, so that reading one's items does not
# write the session on every page (the idle limit may thus run up to a minute early).
ACCESS_REFRESH_SECONDS = 60
MAX_ACCESS = 10


# --- the receipt shown after submitting ------------------------------------------------------


def receipt_store(
    session: Any, *, codes: list[str], secret: str, qr_with_secret: bool, commune: str = ""
) -> None:
    session[RECEIPT_KEY] = {
        "codes": codes,
        "secret": seal(secret),
        "qr_with_secret": qr_with_secret,
        "commune": commune,
        "at": int(time.time()),
    }


def receipt_secret_until(receipt: dict[str, Any]) -> int:
    """When (epoch seconds) the receipt's secret stops being shown."""
    return int(receipt.get("at") or 0) + RECEIPT_SECRET_SECONDS


def receipt_get(session: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The stored receipt and, within the window after submitting, its secret.

    Past the window (or if the sealed value cannot be read) the secret is removed from the
    session for good; the codes stay, so the receipt page can still show them.
    """
    receipt = session.get(RECEIPT_KEY)
    if not isinstance(receipt, dict):
        return None, None
    token = receipt.get("secret")
    if not token:
        return receipt, None
    secret = None
    if time.time() < receipt_secret_until(receipt):
        secret = unseal(token, max_age=RECEIPT_SECRET_SECONDS)
    if secret is None:
        receipt = receipt_forget_secret(session) or receipt
    return receipt, secret


def receipt_forget_secret(session: Any) -> dict[str, Any] | None:
    """Drop the receipt's secret ("Tôi đã lưu mã và mật mã"); the codes stay."""
    receipt = session.get(RECEIPT_KEY)
    if not isinstance(receipt, dict):
        return None
    receipt = {**receipt, "secret": None}
    session[RECEIPT_KEY] = receipt
    return receipt


# --- access granted by tracking --------------------------------------------------------------


def access_grant(session: Any, codes: list[str], secret: str) -> None:
    now = int(time.time())
    held = {
        c: v
        for c, v in (session.get(ACCESS_KEY) or {}).items()
        if now - v.get("t", 0) < ACCESS_IDLE_SECONDS
    }
    for code in codes:
        held[code] = {"s": seal(secret), "t": now}
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
    secret = unseal(entry.get("s", ""))
    if secret is None:
        access_revoke(session, [code])
        return None
    if now - entry.get("t", 0) >= ACCESS_REFRESH_SECONDS:
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
