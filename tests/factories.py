"""Factories for tests: an organisation tree, staff with role grants, submitted items."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from langnghe.intake.models import Channel, Item, Kind
from langnghe.intake.services import Part, Submission, SubmitResult, item_submit
from langnghe.orgs.models import Organisation, Person, Position, RoleGrant

_seq = itertools.count(1)


def org(
    name: str = "",
    *,
    parent: Organisation | None = None,
    kind: str = Organisation.Kind.PEOPLES_COMMITTEE,
    level: str = Organisation.Level.COMMUNE,
    **kwargs: Any,
) -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(
        name=name or f"Đơn vị {n}", slug=f"org-{n}", kind=kind, level=level, parent=parent, **kwargs
    )


def user(username: str = "", *, grants: list[tuple[Organisation, str]] = (), **kwargs: Any):  # type: ignore[assignment]
    username = username or f"user{next(_seq)}"
    u = get_user_model().objects.create_user(
        username=username, password="pw", email=f"{username}@example.org", **kwargs
    )
    for organisation, role in grants:
        RoleGrant.objects.create(user=u, organisation=organisation, role=role)
    return u


def person(
    name: str = "Nguyễn Văn An",
    *,
    user_account: Any = None,
    org: Organisation | None = None,
    role: str = Position.Role.STAFF,
    title: str = "Cán bộ",
) -> Person:
    p = Person.objects.create(full_name=name, user=user_account)
    if org is not None:
        Position.objects.create(person=p, organisation=org, title=title, role=role)
    return p


def submit(
    receiving_org: Organisation,
    *,
    kind: str = Kind.FEEDBACK,
    body: str = "Đường thôn 3 bị sạt lở",
    actor: Any = None,
    channel: str = Channel.ONLINE,
    **kwargs: Any,
) -> SubmitResult:
    parts = kwargs.pop("parts", None) or [Part(kind=kind, body=body)]
    return item_submit(
        submission=Submission(parts=parts, channel=channel, receiving_org=receiving_org, **kwargs),
        actor=actor,
    )


def submit_one(receiving_org: Organisation, **kwargs: Any) -> tuple[Item, str]:
    result = submit(receiving_org, **kwargs)
    return result.items[0], result.secret
