"""Crash and soak tests (docs/security.md §11): long, they drive the real server and worker.

They run only with LANGNGHE_RELIABILITY=1 (their own CI leg), like the browser tests with
LANGNGHE_BROWSER=1. Each test gets a data directory under its tmp_path and, when DATABASE_URL
points at PostgreSQL, a database of its own next to that one (created, then dropped).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ENV_FLAG = "LANGNGHE_RELIABILITY"
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "reliability: crash and soak tests against the real server and worker; "
        "skipped unless LANGNGHE_RELIABILITY=1",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    enabled = os.environ.get(ENV_FLAG) == "1"
    skip = pytest.mark.skip(reason=f"crash and soak tests run with {ENV_FLAG}=1 (their CI leg)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.reliability)
            if not enabled:
                item.add_marker(skip)


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """ "" (SQLite under the data directory) or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        yield ""
        return
    base = _postgres_url()
    if not base:
        pytest.skip("PostgreSQL: set DATABASE_URL=postgres://… (CI's PostgreSQL leg does)")
    import psycopg
    from psycopg import sql

    from .harness import postgres_url_for

    url, name = postgres_url_for(base, f"reliab_{uuid.uuid4().hex[:8]}")
    # CREATE/DROP DATABASE from the server's maintenance database (the one in DATABASE_URL may
    # not exist yet; pytest-django creates its own test_… next to it).
    maintenance, _ = postgres_url_for(base, "")
    maintenance = urlparse(maintenance)._replace(path="/postgres").geturl()
    admin = psycopg.connect(maintenance.replace("postgres://", "postgresql://", 1), autocommit=True)
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield url
    finally:
        _drop_database(admin, name)
        admin.close()


def _drop_database(admin: Any, name: str) -> None:
    """DROP … WITH (FORCE) ends the test's leftover connections, but refuses when an autovacuum
    worker is in the database (it has no role this one may signal; PostgreSQL 15). A plain DROP
    makes autovacuum let go; leftover connections need FORCE. Try both, a few seconds at most."""
    import psycopg
    from psycopg import sql

    statements = [
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)),
    ]
    for attempt in range(20):
        try:
            admin.execute(statements[attempt % 2])
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 19:
                raise
            time.sleep(0.5)
