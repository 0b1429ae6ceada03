"""The Redis task queue (docs/deployment.md §5) against fakeredis: a real task of the project is
enqueued into Redis (nothing runs at enqueue), and an RQ worker in burst mode runs it, through
the same `rqworker` command and job class `langnghe worker` uses with LANGNGHE_TASKS_BACKEND=rq."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import django_rq
import fakeredis
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_rq.management.commands.rqworker import Command as RQWorkerCommand
from django_tasks import TaskResultStatus
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from config.settings import scale
from langnghe.handling.tasks import deadlines_sweep_task, ensure_sweep_scheduled
from langnghe.notify.tasks import notify_staff_task
from langnghe.orgs.models import Role

from ..factories import submit_one, user

RQ_ENV = {"LANGNGHE_TASKS_BACKEND": "rq", "REDIS_URL": "redis://127.0.0.1:6399/0"}
# What `langnghe worker` runs under RQ (see the deployment report): the job class runs the
# django-tasks Task; SimpleWorker here only because the test's fakeredis lives in this process.
WORKER_ARGS = ["--with-scheduler", "--job-class", "django_tasks_rq.Job", "--burst", "default"]


@pytest.fixture
def redis_queue():
    """TASKS and RQ_QUEUES as the switch computes them, every Redis connection a fakeredis one."""
    config = scale.tasks_config(RQ_ENV)
    connection = fakeredis.FakeRedis(server=fakeredis.FakeServer())
    with (
        override_settings(TASKS=config["TASKS"], RQ_QUEUES=config["RQ_QUEUES"]),
        mock.patch("redis.Redis.from_url", lambda *args, **kwargs: connection),
        # rqworker closes the database connections before forking its work horses; the
        # in-process SimpleWorker of these tests shares the test's connection (and transaction).
        mock.patch("django_rq.management.commands.rqworker.reset_db_connections"),
    ):
        yield django_rq.get_queue("default")


@pytest.mark.django_db
def test_a_notification_is_queued_in_redis_and_the_worker_sends_it(redis_queue, tree):
    receptionist = user(grants=[(tree.commune, Role.RECEPTIONIST)])
    item, _ = submit_one(tree.commune)
    mail.outbox.clear()

    result = notify_staff_task.enqueue(item.pk, "routed", tree.commune.pk, [Role.RECEPTIONIST])

    assert redis_queue.job_ids == [result.id]  # in Redis …
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []  # … and nothing ran yet

    call_command(RQWorkerCommand(), *WORKER_ARGS, "--worker-class", "rq.SimpleWorker")

    assert redis_queue.job_ids == []
    done = notify_staff_task.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == 1
    assert [m.to for m in mail.outbox] == [[receptionist.email]]
    assert item.code in mail.outbox[0].subject


@pytest.mark.django_db
def test_the_deadline_sweep_runs_and_schedules_its_next_run_in_redis(redis_queue):
    result = deadlines_sweep_task.enqueue(True)
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    worker.job_class = django_rq.jobs.get_job_class("django_tasks_rq.Job")
    worker.work(burst=True)

    done = deadlines_sweep_task.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert set(done.return_value) == {"reminded", "escalated", "alarmed"}
    # The sweep re-scheduled itself: a deferred job the worker's scheduler (--with-scheduler)
    # moves to the queue when due.
    scheduled = ScheduledJobRegistry(queue=redis_queue)
    assert len(scheduled.get_job_ids()) == 1


@pytest.mark.django_db
def test_the_worker_scheduler_runs_a_deferred_task_once_it_is_due(redis_queue):
    """`--with-scheduler`: the next sweep (run_after) waits in Redis, then runs when due."""
    later = deadlines_sweep_task.using(run_after=timezone.now() + dt.timedelta(hours=1))
    waiting = later.enqueue(False)
    due = deadlines_sweep_task.using(run_after=timezone.now() - dt.timedelta(seconds=1))
    ran = due.enqueue(False)
    assert redis_queue.job_ids == []  # both deferred, none in the queue yet

    call_command(RQWorkerCommand(), *WORKER_ARGS, "--worker-class", "rq.SimpleWorker")

    assert deadlines_sweep_task.get_result(ran.id).status == TaskResultStatus.SUCCESSFUL
    assert deadlines_sweep_task.get_result(waiting.id).status == TaskResultStatus.READY
    assert ScheduledJobRegistry(queue=redis_queue).get_job_ids() == [waiting.id]


@pytest.mark.django_db
def test_a_failing_task_is_reported_failed(redis_queue):
    result = notify_staff_task.enqueue(1, "routed", 1, ["nobody"])
    # Break the service the task calls: the failure must come back as FAILED, not vanish.
    with mock.patch("langnghe.notify.tasks.Item.objects.select_related", side_effect=RuntimeError):
        call_command(RQWorkerCommand(), *WORKER_ARGS, "--worker-class", "rq.SimpleWorker")
    done = notify_staff_task.get_result(result.id)
    assert done.status == TaskResultStatus.FAILED
    assert done.errors and done.errors[0].exception_class_path == "builtins.RuntimeError"


@pytest.mark.django_db
def test_exactly_one_sweep_is_pending_after_worker_restarts_on_rq(redis_queue):
    ensure_sweep_scheduled()
    ensure_sweep_scheduled()
    scheduled = ScheduledJobRegistry(queue=redis_queue)
    assert len(scheduled.get_job_ids()) + redis_queue.count == 1
