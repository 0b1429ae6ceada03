"""The PostgreSQL leg's teardown: an autovacuum worker in the database makes DROP … WITH (FORCE)
refuse (PostgreSQL 15); the plain DROP that follows makes it let go."""

from __future__ import annotations

import psycopg
import pytest

from .conftest import _drop_database


class _Admin:
    def __init__(self, failures: list[type[Exception]]) -> None:
        self.failures = failures
        self.statements: list[str] = []

    def execute(self, statement: object) -> None:
        self.statements.append(repr(statement))
        if self.failures:
            raise self.failures.pop(0)("refused")


def test_a_refused_force_drop_is_retried_without_force(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    admin = _Admin([psycopg.errors.InsufficientPrivilege])
    _drop_database(admin, "langnghe_reliab_x")
    assert len(admin.statements) == 2
    assert "FORCE" in admin.statements[0] and "FORCE" not in admin.statements[1]


def test_it_gives_up_after_a_few_seconds(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    admin = _Admin([psycopg.errors.ObjectInUse] * 25)
    with pytest.raises(psycopg.errors.ObjectInUse):
        _drop_database(admin, "langnghe_reliab_x")
    assert len(admin.statements) == 20
