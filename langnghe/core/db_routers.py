"""PostgreSQL read replicas, opted into explicitly (docs/deployment.md §3).

`DATABASE_REPLICA_URLS` (config/settings/scale.py) adds the aliases ``replica_1``, ``replica_2`` …
to DATABASES and installs `ReplicaRouter`. The router itself never sends a read to a replica:
every write, and every read that does not ask, goes to ``default``, so staff always read their
own writes and nothing that decides (permissions, deadlines, workflow) can see a lagging copy.

A read-only selector whose public result may be a few seconds old (published items, the public
search, the yearly figures) opts in with `using_replica(queryset)` or `replica_alias()`. Both fall
back to ``default`` when no replica is configured and inside a transaction on ``default`` (what a
transaction reads must be what it is about to write on).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

REPLICA_PREFIX = "replica"

_M = TypeVar("_M", bound=Model)


class _State(threading.local):
    primary_only = 0


_state = _State()


def replica_aliases() -> list[str]:
    """The configured replica aliases, in order."""
    return [alias for alias in settings.DATABASES if is_replica(alias)]


def is_replica(alias: str | None) -> bool:
    return bool(alias) and str(alias).startswith(REPLICA_PREFIX)


@contextmanager
def primary_only() -> Iterator[None]:
    """Within this block every opted-in read goes to ``default`` too (e.g. just after a write
    whose result the same request shows)."""
    depth = _state.primary_only
    _state.primary_only = depth + 1
    try:
        yield
    finally:
        _state.primary_only = depth


def replica_alias() -> str:
    """The database for an opted-in read: a replica picked at random, or ``default``."""
    aliases = replica_aliases()
    if not aliases or _state.primary_only:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return random.choice(aliases)  # noqa: S311 - load spreading, not security


def using_replica(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """`queryset` read from a replica when one may serve it (see `replica_alias`)."""
    alias = replica_alias()
    if alias == DEFAULT_DB_ALIAS and queryset.db == DEFAULT_DB_ALIAS:
        return queryset
    return queryset.using(alias)


class ReplicaRouter:
    """Writes and unrouted reads to ``default``; replicas only by explicit `.using()`.

    Objects read from a replica relate to objects of ``default`` (same data), and saving one
    writes to ``default``; migrations run on ``default`` only (the replicas follow by
    replication).
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and is_replica(instance._state.db):
            # A related lookup from an object read on a replica stays on that replica.
            return str(instance._state.db)
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        known = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in known and obj2._state.db in known:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if is_replica(db):
            return False
        return None
