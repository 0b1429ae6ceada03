"""Questions about the task queue that do not depend on which back-end holds it."""

from __future__ import annotations

from typing import Any


def task_pending(task: Any) -> bool:
    """Whether a run of `task` waits in its queue: the database queue (django-tasks-db), or
    Redis under LANGNGHE_TASKS_BACKEND=rq (docs/deployment.md). Self-rescheduling tasks call
    this when the worker starts, so that exactly one run is pending."""
    from django_tasks import task_backends

    task_path = f"{task.func.__module__}.{task.func.__qualname__}"
    backend = task_backends[task.backend]
    if type(backend).__module__.startswith("django_tasks_rq"):
        import django_rq
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue(task.queue_name)
        ids = [*queue.job_ids, *ScheduledJobRegistry(queue=queue).get_job_ids()]
        jobs = queue.job_class.fetch_many(ids, connection=queue.connection)
        return any(j is not None and j.func_name == task_path for j in jobs)
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path, status="READY").exists()
