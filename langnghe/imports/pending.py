"""Uploaded registers waiting between the check and the confirmation.

They hold identities, so they wait encrypted in the sealed store, in their own folder, and are
deleted once imported — or, when nobody confirms them, once the confirmation has expired: by the
next upload and by an hourly task of the worker, whichever comes first.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from langnghe.core.queue import enqueue_after, ensure_one_pending
from langnghe.core.storage import sealed_read, sealed_storage, sealed_store

FOLDER = "imports-pending"
PENDING_SECONDS = 60 * 60
PURGE_EVERY = dt.timedelta(hours=1)


def pending_store(token: bytes) -> str:
    return sealed_store(token, folder=FOLDER)


def pending_read(name: str) -> bytes:
    """The waiting upload `name` (FileNotFoundError when it is gone or is not a pending upload)."""
    if not name.startswith(f"{FOLDER}/") or ".." in name:
        raise FileNotFoundError(name)
    return sealed_read(name)


def pending_delete(name: str) -> None:
    sealed_storage().delete(name)


def pending_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads older than the confirmation window; return how many went."""
    storage = sealed_storage()
    limit = (now or timezone.now()) - dt.timedelta(seconds=PENDING_SECONDS)
    try:
        _dirs, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for file_name in files:
        name = f"{FOLDER}/{file_name}"
        try:
            if storage.get_modified_time(name) < limit:
                storage.delete(name)
                removed += 1
        except FileNotFoundError:
            continue  # deleted meanwhile by a confirmation
    return removed


@task()
def pending_purge_task(reschedule: bool = True) -> int:
    removed = pending_purge()
    if reschedule:
        schedule_next_purge(PURGE_EVERY)
    return removed


def schedule_next_purge(delay: dt.timedelta) -> None:
    enqueue_after(pending_purge_task, delay)


def ensure_purge_scheduled() -> bool:
    """Called when the worker starts: exactly one pending purge."""
    return ensure_one_pending(pending_purge_task, dt.timedelta(minutes=1))
