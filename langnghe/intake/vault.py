"""The identity vault: reporter identities encrypted with keys kept outside the database.

The key file holds one `key_id:fernet_key` per line, newest first; MultiFernet decrypts with any of
them and encrypts with the first, so a key is rotated by prepending a new line and re-encrypting
(`manage.py vault_rotate`).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

IDENTITY_FIELDS = ("name", "address", "phone", "email", "id_number", "representatives")


class VaultError(RuntimeError):
    pass


def _key_file() -> Path:
    return Path(settings.LANGNGHE["VAULT_KEY_FILE"])


def _read_keys() -> list[tuple[str, bytes]]:
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{secrets.token_hex(4)}:{Fernet.generate_key().decode()}\n")
        path.chmod(0o600)
    keys = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key_id, _, key = line.partition(":")
            keys.append((key_id, key.encode()))
    if not keys:
        raise VaultError(f"no key in {path}")
    return keys


def _fernet() -> tuple[str, MultiFernet]:
    keys = _read_keys()
    return keys[0][0], MultiFernet([Fernet(k) for _, k in keys])


def seal(data: dict[str, Any]) -> tuple[bytes, str]:
    key_id, fernet = _fernet()
    clean = {k: v for k, v in data.items() if k in IDENTITY_FIELDS and v}
    return fernet.encrypt(json.dumps(clean, ensure_ascii=False).encode()), key_id


def unseal(ciphertext: bytes | memoryview) -> dict[str, Any]:
    _, fernet = _fernet()
    try:
        return json.loads(fernet.decrypt(bytes(ciphertext)))
    except InvalidToken as exc:  # a key was lost or the row was tampered with
        raise VaultError("identity cannot be decrypted with the configured keys") from exc


def seal_bytes(data: bytes) -> bytes:
    return _fernet()[1].encrypt(data)


def unseal_bytes(token: bytes) -> bytes:
    return _fernet()[1].decrypt(token)


def rotate_key() -> str:
    """Prepend a new key; callers then re-encrypt every row with `reencrypt`."""
    keys = _read_keys()
    new_id = secrets.token_hex(4)
    lines = [f"{new_id}:{Fernet.generate_key().decode()}"] + [f"{i}:{k.decode()}" for i, k in keys]
    _key_file().write_text("\n".join(lines) + "\n")
    return new_id


def reencrypt(ciphertext: bytes | memoryview) -> tuple[bytes, str]:
    key_id, fernet = _fernet()
    return fernet.rotate(bytes(ciphertext)), key_id
