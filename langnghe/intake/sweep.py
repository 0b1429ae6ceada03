"""Citizens' files that no row refers to, removed.

A submission writes its attachments (the cleaned copy among the media, the encrypted original in
the sealed store) inside its transaction, before the commit. When the transaction is rolled back
(a later part of a split submission refused) or the process is killed before the commit, the
files stay and nothing points at them: a photo or a scanned letter that may show who sent it,
kept for no one. The worker removes them once a day (`orphan_files_sweep_task`), those older than
GRACE only, so that a submission still being written keeps its files.

What is looked at: the media's ATTACHMENTS_FOLDER and the sealed store's top level, where
`intake.files.store_sealed` writes. The sealed store's folders (the imports waiting for
confirmation, `imports.pending`) have their own purge.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.utils import timezone
from django_tasks import task

from langnghe.core.queue import enqueue_after, ensure_one_pending
from langnghe.core.storage import SEALED_SUFFIX, sealed_storage

from .models import Attachment

logger = logging.getLogger(__name__)

ATTACHMENTS_FOLDER = "attachments"
# A file younger than this may belong to a submission not yet committed.
GRACE = dt.timedelta(hours=24)
SWEEP_EVERY = dt.timedelta(hours=24)
BATCH = 500


@dataclass
class SweepResult:
    media: int = 0  # cleaned copies removed (or, in a dry run, that would be)
    sealed: int = 0  # encrypted originals removed
    kept: int = 0  # files looked at and kept: referenced, or too recent


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(dirs):
        yield from _walk(storage, prefix + sub)


def _batches(names: Iterator[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sweep(
    storage: Storage,
    names: Iterator[str],
    referenced: Callable[[list[str]], set[str]],
    *,
    limit: dt.datetime,
    dry_run: bool,
    result: SweepResult,
) -> int:
    removed = 0
    for batch in _batches(names):
        known = referenced(batch)
        for name in batch:
            if name in known:
                result.kept += 1
                continue
            try:
                if storage.get_modified_time(name) >= limit:
                    result.kept += 1
                    continue
                if not dry_run:
                    storage.delete(name)
            except FileNotFoundError:
                continue  # gone meanwhile
            removed += 1
    return removed


def orphan_files_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> SweepResult:
    """Remove the attachment files older than GRACE that no Attachment row names."""
    limit = (now or timezone.now()) - GRACE
    result = SweepResult()
    media = Attachment._meta.get_field("file").storage
    result.media = _sweep(
        media,
        _walk(media, ATTACHMENTS_FOLDER),
        lambda names: set(Attachment.objects.filter(file__in=names).values_list("file", flat=True)),
        limit=limit,
        dry_run=dry_run,
        result=result,
    )
    sealed = sealed_storage()
    try:
        _dirs, top = sealed.listdir("")
    except FileNotFoundError:
        top = []
    result.sealed = _sweep(
        sealed,
        iter(sorted(name for name in top if name.endswith(SEALED_SUFFIX))),
        lambda names: set(
            Attachment.objects.filter(sealed_path__in=names).values_list("sealed_path", flat=True)
        ),
        limit=limit,
        dry_run=dry_run,
        result=result,
    )
    if result.media or result.sealed:
        logger.warning(
            "orphan attachment files %s: %d cleaned copies, %d sealed originals",
            "found" if dry_run else "removed",
            result.media,
            result.sealed,
        )
    return result


@task()
def orphan_files_sweep_task(reschedule: bool = True) -> dict[str, int]:
    result = orphan_files_sweep()
    if reschedule:
        schedule_next_sweep(SWEEP_EVERY)
    return {"media": result.media, "sealed": result.sealed, "kept": result.kept}


def schedule_next_sweep(delay: dt.timedelta) -> None:
    enqueue_after(orphan_files_sweep_task, delay)


def ensure_sweep_scheduled() -> bool:
    """Called when the worker starts: exactly one pending sweep."""
    return ensure_one_pending(orphan_files_sweep_task, dt.timedelta(minutes=5))
