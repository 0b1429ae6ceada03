"""Soak test (issue 7 "Earn trust" §4 "No loss"; docs/security.md §11).

The real server (langnghe.core.bench.BenchServer: granian as `langnghe serve` configures it) on a
fresh data directory with the demo tree and a few thousand synthetic items, 32 keep-alive
connections for LANGNGHE_SOAK_SECONDS (default 120) of a mixed load: public search, the tracking
form and a citizen's item pages, citizen submissions (the per-address limits off, as the benchmark
runs the server), a handler's inbox. Zero errors (no 5xx, no unexpected status), and the memory of
each server worker flat from the first third of the run to the last.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from langnghe.core import bench

from .harness import probe, product_env

CONNECTIONS = 32
ITEMS = 2000
WARMUP_SECONDS = 30.0
# Memory is "flat" when each worker's RSS in the last third of the run is at most this much above
# its level in the first third (both after the warm-up): the median of each third, so one large
# response in flight does not count. Django and granian reach their working set in the warm-up
# (templates compiled, caches filled, every code path imported); what can still grow is the
# allocator's high-water mark under 32 concurrent requests and the page caches (bounded) - a few
# MB. A leak of even 1 KB per request would add tens of MB over the tens of thousands of
# requests of a run, well above max(10 %, 15 MB).
GROWTH_FRACTION = 0.10
GROWTH_FLOOR_KB = 15 * 1024


class Mixed(bench.Scenario):
    """Each iteration one of the benchmark's scenarios, by weight; each keeps a browser of its
    own on the connection's thread (a submission resets cookies, the inbox stays logged in)."""

    name, timed_step = "mixed load", "GET"

    def __init__(self, port: int) -> None:
        self.port = port
        self.parts: list[tuple[bench.Scenario, int]] = [
            (bench.SearchPage(), 3),
            (bench.TrackingForm(), 2),
            (bench.TrackingPage(), 3),
            (bench.SubmitJourney(), 2),
            (bench.InboxPage(), 2),
        ]

    def setup(self, session: bench.Session, ctx: bench.Context, rng: random.Random) -> Any:
        state = []
        for scenario, weight in self.parts:
            own = bench.HttpSession(bench.LOOPBACK, self.port)
            state.append((scenario, weight, own, scenario.setup(own, ctx, rng)))
        return state

    def run(
        self, session: bench.Session, state: Any, ctx: bench.Context, rng: random.Random
    ) -> bench.Steps:
        scenario, _weight, own, inner = rng.choices(state, weights=[w for _, w, _, _ in state])[0]
        steps = scenario.run(own, inner, ctx, rng)
        return [(f"{scenario.name}: {name}", seconds) for name, seconds in steps]


class Timeline(bench.RssSampler):
    """RssSampler keeping every sample, so thirds of the run can be compared."""

    def __init__(self, server: bench.BenchServer, interval: float = 1.0) -> None:
        super().__init__(server, interval)
        self.samples: list[tuple[float, int, int]] = []  # (time, pid, kB)
        self.lock = threading.Lock()

    def __enter__(self) -> Timeline:
        super().__enter__()
        return self

    def sample(self) -> None:
        now = time.monotonic()
        for pid in self.server.worker_pids():
            rss = bench._proc_status(pid, "VmRSS")
            if rss:
                with self.lock:
                    self.samples.append((now, pid, rss))
                self.peak[pid] = max(rss, self.peak.get(pid, 0))

    def median(self, pid: int, start: float, end: float) -> int:
        with self.lock:
            values = sorted(kb for t, p, kb in self.samples if p == pid and start <= t < end)
        return values[len(values) // 2] if values else 0


def test_soak_32_connections_zero_errors_memory_flat(tmp_path):
    seconds = float(os.environ.get("LANGNGHE_SOAK_SECONDS") or 120)
    data_dir = tmp_path / "data"
    env = product_env(data_dir)  # SQLite: the default deployment (one process, threads)
    raw = probe(env, "soak-setup", str(ITEMS))
    ctx = bench.Context(**raw)
    assert ctx.tracking_codes and ctx.search_queries and ctx.communes
    server = bench.BenchServer(env, Path(tmp_path) / "server.log")
    try:
        server.start()

        def session() -> bench.Session:
            return bench.HttpSession(bench.LOOPBACK, server.port)

        scenario = Mixed(server.port)
        with Timeline(server) as rss:
            warm = bench.run_load(
                session,
                scenario,
                ctx,
                connections=CONNECTIONS,
                duration=WARMUP_SECONDS,
                max_iterations=1_000_000,
                seed=1,
            )
            begin = time.monotonic()
            result = bench.run_load(
                session,
                scenario,
                ctx,
                connections=CONNECTIONS,
                duration=seconds,
                max_iterations=10_000_000,
                seed=2,
            )
            end = time.monotonic()
        pids = sorted({pid for _, pid, _ in rss.samples})
        third = (end - begin) / 3
        memory = {
            pid: (rss.median(pid, begin, begin + third), rss.median(pid, end - third, end))
            for pid in pids
        }
    finally:
        server.stop()

    per_page = {name: len(values) for name, values in sorted(result.steps.items()) if values}
    print(f"\nsoak test: {CONNECTIONS} connections, {result.elapsed:.0f} s, SQLite, {ITEMS} items")
    print(f"  warm-up: {warm.requests} requests, {warm.errors} errors")
    print(
        f"  requests {result.requests}, {result.requests / result.elapsed:.1f} req/s,"
        f" iterations {result.iterations}, errors {result.errors} {result.error_samples}"
    )
    for name, count in per_page.items():
        values = result.steps[name]
        print(f"    {name}: {count} ({bench.pcts(values)})")
    for pid, (first, last) in memory.items():
        print(
            f"  worker {pid}: RSS first third {first / 1024:.1f} MB, last third"
            f" {last / 1024:.1f} MB ({(last - first) / 1024:+.1f} MB), peak"
            f" {rss.peak.get(pid, 0) / 1024:.1f} MB"
        )

    assert warm.errors == 0, warm.error_samples
    assert result.errors == 0, result.error_samples
    assert result.iterations > CONNECTIONS * 10
    # Every kind of page was exercised.
    assert {name.split(":")[0] for name in per_page} == {s.name for s, _ in scenario.parts}
    assert memory, "no server worker was sampled"
    for pid, (first, last) in memory.items():
        allowed = max(first * GROWTH_FRACTION, GROWTH_FLOOR_KB)
        assert first > 0 and last - first <= allowed, (
            f"worker {pid}: RSS {first} kB -> {last} kB (more than {allowed:.0f} kB)"
        )
