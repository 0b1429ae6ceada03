"""Receipts: a short public tracking code plus a high-entropy secret stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils import timezone

# No 0/O, 1/I/L: codes are read aloud over the phone and copied from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    year = timezone.localdate().year % 100
    return f"{year:02d}-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def new_secret() -> str:
    """20 symbols of a 31-letter alphabet ≈ 99 bits, printed in groups of five."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def normalise_code(code: str) -> str:
    code = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{code[:2]}-{code[2:]}" if len(code) == 8 else code


def normalise_secret(secret: str) -> str:
    raw = "".join(ch for ch in secret.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def hash_secret(code: str, secret: str) -> str:
    key = str(settings.LANGNGHE["RECEIPT_PEPPER"]).encode()
    message = f"{normalise_code(code)}:{normalise_secret(secret)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def secret_matches(code: str, secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(code, secret), stored_hash)
