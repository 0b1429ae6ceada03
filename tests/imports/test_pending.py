"""Uploaded registers waiting for confirmation hold identities: they are deleted once expired."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from langnghe.core.storage import sealed_storage, sealed_store
from langnghe.imports import pending


@pytest.mark.django_db
def test_expired_uploads_are_purged_and_fresh_ones_kept():
    old = pending.pending_store(b"old register")
    fresh = pending.pending_store(b"fresh register")
    other = sealed_store(b"an item's sealed original")  # not a pending upload: never touched
    storage = sealed_storage()
    later = timezone.now() + dt.timedelta(seconds=pending.PENDING_SECONDS + 60)
    # Only `old` is past the window: make `fresh` look new at that time.
    path = storage.path(fresh)
    stamp = later.timestamp()
    os.utime(path, (stamp, stamp))
    assert pending.pending_purge(now=later) == 1
    assert not storage.exists(old)
    assert storage.exists(fresh) and storage.exists(other)


def test_a_confirmation_cannot_read_outside_the_pending_folder():
    with pytest.raises(FileNotFoundError):
        pending.pending_read("../keys/vault.key")
    with pytest.raises(FileNotFoundError):
        pending.pending_read("abc.sealed")


@pytest.mark.django_db
def test_the_worker_keeps_exactly_one_purge_pending():
    from django.test import override_settings

    from langnghe.core.queue import task_pending

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert pending.ensure_purge_scheduled() is True
        assert pending.ensure_purge_scheduled() is False
        assert task_pending(pending.pending_purge_task)
