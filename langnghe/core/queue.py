"""Questions about the task queue that do not depend on which back-end holds it."""

from __future__ import annotations

import datetime as dt
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


def enqueue_after(task: Any, delay: dt.timedelta) -> None:
    """One run of a self-rescheduling task (called with `reschedule=True`) after `delay`."""
    from django.utils import timezone

    task.using(run_after=timezone.now() + delay).enqueue(True)


def ensure_one_pending(task: Any, first_delay: dt.timedelta) -> bool:
    """Called when the worker starts: exactly one pending run of a self-rescheduling task,
    whatever happened before. True when it had to be enqueued (after `first_delay`)."""
    if task_pending(task):
        return False
    enqueue_after(task, first_delay)
    return True


# -- the database queue after a crash ---------------------------------------------------------------

WORKER_PREFIX = "ln"
STALE_AFTER = dt.timedelta(hours=1)  # no task of this project runs anywhere near that long


def _host() -> str:
    import socket

    return socket.gethostname().split(".")[0][:30]


def worker_id() -> str:
    """The id `langnghe worker` gives its db_worker: host and process, so that a later worker can
    tell a task left RUNNING by a dead process from one a live worker is running."""
    import os

    return f"{WORKER_PREFIX}:{_host()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(*, now: dt.datetime | None = None) -> int:
    """Put back in the queue the tasks a killed worker left RUNNING (django-tasks-db never
    retries them): those whose worker was a process of this host that no longer exists, and any
    RUNNING for longer than STALE_AFTER. Returns how many were requeued. The tasks themselves are
    idempotent (notifications keep a record of what they sent)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    host = _host()
    orphans = []
    for pk, workers, started in DBTaskResult.objects.filter(status="RUNNING").values_list(
        "pk", "worker_ids", "started_at"
    ):
        last = (workers or [""])[-1].split(":")
        dead_here = (
            len(last) == 3
            and last[0] == WORKER_PREFIX
            and last[1] == host
            and last[2].isdigit()
            and not _alive(int(last[2]))
        )
        if dead_here or (started is not None and now - started > STALE_AFTER):
            orphans.append(pk)
    if not orphans:
        return 0
    return DBTaskResult.objects.filter(pk__in=orphans, status="RUNNING").update(
        status="READY", started_at=None
    )


def enqueue_in_transaction() -> bool:
    """Whether a task enqueued inside a transaction is committed with it: the database queue is
    a table of the same database, so enqueuing there, not after the commit, cannot lose a task
    between the two. Other back-ends (Redis, the immediate one of the tests) wait for the commit."""
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    return backend.startswith("django_tasks_db.")
