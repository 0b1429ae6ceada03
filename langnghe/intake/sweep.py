"""Citizens' files that no row refers to, removed.

A submission writes its attachments (the cleaned copy among the media, the encrypted original in
the sealed store) inside its transaction, before the commit. When the transaction is rolled back
(a later part of a split submission refused) or the process is killed before the commit, the
files stay and nothing points at them: a photo or a scanned letter that may show who sent it,
kept for no one. The worker removes them once a day (`orphan_files_sweep_task`), those older than
GRACE only, so that a submission still being written keeps its files; and only a few at a time
(MAX_ORPHANS), so that a database that is not these files' own cannot have them all deleted.

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
    refused: bool = False  # too many orphans to be a failed submission's: nothing removed


# A failed submission leaves a file or two; more than this at once (and more than a hundredth of
# the files) means the database read is not the one these files belong to (a copy being loaded,
# a staging site pointed at the production bucket): the sweep then removes nothing and says so.
MAX_ORPHANS = 20
MAX_ORPHAN_SHARE = 0.01


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


def _orphans(
    storage: Storage,
    names: Iterator[str],
    referenced: Callable[[list[str]], set[str]],
    limit: dt.datetime,
    seen: list[int],
) -> list[str]:
    """The files no row names and older than `limit`; `seen` counts [files, referenced ones]."""
    found = []
    for batch in _batches(names):
        known = referenced(batch)
        seen[0] += len(batch)
        seen[1] += len(known)
        for name in batch:
            if name in known:
                continue
            try:
                if storage.get_modified_time(name) < limit:
                    found.append(name)
            except FileNotFoundError:
                continue  # gone meanwhile
            except Exception:  # noqa: BLE001 - one unreadable file must not stop the sweep
                logger.exception("orphan sweep: cannot read the date of %s", name)
    return found


def _remove(storage: Storage, names: list[str]) -> int:
    removed = 0
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - one undeletable file must not stop the sweep
            logger.exception("orphan sweep: cannot delete %s", name)
        else:
            removed += 1
    return removed


def orphan_files_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> SweepResult:
    """Remove the attachment files older than GRACE that no Attachment row names, unless there
    are too many of them to be what failed submissions left (MAX_ORPHANS)."""
    limit = (now or timezone.now()) - GRACE
    seen = [0, 0]
    media = Attachment._meta.get_field("file").storage
    media_orphans = _orphans(
        media,
        _walk(media, ATTACHMENTS_FOLDER),
        lambda names: set(Attachment.objects.filter(file__in=names).values_list("file", flat=True)),
        limit,
        seen,
    )
    sealed = sealed_storage()
    try:
        _dirs, top = sealed.listdir("")
    except FileNotFoundError:
        top = []
    sealed_orphans = _orphans(
        sealed,
        iter(sorted(name for name in top if name.endswith(SEALED_SUFFIX))),
        lambda names: set(
            Attachment.objects.filter(sealed_path__in=names).values_list("sealed_path", flat=True)
        ),
        limit,
        seen,
    )
    files, referenced = seen
    orphans = len(media_orphans) + len(sealed_orphans)
    result = SweepResult(kept=files - orphans)
    if orphans and (referenced == 0 or orphans > max(MAX_ORPHANS, int(files * MAX_ORPHAN_SHARE))):
        logger.error(
            "orphan sweep refused: %d of %d attachment files are named by no row (%d are); "
            "is this the database these files belong to? Nothing was removed.",
            orphans,
            files,
            referenced,
        )
        return SweepResult(kept=files, refused=True)
    if dry_run:
        result.media, result.sealed = len(media_orphans), len(sealed_orphans)
    else:
        result.media, result.sealed = _remove(media, media_orphans), _remove(sealed, sealed_orphans)
    if orphans:
        logger.warning(
            "orphan attachment files %s: %d cleaned copies, %d sealed originals",
            "found" if dry_run else "removed",
            result.media,
            result.sealed,
        )
    return result


@task()
def orphan_files_sweep_task(reschedule: bool = True) -> dict[str, int]:
    try:
        result = orphan_files_sweep()
    finally:
        if reschedule:  # a failed run must not end the daily sweeps
            schedule_next_sweep(SWEEP_EVERY)
    return {
        "media": result.media,
        "sealed": result.sealed,
        "kept": result.kept,
        "refused": int(result.refused),
    }


def schedule_next_sweep(delay: dt.timedelta) -> None:
    enqueue_after(orphan_files_sweep_task, delay)


def ensure_sweep_scheduled() -> bool:
    """Called when the worker starts: exactly one pending sweep."""
    return ensure_one_pending(orphan_files_sweep_task, dt.timedelta(minutes=5))
