"""`manage.py bench` (`make bench`, `langnghe bench`): the targets of DESIGN.md §6, measured on
this machine, printed as a table and written into docs/performance.md.

    langnghe bench                          # 20,000 items, SQLite, a few minutes
    langnghe bench --items 1000000          # the full size of the targets
    langnghe bench --database-url postgres://u:p@127.0.0.1/langnghe_bench

The user's data is never touched: the benchmark re-runs itself with LANGNGHE_DATA_DIR set to its
own directory (var/bench by default) and DATABASE_URL set to its own database (SQLite in that
directory, or a PostgreSQL database whose name contains "bench", which it empties). It builds the
synthetic data (langnghe.core.bench.build_dataset), times the search service in-process, then
starts the production web server (granian, as `langnghe serve` configures it) on a free loopback
port with two bare baselines routed in (LANGNGHE_BENCH=1), drives it from a bounded thread pool of
keep-alive connections to 127.0.0.1, samples the workers' memory, and stops it at the end, on
Ctrl-C and on errors.
"""

from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.utils import timezone

from langnghe.core import bench

CHILD_FLAG = "LANGNGHE_BENCH_CHILD"
DEFAULT_DATA_DIR = bench.BASE_DIR / "var" / "bench"
DEFAULT_DOCS = bench.BASE_DIR / "docs" / "performance.md"
FULL_SIZE = 1_000_000
# Environment that would point the benchmark at the user's deployment.
SCRUBBED = (
    "DATABASE_URL",
    "SECRET_KEY",
    "LANGNGHE_RECEIPT_PEPPER",
    "LANGNGHE_VAULT_KEY_FILE",
    "LANGNGHE_ORG",
    "ALLOWED_HOSTS",
    "PORT",
    "HOST",
)


def growth_sizes(raw: str, items: int) -> list[int]:
    """The intermediate sizes to time at, below `items`, ascending."""
    if raw.strip().lower() == "none":
        return []
    if not raw.strip():
        return [size for size in (10_000, 100_000) if size < items]
    try:
        sizes = sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise CommandError("--growth takes sizes separated by commas, e.g. 10000,100000") from None
    return [size for size in sizes if 0 < size < items]


class Command(BaseCommand):
    growth: list[dict[str, Any]]

    help = "Measure the targets of DESIGN.md §6 on synthetic data and write docs/performance.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--items", type=int, default=20_000, help="items (default 20,000)")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--years", type=float, default=5.0, help="the items span this many years"
        )
        parser.add_argument(
            "--data-dir",
            default=str(DEFAULT_DATA_DIR),
            help="the benchmark's own LANGNGHE_DATA_DIR (default var/bench)",
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="a PostgreSQL database for the benchmark alone (its name must contain 'bench'; "
            "it is emptied); default: SQLite in the data directory",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep the data of the previous run if it was built with the same --items/--seed",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=10.0,
            help="seconds of load per scenario (in two windows, alternating with its baseline)",
        )
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument(
            "--latency-requests",
            type=int,
            default=300,
            help="requests for the one-connection latency figures (search, inbox)",
        )
        parser.add_argument("--search-queries", type=int, default=400)
        parser.add_argument("--recall-sample", type=int, default=200)
        parser.add_argument(
            "--growth",
            default="",
            help="sizes at which to time search, inbox and dashboard in-process while building, "
            "to show how cost grows (default: 10,000 and 100,000 where below --items; "
            "'none' to skip)",
        )
        parser.add_argument("--docs", default=str(DEFAULT_DOCS), help="the report to update")
        parser.add_argument("--no-docs", action="store_true", help="print only")

    # -- the parent: set up the environment, run the child ----------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get(CHILD_FLAG) == "1":
            self.run_bench(options)
            return
        data_dir = Path(options["data_dir"]).resolve()
        if data_dir == Path(settings.DATA_DIR).resolve():
            raise CommandError("--data-dir must not be the deployment's data directory")
        data_dir.mkdir(parents=True, exist_ok=True)
        url = options["database_url"].strip()
        if url:
            parsed = urlparse(url)
            if parsed.scheme not in {"postgres", "postgresql"}:
                raise CommandError("--database-url must be a postgres:// URL")
            if "bench" not in parsed.path.lower():
                raise CommandError(
                    "the benchmark empties its database: name it so that it contains 'bench'"
                )
            if url == os.environ.get("DATABASE_URL"):
                raise CommandError("--database-url must not be the deployment's DATABASE_URL")
        elif not options["reuse"]:
            for suffix in ("", "-wal", "-shm"):
                (data_dir / f"langnghe.sqlite3{suffix}").unlink(missing_ok=True)

        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        module = os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        if module.endswith(".test"):
            module = "config.settings.dev"
        env.update(
            {
                CHILD_FLAG: "1",
                "DJANGO_SETTINGS_MODULE": module,
                "LANGNGHE_DATA_DIR": str(data_dir),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                # Every load comes from 127.0.0.1: the per-address limits of the submission form
                # would measure themselves, not the form (docs/performance.md).
                "LANGNGHE_SUBMIT_LIMITS": "off",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if url:
            env["DATABASE_URL"] = url
        path = env.get("PYTHONPATH")
        root = str(bench.BASE_DIR)
        env["PYTHONPATH"] = f"{root}{os.pathsep}{path}" if path else root
        argv = [sys.executable, "-m", "langnghe.cli", "bench", *self._child_args(options)]
        self.stdout.write(f"bench: data in {data_dir} ({'PostgreSQL' if url else 'SQLite'})")
        child = subprocess.Popen(argv, cwd=bench.BASE_DIR, env=env)

        def forward(signum: int, frame: Any) -> None:  # the child stops its server, then exits
            child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, forward)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            # The child got the same Ctrl-C and is stopping its server; give it the time to.
            try:
                child.wait(60)
            except subprocess.TimeoutExpired:
                child.terminate()
                child.wait(10)
            raise CommandError("interrupted") from None
        if code:
            raise CommandError(f"the benchmark failed (exit code {code})")

    @staticmethod
    def _child_args(options: dict[str, Any]) -> list[str]:
        args = []
        for name in (
            "items",
            "seed",
            "years",
            "data_dir",
            "duration",
            "connections",
            "latency_requests",
            "search_queries",
            "recall_sample",
            "growth",
            "docs",
        ):
            args += [f"--{name.replace('_', '-')}", str(options[name])]
        if options["database_url"]:
            args += ["--database-url", options["database_url"]]
        for flag in ("reuse", "no_docs"):
            if options[flag]:
                args.append(f"--{flag.replace('_', '-')}")
        args += ["--verbosity", str(options["verbosity"])]
        return args

    # -- the child: everything, in the benchmark's own environment --------------------------------

    def say(self, message: str) -> None:
        self.stdout.write(f"bench: {message}")
        self.stdout.flush()

    def run_bench(self, options: dict[str, Any]) -> None:
        data_dir = Path(options["data_dir"]).resolve()
        if Path(settings.DATA_DIR).resolve() != data_dir:
            raise CommandError(f"expected LANGNGHE_DATA_DIR={data_dir}, got {settings.DATA_DIR}")

        def on_sigterm(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_sigterm)
        self.growth = []
        started = time.monotonic()
        try:
            self.prepare_database(options)
            build = self.build(options)
            figures = self.measure(options, build)
        except KeyboardInterrupt:
            raise CommandError("interrupted") from None
        figures["total_seconds"] = time.monotonic() - started
        self.report(options, figures)

    def prepare_database(self, options: dict[str, Any]) -> None:
        if connection.vendor == "postgresql" and not options["reuse"]:
            self.say(f"emptying PostgreSQL database {connection.settings_dict['NAME']}")
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        self.say("migrating")
        call_command("migrate", interactive=False, verbosity=0)
        bench.ensure_bench_tables()

    def build(self, options: dict[str, Any]) -> dict[str, Any]:
        from langnghe.intake.models import Item
        from langnghe.search.models import SearchDocument

        n, seed = options["items"], options["seed"]
        meta = bench.meta_get()
        info: dict[str, Any] = {"reused": False, "seconds": 0.0}
        if (
            options["reuse"]
            and meta.get("items") == str(n)
            and meta.get("seed") == str(seed)
            and meta.get("generator", "1") == bench.GENERATOR
        ):
            self.say(f"reusing the {n:,} items built on {meta.get('built', '?')}")
            info.update(
                reused=True,
                seconds=float(meta.get("build_seconds", 0)),
                phases=meta.get("build_phases", ""),
            )
        else:
            if meta.get("items"):
                raise CommandError(
                    f"the benchmark database holds a run with --items {meta['items']} "
                    f"--seed {meta.get('seed')}, built by version {meta.get('generator', '1')} "
                    f"of the data generator (this one is {bench.GENERATOR}): run without "
                    "--reuse to start afresh"
                )
            result = bench.BuildResult()
            built = 0
            for step in [*growth_sizes(options["growth"], n), n]:
                self.say(f"building {step - built:,} items (seed {seed}) up to {step:,}")
                part = bench.build_dataset(
                    step - built,
                    seed=seed + built,
                    years=options["years"],
                    progress=options["verbosity"] > 0,
                    out=self.say,
                )
                self.say("finishing the load (checkpoint / VACUUM ANALYZE)")
                mark = time.monotonic()
                bench.finish_load()
                part.phases["finish"] = time.monotonic() - mark
                part.seconds += part.phases["finish"]
                result.add(part)
                built = step
                if step < n:
                    self.growth.append(self.measure_growth(options, step))
            phases = ", ".join(f"{k} {v:.0f} s" for k, v in result.phases.items())
            self.say(f"built in {result.seconds:.0f} s ({phases})")
            info["seconds"] = result.seconds
            info["phases"] = phases
            bench.meta_set(
                {
                    "items": str(n),
                    "seed": str(seed),
                    "generator": bench.GENERATOR,
                    "built": timezone.now().isoformat(timespec="seconds"),
                    "build_seconds": f"{result.seconds:.1f}",
                    "build_phases": phases,
                }
            )
        info["items"] = Item.objects.count()
        info["published"] = Item.objects.filter(is_published=True).count()
        info["open"] = Item.objects.filter(is_open=True).count()
        info["documents"] = SearchDocument.objects.count()
        info["db_size"] = self.database_size()
        return info

    def measure_growth(self, options: dict[str, Any], size: int) -> dict[str, Any]:
        """Search, inbox and dashboard timed in-process at an intermediate size."""
        from langnghe.stats.bench import measure_dashboard

        self.say(f"timing search, inbox and dashboard at {size:,} items")
        rng = random.Random(options["seed"] + size)
        search = bench.measure_search(
            bench.search_queries(rng, 200),
            bench.search_queries(random.Random(size), 50),
            staff_paths=self.handler_paths(),
            budget=90.0,
        )
        inbox, _visible = bench.measure_inbox_query(bench.HANDLER_ACCOUNT, 30)
        dashboard = measure_dashboard("lanhdao", 10)
        return {
            "items": size,
            "search": search.public_ids,
            "inbox": inbox,
            "dashboard": dashboard["cold"],
        }

    @staticmethod
    def handler_paths() -> list[str]:
        from langnghe.orgs.models import RoleGrant

        return sorted(
            set(
                RoleGrant.objects.filter(user__username=bench.HANDLER_ACCOUNT).values_list(
                    "organisation__path", flat=True
                )
            )
        )

    @staticmethod
    def database_size() -> str:
        if connection.vendor == "sqlite":
            path = Path(connection.settings_dict["NAME"])
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                size = int(cursor.fetchone()[0])
        return f"{size / 1024 / 1024:,.0f} MB"

    def measure(self, options: dict[str, Any], build: dict[str, Any]) -> dict[str, Any]:
        from langnghe.orgs.models import RoleGrant

        rng = random.Random(options["seed"] + 1)
        figures: dict[str, Any] = {"build": build, "revision": bench.code_revision()}

        figures["load_before"] = bench.machine()["load"]
        self.say("search, in-process")
        handler_paths = sorted(
            set(
                RoleGrant.objects.filter(user__username=bench.HANDLER_ACCOUNT).values_list(
                    "organisation__path", flat=True
                )
            )
        )
        queries = bench.search_queries(rng, options["search_queries"])
        warmup = bench.search_queries(random.Random(options["seed"] + 7), 100)
        figures["search"] = bench.measure_search(queries, warmup, staff_paths=handler_paths)
        self.say("search recall")
        figures["recall"] = bench.measure_recall(options["recall_sample"], rng)
        self.say("inbox queries, in-process")
        figures["inbox_query"] = bench.measure_inbox_query(bench.HANDLER_ACCOUNT, 30)
        self.say("leader's dashboard, in-process")
        from langnghe.stats.bench import measure_dashboard

        figures["dashboard"] = measure_dashboard("lanhdao", 30)
        figures["growth"] = [
            *self.growth,
            {
                "items": build["items"],
                "search": figures["search"].public_ids,
                "inbox": figures["inbox_query"][0],
                "dashboard": figures["dashboard"]["cold"],
            },
        ]
        ctx = bench.scenario_context(rng)
        connections.close_all()

        server = bench.BenchServer(dict(os.environ), Path(settings.DATA_DIR) / "bench-server.log")
        self.say("starting the server: " + shlex.join(bench.bench_server_command(0)[1:]))
        http: dict[str, Any] = {}
        try:
            server.start()
            figures["server_command"] = server.command
            self.say(f"server on http://{bench.LOOPBACK}:{server.port}/")
            figures["load_http"] = bench.machine()["load"]

            def session() -> bench.Session:
                return bench.HttpSession(bench.LOOPBACK, server.port)

            c, duration = options["connections"], options["duration"]
            limit = 1_000_000  # iterations: time bounds every run well before this
            scenarios: list[bench.Scenario] = [
                bench.BarePage(),
                bench.TrackingPage(),
                bench.BareFormJourney(),
                bench.SubmitJourney(),
                bench.SearchPage(),
                bench.InboxPage(),
                bench.TrackingForm(),
                bench.Open311Requests(),
                bench.Open311Post(),
                bench.DashboardPage(),
            ]
            with bench.RssSampler(server) as rss:
                self.say("warming up")
                for scenario in scenarios:
                    bench.run_load(
                        session,
                        scenario,
                        ctx,
                        connections=min(c, 8),
                        duration=1.5,
                        max_iterations=200,
                    )
                self.say(f"tracking page vs bare template view, {c} connections")
                http["bare_page"], http["tracking"] = bench.compare(
                    session,
                    scenarios[0],
                    scenarios[1],
                    ctx,
                    connections=c,
                    duration=duration,
                    max_iterations=limit,
                )
                self.say(f"submit journey vs bare form journey, {c} connections")
                http["bare_form"], http["submit"] = bench.compare(
                    session,
                    scenarios[2],
                    scenarios[3],
                    ctx,
                    connections=c,
                    duration=duration,
                    max_iterations=limit,
                )
                self.say(f"public search page, 1 connection, then {c}")
                http["search_1"] = bench.run_load(
                    session,
                    scenarios[4],
                    ctx,
                    connections=1,
                    duration=duration,
                    max_iterations=options["latency_requests"],
                )
                http["search_c"] = bench.run_load(
                    session,
                    scenarios[4],
                    ctx,
                    connections=c,
                    duration=duration / 2,
                    max_iterations=limit,
                )
                self.say(f"tracking form, {c} connections")
                http["tracking_form"] = bench.run_load(
                    session,
                    scenarios[6],
                    ctx,
                    connections=c,
                    duration=duration / 2,
                    max_iterations=limit,
                )
                for key, scenario in (
                    ("open311_get", scenarios[7]),
                    ("open311_post", scenarios[8]),
                ):
                    self.say(f"{scenario.name}, {c} connections")
                    http[key] = bench.run_load(
                        session,
                        scenario,
                        ctx,
                        connections=c,
                        duration=duration / 2,
                        max_iterations=limit,
                    )
                self.say("leader's dashboard, 1 connection")
                http["dashboard_1"] = bench.run_load(
                    session,
                    scenarios[9],
                    ctx,
                    connections=1,
                    duration=duration,
                    max_iterations=options["latency_requests"],
                )
                self.say("handler's inbox, 1 connection")
                http["inbox_1"] = bench.run_load(
                    session,
                    scenarios[5],
                    ctx,
                    connections=1,
                    duration=duration,
                    max_iterations=options["latency_requests"],
                )
            figures["rss"] = rss
        except KeyboardInterrupt:
            bench.STOP.set()
            self.say("interrupted: stopping the server")
            raise
        finally:
            bench.STOP.set()
            server.stop()
            self.say("server stopped")
        figures["http"] = http
        figures["workers"] = self._server_shape(figures.get("server_command", []))
        return figures

    @staticmethod
    def _server_shape(command: list[str]) -> str:
        def value(flag: str) -> str:
            return command[command.index(flag) + 1] if flag in command else "?"

        return f"{value('--workers')} worker process(es) × {value('--blocking-threads')} threads"

    # -- the report ---------------------------------------------------------------------------------

    def rows(self, options: dict[str, Any], f: dict[str, Any]) -> list[bench.Row]:
        n = f["build"]["items"]
        c = options["connections"]
        at_n = "" if n >= FULL_SIZE else f" (at {n:,} items)"
        http = f["http"]
        rows: list[bench.Row] = []
        ok = bench.verdict

        def rate(r: bench.LoadResult) -> str:
            unit = "journeys/s" if r.unit == "journey" else "req/s"
            return f"{r.rate:,.1f} {unit}"

        # Submit journey.
        submit, bare_form = http["submit"], http["bare_form"]
        share = submit.rate / bare_form.rate if bare_form.rate else 0.0
        rows.append(
            bench.Row(
                "citizen submit journey (GET form, POST, receipt) vs bare form journey",
                "≥ 60% of the bare journeys/s",
                f"{rate(submit)} vs {rate(bare_form)} = {share:.0%}",
                ok(share >= 0.60),
            )
        )
        p99 = bench.percentile(submit.timed, 99)
        rows.append(
            bench.Row(
                f"submit POST latency at {c} connections",
                "p99 < 150 ms at 32 connections",
                bench.pcts(submit.timed)
                + f"; whole journey p99 {bench.ms(bench.percentile(submit.iteration_times, 99))}",
                ok(p99 < 0.150) if c == 32 else "info",
            )
        )
        tracking, bare_page = http["tracking"], http["bare_page"]
        share = tracking.rate / bare_page.rate if bare_page.rate else 0.0
        rows.append(
            bench.Row(
                "tracking page (/tra-cuu/<code>/) vs bare template view",
                "≥ 70% of the bare req/s",
                f"{rate(tracking)} vs {rate(bare_page)} = {share:.0%}",
                ok(share >= 0.70),
            )
        )
        search: bench.SearchTimings = f["search"]
        p95 = bench.percentile(search.public_ids, 95)
        rows.append(
            bench.Row(
                f"public search, diacritic-free, newest first: search_ids in-process{at_n}",
                "p95 < 10 ms at 1,000,000 items",
                bench.pcts(search.public_ids) + f" ({search.queries} queries)",
                ok(p95 < 0.010) + ("" if not at_n else " at this size"),
            )
        )
        recall: bench.Recall = f["recall"]
        rows.append(
            bench.Row(
                f"search recall, typed without diacritics{at_n}",
                "≥ 99% found",
                f"{recall.found}/{recall.total} = {recall.share:.1%}"
                + (
                    f"; {recall.too_broad} too broad to page through, not counted"
                    if recall.too_broad
                    else ""
                )
                + ("; the time budget ended the sample early" if recall.stopped else ""),
                ok(recall.share >= 0.99),
            )
        )
        inbox = http["inbox_1"]
        p95 = bench.percentile(inbox.timed, 95)
        rows.append(
            bench.Row(
                f"handler's inbox (/quan-ly/, logged in), HTTP, 1 connection{at_n}",
                "p95 < 50 ms at 1,000,000 items",
                bench.pcts(inbox.timed),
                ok(p95 < 0.050) + ("" if not at_n else " at this size"),
            )
        )
        dashboard = f["dashboard"]
        p95 = bench.percentile(dashboard["cold"], 95)
        rows.append(
            bench.Row(
                f"leader's dashboard (lanhdao: figures, six splits, units, open/overdue now),"
                f" in-process, its cache emptied before each run{at_n}",
                "p95 < 200 ms at 1,000,000 items",
                bench.pcts(dashboard["cold"])
                + f"; cached {bench.pcts(dashboard['warm'])}; monthly rollup of"
                f" {dashboard['rollup_items']:,} items rebuilt in"
                f" {dashboard['rollup_rebuild_seconds']:.1f} s",
                ok(p95 < 0.200) + ("" if not at_n else " at this size"),
            )
        )
        for key, what in (("open311_get", "GET"), ("open311_post", "POST")):
            r = http[key]
            rows.append(
                bench.Row(
                    f"Open311 {what} requests.json (demo integration's key), {c} connections",
                    "–",
                    f"{rate(r)} = {r.rate / bare_page.rate if bare_page.rate else 0:.0%} of the"
                    f" bare view; {bench.pcts(r.timed)}",
                    "info",
                )
            )
        for point in f.get("growth", []):
            rows.append(
                bench.Row(
                    f"cost growth at {point['items']:,} items, in-process",
                    "–",
                    f"search p95 {bench.ms(bench.percentile(point['search'], 95))}, inbox p95"
                    f" {bench.ms(bench.percentile(point['inbox'], 95))}, dashboard (cold) p95"
                    f" {bench.ms(bench.percentile(point['dashboard'], 95))}",
                    "info",
                )
            )
        if "dashboard_1" in http:
            page = http["dashboard_1"]
            p95 = bench.percentile(page.timed, 95)
            rows.append(
                bench.Row(
                    f"leader's dashboard page (/quan-ly/thong-ke/, lanhdao), HTTP,"
                    f" 1 connection{at_n}",
                    "p95 < 200 ms at 1,000,000 items",
                    bench.pcts(page.timed),
                    ok(p95 < 0.200) + ("" if not at_n else " at this size"),
                )
            )
        rss: bench.RssSampler = f["rss"]
        peak_mb = max(rss.peak.values(), default=0) / 1024
        hwm_mb = max(rss.hwm.values(), default=0) / 1024
        rows.append(
            bench.Row(
                "memory of each web worker under load (VmRSS)",
                "< 200 MB",
                f"max {peak_mb:.0f} MB sampled, peak (VmHWM) {hwm_mb:.0f} MB, "
                f"{len(rss.peak)} process(es)",
                ok(0 < hwm_mb < 200) if rss.peak else "skipped",
            )
        )
        errors = sum(r.errors for r in http.values())
        requests = sum(r.requests for r in http.values())
        rows.append(
            bench.Row(
                "HTTP errors (anything but the expected status)",
                "none",
                f"{errors} in {requests:,} requests",
                ok(errors == 0),
            )
        )
        # Figures without a target of their own.
        info = "info"
        rows += [
            bench.Row(
                "bare template view", "–", f"{rate(bare_page)}; {bench.pcts(bare_page.timed)}", info
            ),
            bench.Row(
                "tracking page", "–", f"{rate(tracking)}; {bench.pcts(tracking.timed)}", info
            ),
            bench.Row(
                "bare form journey",
                "–",
                f"{rate(bare_form)}; POST {bench.pcts(bare_form.timed)}",
                info,
            ),
            bench.Row(
                "tracking form (/tra-cuu/, no code yet)",
                "–",
                f"{rate(http['tracking_form'])} = "
                f"{http['tracking_form'].rate / bare_page.rate if bare_page.rate else 0:.0%} of bare;"
                f" {bench.pcts(http['tracking_form'].timed)}",
                info,
            ),
            bench.Row(
                "public search page (/tim-kiem/?q=), HTTP, 1 connection",
                "–",
                bench.pcts(http["search_1"].timed),
                info,
            ),
            bench.Row(
                f"public search page, {c} connections",
                "–",
                f"{rate(http['search_c'])}; {bench.pcts(http['search_c'].timed)}",
                info,
            ),
            bench.Row(
                "public search as the page runs it (ids + count ≤ 1000), in-process",
                "–",
                bench.pcts(search.public_page),
                info,
            ),
            bench.Row(
                "staff search (handler's units, 200 ids), in-process",
                "–",
                bench.pcts(search.staff_ids),
                info,
            ),
            bench.Row(
                "inbox queries (open items, as the page opens: count up to 1,000 + first 50),"
                " in-process",
                "–",
                bench.pcts(f["inbox_query"][0])
                + f"; {f['inbox_query'][1]:,} items visible (all statuses)",
                info,
            ),
            bench.Row(
                "load generator's own CPU (same machine)",
                "–",
                ", ".join(
                    f"{name} {r.client_cpu / r.elapsed:.0%}"
                    for name, r in http.items()
                    if r.elapsed
                )
                + " of one core",
                info,
            ),
        ]
        return rows

    def report(self, options: dict[str, Any], f: dict[str, Any]) -> None:
        rows = self.rows(options, f)
        env = bench.machine()
        build = f["build"]
        n = build["items"]
        engine = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
        self.stdout.write("")
        self.stdout.write(bench.render_console(rows))
        self.stdout.write("")
        samples = [
            f"{name}: {sample}" for name, r in f["http"].items() for sample in r.error_samples
        ]
        for line in samples[:10]:
            self.stdout.write(f"  error sample — {line}")
        if f["recall"].misses:
            self.stdout.write("  recall misses — " + "; ".join(f["recall"].misses))
        if options["no_docs"]:
            return
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
        built = (
            f"built by data generator {bench.GENERATOR} in {build['seconds']:.0f} s"
            f" ({build.get('phases', '')})"
        )
        if build["reused"]:
            built += " by an earlier run (--reuse)"
        lines = [
            f"### {engine}, {n:,} items",
            "",
            f"Run {when}: `langnghe bench --items {options['items']}"
            + (" --database-url …" if options["database_url"] else "")
            + (" --reuse" if options["reuse"] else "")
            + f" --duration {options['duration']:g} --connections {options['connections']}`,"
            f" {f['total_seconds'] / 60:.1f} min in all.",
            "",
            f"- machine: {env['cpus']} CPUs ({env['cpu']}), {env['memory']} RAM, {env['os']};"
            f" load average {f.get('load_before', '?')} before measuring,"
            f" {f.get('load_http', '?')} before the HTTP part, {env['load']} at the end"
            " (1, 5, 15 min)",
            f"- software: Python {env['python']}, Django {env['django']}, granian {env['granian']},"
            f" {env['database']}; code at {f.get('revision', '?')}",
            f"- server: granian as `langnghe serve` sets it up for {engine}: {f['workers']};"
            " no task worker running",
            f"- data: {n:,} items ({build['open']:,} open, {build['published']:,} published),"
            f" {build['documents']:,} search documents, database {build['db_size']}; {built}",
            "",
            bench.render_table(rows),
        ]
        if samples:
            lines += ["", "Error samples:", ""] + [f"- `{s}`" for s in samples[:10]]
        if f["recall"].misses:
            lines += ["", "Recall misses: " + "; ".join(f"`{m}`" for m in f["recall"].misses)]
        key = f"{connection.vendor}-{options['items']}"
        bench.write_performance_doc(Path(options["docs"]), key, "\n".join(lines))
        self.say(f"figures written to {options['docs']}")
