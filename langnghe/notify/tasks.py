"""Thin tasks: load, call the service."""

from __future__ import annotations

from django_tasks import task

from langnghe.intake.models import Item
from langnghe.orgs.models import Organisation

from . import services


@task()
def notify_citizen_task(item_id: int, template: str) -> bool:
    item = Item.objects.select_related("identity").filter(pk=item_id).first()
    return item is not None and services.notify_citizen(item=item, template=template)


@task()
def notify_staff_task(item_id: int, template: str, org_id: int, roles: list[str]) -> int:
    item = Item.objects.select_related("concerned_person").filter(pk=item_id).first()
    org = Organisation.objects.filter(pk=org_id).first()
    if item is None or org is None:
        return 0
    return services.notify_staff(item=item, template=template, org=org, roles=roles)
