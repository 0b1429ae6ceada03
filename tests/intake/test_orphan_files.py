"""intake.sweep: the attachment files a rolled-back or killed submission left behind (written
before the commit, named by no row) are removed once they are older than the grace period; the
files of committed items, recent files and the pending imports are left alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from langnghe.core.storage import sealed_store
from langnghe.intake import sweep
from langnghe.intake.models import Attachment

from ..factories import submit_one
from .test_vault_and_files import jpeg_with_gps

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(hours=25)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _rolled_back_submission(tree, monkeypatch) -> None:
    """A submission that fails after its files are written (here: while indexing)."""

    def fail(item, **kwargs):
        raise RuntimeError("killed before the commit")

    monkeypatch.setattr("langnghe.handling.services.index_item", fail)
    with pytest.raises(RuntimeError):
        submit_one(tree.commune, uploads=[jpeg_with_gps()])
    monkeypatch.undo()


def test_the_files_of_a_rolled_back_submission_are_removed_after_the_grace(tree, monkeypatch):
    kept, _ = submit_one(tree.commune, uploads=[jpeg_with_gps()])
    attachment = kept.attachments.get()
    media, sealed = Path(settings.MEDIA_ROOT), Path(settings.SEALED_ROOT)
    before_media, before_sealed = _files(media), _files(sealed)

    _rolled_back_submission(tree, monkeypatch)
    assert Attachment.objects.count() == 1
    left_media = _files(media) - before_media
    left_sealed = _files(sealed) - before_sealed
    assert len(left_media) == 1 and len(left_sealed) == 1  # what the failed submission left

    # Within the grace period nothing goes: a submission may still be committing.
    assert sweep.orphan_files_sweep() == sweep.SweepResult(media=0, sealed=0, kept=4)
    assert left_media <= _files(media) and left_sealed <= _files(sealed)

    # A dry run says what would go, and removes nothing.
    dry = sweep.orphan_files_sweep(now=timezone.now() + LATER, dry_run=True)
    assert (dry.media, dry.sealed, dry.kept) == (1, 1, 2)
    assert left_media <= _files(media)

    done = sweep.orphan_files_sweep(now=timezone.now() + LATER)
    assert (done.media, done.sealed, done.kept) == (1, 1, 2)
    assert _files(media) == before_media and _files(sealed) == before_sealed
    # The committed item's files are intact.
    assert Path(attachment.file.path).exists()
    assert (sealed / attachment.sealed_path).exists()


def test_pending_imports_are_not_the_sweeps_business(tree):
    name = sealed_store(b"encrypted register", folder="imports-pending")
    result = sweep.orphan_files_sweep(now=timezone.now() + LATER)
    assert result.sealed == 0
    assert (Path(settings.SEALED_ROOT) / name).exists()


def test_no_store_yet_is_nothing_to_sweep(tree):
    assert sweep.orphan_files_sweep(now=timezone.now() + LATER) == sweep.SweepResult()


def test_the_worker_keeps_exactly_one_sweep_pending():
    from langnghe.core.queue import task_pending

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert sweep.ensure_sweep_scheduled() is True
        assert sweep.ensure_sweep_scheduled() is False
        assert task_pending(sweep.orphan_files_sweep_task)


def test_files_no_row_names_at_all_are_not_this_databases_and_stay(tree, monkeypatch):
    """A database that names none of the files (a copy still being loaded, a staging site on the
    production bucket) must not have them deleted: the sweep refuses and removes nothing."""
    _rolled_back_submission(tree, monkeypatch)
    media, sealed = _files(Path(settings.MEDIA_ROOT)), _files(Path(settings.SEALED_ROOT))
    result = sweep.orphan_files_sweep(now=timezone.now() + LATER)
    assert result.refused and result.media == result.sealed == 0
    assert (
        _files(Path(settings.MEDIA_ROOT)) == media and _files(Path(settings.SEALED_ROOT)) == sealed
    )


def test_more_orphans_than_failed_submissions_leave_are_refused(tree, monkeypatch):
    submit_one(tree.commune, uploads=[jpeg_with_gps()])
    _rolled_back_submission(tree, monkeypatch)
    monkeypatch.setattr(sweep, "MAX_ORPHANS", 1)
    result = sweep.orphan_files_sweep(now=timezone.now() + LATER)
    assert result.refused and result.media == result.sealed == 0
    monkeypatch.setattr(sweep, "MAX_ORPHANS", 2)
    assert not sweep.orphan_files_sweep(now=timezone.now() + LATER).refused


def test_a_failed_sweep_still_schedules_the_next_one(monkeypatch):
    from langnghe.core.queue import task_pending

    def broken(**kwargs):
        raise OSError("storage unreachable")

    monkeypatch.setattr(sweep, "orphan_files_sweep", broken)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with pytest.raises(OSError):
            sweep.orphan_files_sweep_task.call(True)
        assert task_pending(sweep.orphan_files_sweep_task)
