"""Nothing lost, nothing twice (issue 7 §4): on the database queue a task is committed with the
change that queued it; a task a killed worker left RUNNING goes back to the queue when a worker
starts; and a notification run again sends nothing twice."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from langnghe.core import queue
from langnghe.orgs.models import Role

from ..factories import submit_one, user

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
pytestmark = pytest.mark.django_db(transaction=True)


def _notify_rows() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="notify_staff_task").count()


@override_settings(TASKS=DB_QUEUE)
def test_the_task_is_committed_with_the_change_or_not_at_all(tree):
    user(grants=[(tree.commune, Role.HANDLER)])
    assert queue.enqueue_in_transaction()
    submit_one(tree.commune)  # routed: the unit's staff are to be told
    assert _notify_rows() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_one(tree.commune, body="Một ý kiến khác")
        assert _notify_rows() == 2  # queued inside the transaction …
        raise RuntimeError("the request fails after routing")
    assert _notify_rows() == 1  # … and gone with it


def test_other_back_ends_wait_for_the_commit(settings):
    assert not queue.enqueue_in_transaction()  # the tests' immediate back-end


@override_settings(TASKS=DB_QUEUE)
def test_tasks_left_running_by_a_dead_worker_are_requeued(tree):
    from langnghe.notify.tasks import notify_staff_task

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a pid that no longer runs
    host = queue.worker_id().split(":")[1]
    orphan = notify_staff_task.enqueue(1, "routed", 1, ["handler"])
    alive = notify_staff_task.enqueue(2, "routed", 1, ["handler"])
    stale = notify_staff_task.enqueue(3, "routed", 1, ["handler"])
    now = timezone.now()
    DBTaskResult.objects.filter(pk=orphan.id).update(
        status="RUNNING", started_at=now, worker_ids=[f"ln:{host}:{dead.pid}"]
    )
    DBTaskResult.objects.filter(pk=alive.id).update(
        status="RUNNING",
        started_at=now,
        worker_ids=[queue.worker_id()],  # this very process
    )
    DBTaskResult.objects.filter(pk=stale.id).update(
        status="RUNNING",
        started_at=now - dt.timedelta(hours=2),
        worker_ids=["ln:another-host:123"],
    )
    assert queue.requeue_orphans() == 2
    statuses = {str(k): v for k, v in DBTaskResult.objects.values_list("pk", "status")}
    assert statuses[orphan.id] == "READY" and statuses[stale.id] == "READY"
    assert statuses[alive.id] == "RUNNING"


def test_a_notification_run_twice_sends_once(tree, settings):
    from langnghe.notify.models import SentNotification
    from langnghe.notify.tasks import notify_staff_task

    staff = user(grants=[(tree.commune, Role.HANDLER)])
    assert staff.email
    item, _ = submit_one(tree.commune)
    mail.outbox.clear()
    SentNotification.objects.all().delete()

    class Context:  # what django-tasks passes: the run's task result, with its id
        class task_result:  # noqa: N801
            id = "a-task-run"

    first = notify_staff_task.func(Context, item.pk, "routed", tree.commune.pk, [Role.HANDLER])
    again = notify_staff_task.func(Context, item.pk, "routed", tree.commune.pk, [Role.HANDLER])
    assert first == again == 1
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(task_id="a-task-run", recipients=1).exists()
