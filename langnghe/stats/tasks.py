"""The rollup rebuild runs in the task worker and schedules its own next run."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def rollup_rebuild_task(reschedule: bool = True) -> dict[str, float]:
    from .selectors import rulebook
    from .services import fingerprint, rollup_rebuild, rollup_state

    state = rollup_state()
    if state is None or state.fingerprint != fingerprint():
        state = rollup_rebuild(vacuum=True)
    if reschedule:
        minutes = int(rulebook().setting("rebuild_every_minutes", 10))
        schedule_next_rebuild(dt.timedelta(minutes=minutes))
    return {"seconds": state.seconds, "items": state.item_count}


def schedule_next_rebuild(delay: dt.timedelta) -> None:
    from langnghe.core.queue import enqueue_after

    enqueue_after(rollup_rebuild_task, delay)


def _pending() -> bool:
    from langnghe.core.queue import task_pending

    return task_pending(rollup_rebuild_task)


def ensure_rebuild_scheduled() -> bool:
    """Called when the worker starts: exactly one pending self-rescheduling rebuild."""
    from langnghe.core.queue import ensure_one_pending

    return ensure_one_pending(rollup_rebuild_task, dt.timedelta(seconds=10))


def enqueue_rebuild_once() -> None:
    """A page found the figures stale: ask the worker for a rebuild unless one is pending."""
    if not _pending():
        rollup_rebuild_task.enqueue(False)
