"""The deadline sweep runs in the task worker and schedules its own next run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
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
    deadlines_sweep_task.using(run_after=timezone.now() + delay).enqueue(True)


def ensure_sweep_scheduled() -> bool:
    """Called when the worker starts: exactly one pending sweep, whatever happened before."""
    if _sweep_pending():
        return False
    schedule_next_sweep(dt.timedelta(seconds=5))
    return True


def _sweep_pending() -> bool:
    from langnghe.core.queue import task_pending

    return task_pending(deadlines_sweep_task)
