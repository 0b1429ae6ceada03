"""Thin tasks: load, call the service. Each records what it sent under its own task id, and a
run of a task that already sent (a retry after a crash) does nothing."""

from __future__ import annotations

from django_tasks import TaskContext, task

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from . import services
from .models import SentNotification


def _already_sent(context: TaskContext) -> SentNotification | None:
    return SentNotification.objects.filter(task_id=str(context.task_result.id)).first()


def _record(context: TaskContext, item_id: int, template: str, recipients: int) -> None:
    SentNotification.objects.get_or_create(
        task_id=str(context.task_result.id),
        defaults={"item_id": item_id, "template": template, "recipients": recipients},
    )


@task(takes_context=True)
def notify_citizen_task(context: TaskContext, item_id: int, template: str) -> bool:
    done = _already_sent(context)
    if done is not None:
        return bool(done.recipients)
    item = Item.objects.select_related("identity").filter(pk=item_id).first()
    sent = item is not None and services.notify_citizen(item=item, template=template)
    _record(context, item_id, template, int(sent))
    return sent


@task(takes_context=True)
def notify_staff_task(
    context: TaskContext, item_id: int, template: str, org_id: int, roles: list[str]
) -> int:
    done = _already_sent(context)
    if done is not None:
        return done.recipients
    item = Item.objects.select_related("concerned_person").filter(pk=item_id).first()
    org = Organisation.objects.filter(pk=org_id).first()
    if item is None or org is None:
        return 0
    sent = services.notify_staff(item=item, template=template, org=org, roles=roles)
    _record(context, item_id, template, sent)
    return sent
