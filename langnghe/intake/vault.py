"""The identity vault: reporter identities encrypted with keys kept outside the database.

The key file holds one `key_id:fernet_key` per line, newest first (blank lines and `#` comments are
ignored); MultiFernet decrypts with any of them and encrypts with the first, so a key is rotated by
prepending a new line and re-encrypting (`manage.py vault_rotate`).

A missing key file is an error, not an invitation: outside development (settings
`LANGNGHE["VAULT_CREATE_KEY"]`) a missing file usually means an unmounted volume, and a fresh key
would seal new identities under a throw-away key while the old ones stay unreadable. The first key
of a deployment is made on purpose with `manage.py vault_rotate --init`.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

IDENTITY_FIELDS = ("name", "address", "phone", "email", "id_number", "representatives")


class VaultError(RuntimeError):
    pass


def key_file() -> Path:
    return Path(settings.LANGNGHE["VAULT_KEY_FILE"])


def _new_key_line() -> str:
    return f"{secrets.token_hex(4)}:{Fernet.generate_key().decode()}"


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """The `(key_id, key)` pairs of a key file's text, newest first; comments and blank lines
    skipped."""
    keys = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key_id, _, key = line.partition(":")
            keys.append((key_id.strip(), key.strip().encode()))
    return keys


def write_key_file(path: Path, lines: list[str]) -> None:
    """Replace the key file atomically: a temporary file in the same directory, written, fsynced
    and mode 0600, then renamed over the old one, so a crash leaves either the old or the new
    file whole, never a truncated one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write("\n".join(lines) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # The rename itself is durable only once the directory entry is on disk.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def create_key_file(path: Path | None = None) -> str:
    """Write a first key to a key file that does not exist yet; return its id."""
    path = path or key_file()
    if path.exists():
        raise VaultError(f"vault key file already exists: {path}")
    line = _new_key_line()
    write_key_file(path, [line])
    return line.partition(":")[0]


def _read_keys() -> list[tuple[str, bytes]]:
    path = key_file()
    if not path.exists():
        if not settings.LANGNGHE.get("VAULT_CREATE_KEY"):
            raise VaultError(f"vault key file missing: {path}")
        create_key_file(path)
    keys = parse_keys(path.read_text())
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
    """Prepend a new key (atomically); callers then re-encrypt every row with `reencrypt`."""
    keys = _read_keys()
    new_line = _new_key_line()
    write_key_file(key_file(), [new_line] + [f"{i}:{k.decode()}" for i, k in keys])
    return new_line.partition(":")[0]


def drop_old_keys(keep: str) -> None:
    """Keep only the key `keep` (which must be the newest), atomically."""
    keys = _read_keys()
    if keys[0][0] != keep:
        raise VaultError(f"the newest key is {keys[0][0]}, not {keep}: not dropping anything")
    write_key_file(key_file(), [f"{keys[0][0]}:{keys[0][1].decode()}"])


def reencrypt(ciphertext: bytes | memoryview) -> tuple[bytes, str]:
    key_id, fernet = _fernet()
    return fernet.rotate(bytes(ciphertext)), key_id
