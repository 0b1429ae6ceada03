"""File storages for attachments and sealed originals (docs/deployment.md §4).

Two storages, chosen in settings (`STORAGES`, config/settings/scale.py):

- ``default``: the sanitised attachments (metadata stripped). Never served directly: the views
  stream them after their permission checks, so the bucket stays private and `url()` only gives
  a short-lived signed URL.
- ``sealed``: the encrypted originals (identity-bearing, DESIGN.md §4). No URL at all, on disk or
  in a bucket: `url()` raises, so no template, API or admin can ever link one.

On one machine both are directories under LANGNGHE_DATA_DIR (`media/`, `sealed/`); with
LANGNGHE_S3_BUCKET they are S3-compatible buckets (or one bucket, two prefixes), private.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

SEALED_ALIAS = "sealed"
SEALED_SUFFIX = ".sealed"


class NoPublicURL(Exception):
    """Asked for the URL of a sealed original: there is none, by design."""


@deconstructible(path="langnghe.core.storage.SealedFileSystemStorage")
class SealedFileSystemStorage(FileSystemStorage):
    """Sealed originals on local disk: mode 0600 files, no base URL, and `url()` refuses."""

    def __init__(self, location: str | os.PathLike[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(location=location or settings.SEALED_ROOT, base_url=None, **kwargs)

    def url(self, name: str | None) -> str:
        raise NoPublicURL("sealed originals have no URL")

    def replace(self, name: str, data: bytes) -> None:
        """Overwrite `name` atomically (a temporary file in the same directory, fsynced, renamed
        over the old one): a crash during a key rotation leaves the old or the new token."""
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)


S3_CLASSES = ("PrivateS3Storage", "SealedS3Storage")

if TYPE_CHECKING:  # the real names, for the type checker; loaded lazily below
    from .storage_s3 import PrivateS3Storage, SealedS3Storage  # noqa: F401


def __getattr__(name: str) -> Any:
    """The S3 storages, loaded on first use (langnghe.core.storage_s3): django-storages and boto3
    are needed only by a deployment that turns S3 on."""
    if name in S3_CLASSES:
        from . import storage_s3

        return getattr(storage_s3, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the sealed store, for intake and vault_rotate -----------------------------------------------


def sealed_storage() -> Storage:
    """The storage of sealed originals: ``STORAGES["sealed"]``, else the local SEALED_ROOT."""
    if SEALED_ALIAS in settings.STORAGES:
        return storages[SEALED_ALIAS]
    return SealedFileSystemStorage()


def sealed_store(token: bytes, *, folder: str = "") -> str:
    """Keep an encrypted original under a fresh random name (in `folder`) and return that name."""
    name = f"{folder.strip('/') + '/' if folder else ''}{uuid.uuid4().hex}{SEALED_SUFFIX}"
    saved = sealed_storage().save(name, ContentFile(token))
    return str(saved)


def sealed_read(name: str) -> bytes:
    """The encrypted original stored under `name` (FileNotFoundError when it is gone)."""
    handle: IO[bytes]
    with sealed_storage().open(name, "rb") as handle:
        return handle.read()


def sealed_replace(name: str, token: bytes) -> None:
    """Overwrite the encrypted original `name` in place (re-encryption under a new key)."""
    storage = sealed_storage()
    replace = getattr(storage, "replace", None)
    if replace is None:
        storage.delete(name)
        storage.save(name, ContentFile(token))
    else:
        replace(name, token)
