"""The S3-compatible storages (django-storages), imported only when a deployment turns them on.

They are reached as ``langnghe.core.storage.PrivateS3Storage`` and ``…SealedS3Storage`` (the
names the settings and docs use): that module loads this one on first access, so a web worker
on local disks never imports boto3 (about 35 MB per process).
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage

from .storage import NoPublicURL


@deconstructible(path="langnghe.core.storage.PrivateS3Storage")
class PrivateS3Storage(S3Storage):
    """An S3-compatible bucket whose objects are private; `url()` is a signed URL that
    expires (AWS_QUERYSTRING_EXPIRE, one hour by default)."""

    def get_default_settings(self) -> dict[str, Any]:
        values: dict[str, Any] = super().get_default_settings()
        values.update(default_acl="private", querystring_auth=True, file_overwrite=False)
        # Signature v4: what current S3 regions and S3-compatible servers (MinIO, Ceph) take.
        values["signature_version"] = values.get("signature_version") or "s3v4"
        return values

    def _open(self, name: str, mode: str = "rb") -> Any:
        # The views catch OSError for a file gone missing; boto3 would raise its own error,
        # and only on the first read, in the middle of a streamed response.
        if "r" in mode and not self.exists(name):
            raise FileNotFoundError(name)
        return super()._open(name, mode)


@deconstructible(path="langnghe.core.storage.SealedS3Storage")
class SealedS3Storage(PrivateS3Storage):
    """Sealed originals in a private bucket (or prefix): never a URL, not even a signed one."""

    def get_default_settings(self) -> dict[str, Any]:
        values: dict[str, Any] = super().get_default_settings()
        # Re-encryption (vault_rotate) writes the same name again; a PUT replaces an object
        # atomically.
        values.update(file_overwrite=True, custom_domain=None)
        return values

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise NoPublicURL("sealed originals have no URL")

    def replace(self, name: str, data: bytes) -> None:
        self.save(name, ContentFile(data))
