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
    """Whether a sweep waits in the queue: the database queue, or Redis under RQ
    (docs/deployment.md)."""
    from django_tasks import task_backends

    task_path = f"{deadlines_sweep_task.func.__module__}.{deadlines_sweep_task.func.__qualname__}"
    backend = task_backends[deadlines_sweep_task.backend]
    if type(backend).__module__.startswith("django_tasks_rq"):
        import django_rq
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue(deadlines_sweep_task.queue_name)
        ids = [*queue.job_ids, *ScheduledJobRegistry(queue=queue).get_job_ids()]
        jobs = queue.job_class.fetch_many(ids, connection=queue.connection)
        return any(j is not None and j.func_name == task_path for j in jobs)
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY").exists()
