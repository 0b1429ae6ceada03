"""The deadline sweep runs in the task worker and schedules its own next run."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

SWEEP_EVERY = dt.timedelta(minutes=15)


@task()
def deadlines_sweep_task(reschedule: bool = True) -> dict[str, int]:
    from .sweep import deadlines_sweep

    result = deadlines_sweep()
    if reschedule:
        schedule_next_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated, "alarmed": result.alarmed}


def schedule_next_sweep(delay: dt.timedelta = SWEEP_EVERY) -> None:
    from langnghe.core.queue import enqueue_after

    enqueue_after(deadlines_sweep_task, delay)


def ensure_sweep_scheduled() -> bool:
    """Called when the worker starts: exactly one pending sweep, whatever happened before."""
    from langnghe.core.queue import ensure_one_pending

    return ensure_one_pending(deadlines_sweep_task, dt.timedelta(seconds=5))
