"""The real task worker (django-tasks-db's db_worker) runs the notifications and the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings

from langnghe.handling.tasks import ensure_sweep_scheduled
from langnghe.orgs.models import Role

from ..factories import submit_one, user

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks():
    # django-tasks resets its backends on setting_changed.
    with override_settings(TASKS=DB_TASKS):
        yield


@pytest.mark.django_db(transaction=True)
def test_notifications_and_sweep_run_in_the_db_worker(tree, db_tasks, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    handler = user(grants=[(tree.commune, Role.HANDLER)])
    submit_one(tree.commune)  # queues "routed" for the unit's staff, on commit
    assert ensure_sweep_scheduled() is True
    assert ensure_sweep_scheduled() is False  # exactly one pending sweep
    DBTaskResult.objects.filter(task_path__endswith="deadlines_sweep_task").update(
        run_after=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    call_command("db_worker", batch=True, no_startup_delay=True, max_tasks=2)
    assert any(handler.email in m.to for m in mailoutbox)
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert "SUCCESSFUL" in statuses
    # The sweep scheduled its own next run.
    assert (
        DBTaskResult.objects.filter(
            task_path__endswith="deadlines_sweep_task", status="READY"
        ).count()
        == 1
    )
