"""The environment `langnghe serve` / `langnghe run` give the web server and the worker, and the
benchmark's server the same (docs/performance.md)."""

from __future__ import annotations

from pathlib import Path

from langnghe import cli
from langnghe.core.bench import BenchServer


def test_the_server_gets_two_malloc_arenas_unless_the_deployment_says_otherwise(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert cli._child_env()["MALLOC_ARENA_MAX"] == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert cli._child_env()["MALLOC_ARENA_MAX"] == "4"


def test_the_benchmark_server_starts_with_the_same_defaults(tmp_path: Path):
    server = BenchServer({"PATH": "/usr/bin"}, tmp_path / "log")
    for name, value in cli.PROCESS_ENV_DEFAULTS.items():
        assert server.env[name] == value
    assert BenchServer({"MALLOC_ARENA_MAX": "8"}, tmp_path / "log").env["MALLOC_ARENA_MAX"] == "8"
