"""Attachments and sealed originals in object storage (docs/deployment.md §4), against moto's
in-process S3: files land in the configured private buckets and read back; sealed originals never
get a URL and never sit in the media bucket; on one machine they stay in SEALED_ROOT, mode 0600."""

from __future__ import annotations

import stat
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings
from moto import mock_aws

from config.settings import scale
from langnghe.core import storage as core_storage
from langnghe.core.storage import (
    NoPublicURL,
    SealedFileSystemStorage,
    sealed_read,
    sealed_replace,
    sealed_storage,
    sealed_store,
)

REGION = "ap-southeast-1"
ENV = {
    "LANGNGHE_S3_BUCKET": "langnghe-media",
    "LANGNGHE_S3_SEALED_BUCKET": "langnghe-sealed",
    "LANGNGHE_S3_REGION": REGION,
    "LANGNGHE_S3_ACCESS_KEY_ID": "testing",
    "LANGNGHE_S3_SECRET_ACCESS_KEY": "testing",
}


@pytest.fixture
def s3(tmp_path, monkeypatch):
    """moto's S3 with the two buckets, and STORAGES exactly as the switch computes them."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client(
            "s3",
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's fake credentials
        )
        for bucket in ("langnghe-media", "langnghe-sealed"):
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        config = scale.storages_config(
            ENV, media_root=tmp_path / "media", sealed_root=tmp_path / "sealed"
        )
        with override_settings(STORAGES=config):
            yield client


def _keys(client, bucket: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=bucket)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def test_an_attachment_lands_in_the_media_bucket_privately_and_reads_back(s3):
    media = storages["default"]
    assert type(media).__name__ == "PrivateS3Storage"
    name = media.save("attachments/2026/11/anh.jpg", ContentFile(b"\xff\xd8 jpeg bytes"))
    assert _keys(s3, "langnghe-media") == [f"media/{name}"]
    assert _keys(s3, "langnghe-sealed") == []
    with media.open(name, "rb") as handle:
        assert handle.read() == b"\xff\xd8 jpeg bytes"
    # Private: nobody but the owner may read it; the only URL is a signed one that expires.
    grants = s3.get_object_acl(Bucket="langnghe-media", Key=f"media/{name}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all("AllUsers" not in str(g["Grantee"]) for g in grants)
    url = media.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    # Never overwritten: a second file of the same name gets another name.
    assert media.save(name, ContentFile(b"other")) != name


def test_a_missing_attachment_is_a_file_not_found_for_the_views(s3):
    """backoffice.attachment_download and disclosure's attachment catch OSError → 404."""
    with pytest.raises(FileNotFoundError):
        storages["default"].open("attachments/2026/11/gone.jpg", "rb")


def test_sealed_originals_go_to_the_private_sealed_bucket_without_any_url(s3):
    token = b"gAAAAA-fernet-token-of-the-original"
    name = sealed_store(token)
    assert name.endswith(".sealed")
    assert _keys(s3, "langnghe-sealed") == [f"sealed/{name}"]
    assert _keys(s3, "langnghe-media") == []
    assert sealed_read(name) == token
    with pytest.raises(NoPublicURL):
        sealed_storage().url(name)
    # Re-encryption under a new key replaces the object in place.
    sealed_replace(name, b"gAAAAA-new-key-token")
    assert sealed_read(name) == b"gAAAAA-new-key-token"
    assert _keys(s3, "langnghe-sealed") == [f"sealed/{name}"]


def test_a_real_attachment_submitted_through_intake_lands_in_the_bucket(s3, tree):
    """The spine's own path (item_submit → Attachment.file) writes through STORAGES["default"]."""
    from langnghe.intake.models import Attachment

    from ..factories import submit_one
    from ..intake.test_files import jpeg_with_exif

    item, _ = submit_one(tree.commune, uploads=[jpeg_with_exif()])
    attachment = Attachment.objects.get(item=item)
    assert _keys(s3, "langnghe-media") == [f"media/{attachment.file.name}"]
    with attachment.file.open("rb") as handle:
        assert handle.read(2) == b"\xff\xd8"


def test_the_sealed_original_of_a_submission_lands_in_the_sealed_bucket(s3, tree):
    from langnghe.intake.models import Attachment

    from ..factories import submit_one
    from ..intake.test_files import jpeg_with_exif

    item, _ = submit_one(tree.commune, uploads=[jpeg_with_exif()])
    attachment = Attachment.objects.get(item=item)
    assert _keys(s3, "langnghe-sealed") == [f"sealed/{attachment.sealed_path}"]


def test_one_machine_sealed_files_are_private_on_disk(tmp_path, settings):
    settings.SEALED_ROOT = tmp_path / "sealed"
    settings.STORAGES = scale.storages_config(
        {}, media_root=tmp_path / "media", sealed_root=tmp_path / "sealed"
    )
    store = sealed_storage()
    assert isinstance(store, SealedFileSystemStorage)
    name = sealed_store(b"token-1")
    path = Path(settings.SEALED_ROOT) / name
    assert path.read_bytes() == b"token-1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(NoPublicURL):
        store.url(name)
    sealed_replace(name, b"token-2")
    assert sealed_read(name) == b"token-2"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [name]  # no temporary left


def test_without_a_sealed_storage_the_sealed_root_is_used(tmp_path, settings):
    """Development and test settings have no STORAGES["sealed"]: SEALED_ROOT, as before."""
    settings.SEALED_ROOT = tmp_path / "elsewhere"
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "sealed"}
    name = sealed_store(b"token")
    assert (tmp_path / "elsewhere" / name).read_bytes() == b"token"
    assert core_storage.SEALED_ALIAS not in settings.STORAGES
