"""`manage.py bench`'s own code at tiny scale, in-process: the data builder, the search index
rebuild, the in-process measurements and every HTTP scenario (through Django's test client
instead of a server), and the report. Timings are never asserted (DESIGN.md §6)."""

from __future__ import annotations

import os
import random

import pytest
from django.core.cache import cache
from django.core.management.base import CommandError
from django.utils import timezone

from langnghe.core import bench
from langnghe.core.management.commands.bench import Command


@pytest.fixture
def bench_urls(settings, monkeypatch):
    monkeypatch.setenv("LANGNGHE_BENCH", "1")
    settings.ROOT_URLCONF = "config.bench_urls"
    cache.clear()
    yield
    cache.clear()


def test_typed_plain_drops_every_vietnamese_mark():
    assert bench.typed_plain("Đường vào Thôn 3, xã Sa Thầy: sạt lở!") == (
        "duong vao thon 3 xa sa thay sat lo"
    )
    assert bench.typed_plain("Ưu tiên hộ nghèo, Ỷ Lan") == "uu tien ho ngheo y lan"


def test_codes_are_unique_and_look_like_receipts():
    from langnghe.intake.receipts import normalise_code

    codes = {bench.synthetic_code(i, 2026) for i in range(20_000)}
    assert len(codes) == 20_000
    code = next(iter(codes))
    assert code.startswith("26-") and normalise_code(code) == code


def test_percentiles_and_table():
    values = [i / 1000 for i in range(1, 101)]
    assert bench.percentile(values, 50) == 0.050
    assert bench.percentile(values, 99) == 0.099
    assert bench.percentile([], 95) != bench.percentile([], 95)  # NaN
    rows = [bench.Row("a", "b", "c", "pass"), bench.Row("d|e", "f", "g", "FAIL")]
    table = bench.render_table(rows)
    assert "| d/e | f | g | **FAIL** |" in table
    assert "pass" in bench.render_console(rows)


def test_performance_doc_keeps_other_runs(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nMethod.\n\n## Notes\n\nKept.\n")
    bench.write_performance_doc(doc, "sqlite-20000", "### SQLite 20k\nfirst")
    bench.write_performance_doc(doc, "postgresql-20000", "### PG 20k")
    bench.write_performance_doc(doc, "sqlite-20000", "### SQLite 20k\nsecond")
    text = doc.read_text()
    assert "Method." in text and "Kept." in text
    assert "second" in text and "first" not in text and "### PG 20k" in text
    assert text.index("SQLite 20k") < text.index("PG 20k")
    assert text.count(bench.FIGURES_START) == 1


def test_server_command_is_langnghe_serve_with_the_bench_target():
    from langnghe.cli import server_command

    command = bench.bench_server_command(8123)
    assert command[:-2] == server_command("127.0.0.1", 8123)[:-1]
    assert command[-2:] == ["--factory", bench.BENCH_TARGET]


def test_http_session_talks_to_loopback_only():
    with pytest.raises(ValueError):
        bench.HttpSession("192.0.2.1", 80)
    assert isinstance(bench.descendants(os.getpid()), list)


def test_bench_urls_need_the_flag(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("LANGNGHE_BENCH", raising=False)
    monkeypatch.delitem(sys.modules, "config.bench_urls", raising=False)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("config.bench_urls")
    monkeypatch.delitem(sys.modules, "config.bench_urls", raising=False)
    with pytest.raises(RuntimeError):
        from langnghe.core.bench_views import wsgi_application

        wsgi_application()


@pytest.mark.django_db
def test_build_measure_and_report_in_process(bench_urls, tmp_path):
    from langnghe.intake.models import Item
    from langnghe.search.models import SearchDocument

    bench.ensure_tree()  # the demo's tree and accounts (and its few items)
    before = Item.objects.count()
    demo_codes = list(Item.objects.values_list("code", flat=True))
    result = bench.build_dataset(
        200, seed=3, years=2, chunk=64, defer_indexes=True, defer_fulltext=True
    )
    bench.ensure_bench_tables()
    bench.finish_load()
    assert result.items == 200 and Item.objects.count() == before + 200
    assert result.documents == 200 + result.published
    assert SearchDocument.objects.filter(kind="published").count() >= result.published
    assert (
        Item.objects.filter(is_open=True).exists() and Item.objects.filter(is_open=False).exists()
    )
    assert len(set(Item.objects.values_list("kind", flat=True))) >= 4
    assert len(set(Item.objects.values_list("received_at__year", flat=True))) >= 2
    # Times as a province has them: closed after coming in and before now, published after
    # closing, and no crowd of items sharing one instant (the newest-first walks of search
    # read every row of a tie).
    now = timezone.now()
    closed = list(
        Item.objects.filter(closed_at__isnull=False)
        .exclude(code__in=demo_codes)
        .values_list("received_at", "closed_at", "published_at")
    )
    assert closed and all(r <= c <= now for r, c, _ in closed)
    assert all(p is None or c <= p <= now for _, c, p in closed)
    published_at = [p for _, _, p in closed if p is not None]
    assert len(set(published_at)) == len(published_at)
    assert len({c for _, c, _ in closed}) == len(closed)

    # The documents are exactly what handling.services.index_item writes for those items.
    from django.forms.models import model_to_dict

    from langnghe.handling.services import index_item

    def documents(item_id):
        return sorted(
            (
                model_to_dict(d, exclude=["id"])
                for d in SearchDocument.objects.filter(object_id=item_id)
            ),
            key=lambda d: d["key"],
        )

    published = list(Item.objects.filter(is_published=True).order_by("-pk")[:10])
    unpublished = list(Item.objects.filter(is_published=False).order_by("-pk")[:20])
    assert published and unpublished
    for item in published + unpublished:
        generated = documents(item.pk)
        assert len(generated) == (2 if item.is_published else 1)
        SearchDocument.objects.filter(object_id=item.pk).delete()
        index_item(item)
        assert documents(item.pk) == generated, item.pk

    rng = random.Random(5)
    search = bench.measure_search(
        bench.search_queries(rng, 30),
        bench.search_queries(random.Random(6), 5),
        staff_paths=["00002.00001."],
    )
    assert len(search.public_ids) == len(search.staff_ids) == 30
    recall = bench.measure_recall(30, rng)
    assert recall.total >= 30
    assert recall.share >= 0.99, recall.misses  # a correctness check, not a timing
    timings, visible = bench.measure_inbox_query(bench.HANDLER_ACCOUNT, 2)
    assert len(timings) == 2 and visible > 0
    from langnghe.stats.bench import measure_dashboard

    dashboard = measure_dashboard("lanhdao", 2)
    assert len(dashboard["cold"]) == len(dashboard["warm"]) == 2
    assert dashboard["rollup_items"] > 0

    ctx = bench.scenario_context(rng, queries=20)
    assert ctx.tracking_codes and ctx.communes and ctx.topics
    http = {}
    for key, scenario in (
        ("bare_page", bench.BarePage()),
        ("tracking", bench.TrackingPage()),
        ("bare_form", bench.BareFormJourney()),
        ("submit", bench.SubmitJourney()),
        ("tracking_form", bench.TrackingForm()),
        ("search_1", bench.SearchPage()),
        ("search_c", bench.SearchPage()),
        ("inbox_1", bench.InboxPage()),
        ("open311_get", bench.Open311Requests()),
        ("open311_post", bench.Open311Post()),
        ("dashboard_1", bench.DashboardPage()),
    ):
        run = bench.run_load(
            bench.ClientSession, scenario, ctx, connections=1, duration=60, max_iterations=3
        )
        assert run.errors == 0, (scenario.name, run.error_samples)
        assert run.iterations == 3 and run.timed, scenario.name
        http[key] = run
    # the three submitted items and the three posted through Open311
    assert Item.objects.count() == before + 200 + 3 + 3
    a, b = bench.compare(
        bench.ClientSession,
        bench.BarePage(),
        bench.BareFormJourney(),
        ctx,
        connections=1,
        duration=60,
        max_iterations=4,
    )
    assert a.iterations == b.iterations == 4

    # The report, from these figures.
    class FakeRss:
        peak = {1: 150_000}
        hwm = {1: 160_000}

    figures = {
        "build": {
            "items": Item.objects.count(),
            "open": 1,
            "published": result.published,
            "documents": SearchDocument.objects.count(),
            "db_size": "1 MB",
            "reused": False,
            "seconds": result.seconds,
            "phases": "",
        },
        "search": search,
        "recall": recall,
        "inbox_query": (timings, visible),
        "dashboard": dashboard,
        "growth": [
            {"items": 100, "search": [0.001], "inbox": [0.002], "dashboard": [0.003]},
            {"items": 200, "search": [0.002], "inbox": [0.004], "dashboard": [0.006]},
        ],
        "http": http,
        "rss": FakeRss(),
        "workers": "1 worker process(es) × 5 threads",
        "total_seconds": 1.0,
    }
    options = {
        "connections": 32,
        "items": 200,
        "duration": 1.0,
        "database_url": "",
        "reuse": False,
        "no_docs": False,
        "docs": str(tmp_path / "performance.md"),
    }
    command = Command()
    rows = command.rows(options, figures)
    assert {r.verdict for r in rows} <= {
        "pass",
        "FAIL",
        "skipped",
        "info",
        "pass at this size",
        "FAIL at this size",
    }
    assert any(
        r.what.startswith("leader's dashboard") and "at this size" in r.verdict for r in rows
    )
    assert any(r.what.startswith("Open311 POST requests.json") for r in rows)
    assert any(r.what.startswith("leader's dashboard page") for r in rows)
    growth = [r.measured for r in rows if r.what.startswith("cost growth at")]
    assert growth == [
        "search p95 1.0 ms, inbox p95 2.0 ms, dashboard (cold) p95 3.0 ms",
        "search p95 2.0 ms, inbox p95 4.0 ms, dashboard (cold) p95 6.0 ms",
    ]
    command.report(options, figures)
    text = (tmp_path / "performance.md").read_text()
    assert "| what | target | measured | result |" in text and "200 items" not in text[:0]
    assert f"built by data generator {bench.GENERATOR} in " in text


def test_growth_sizes_are_below_the_full_size():
    from langnghe.core.management.commands.bench import growth_sizes

    assert growth_sizes("", 20_000) == [10_000]
    assert growth_sizes("", 1_000_000) == [10_000, 100_000]
    assert growth_sizes("none", 1_000_000) == []
    assert growth_sizes("100000,10_000,5000000", 1_000_000) == [10_000, 100_000]
    with pytest.raises(CommandError):
        growth_sizes("ten", 1_000)


@pytest.mark.django_db
def test_reuse_refuses_data_an_older_generator_built():
    """--reuse measures the data already in the benchmark database only when the same version of
    the generator built it: the same seed gives other data after a change to it."""
    bench.ensure_bench_tables()
    bench.meta_set({"items": "200", "seed": "2025", "generator": "1"})
    command = Command()
    options = {"reuse": True, "items": 200, "seed": 2025, "growth": "", "years": 2, "verbosity": 0}
    with pytest.raises(CommandError, match="version 1 of the data generator"):
        command.build(options)
    bench.meta_set({"generator": bench.GENERATOR})
    assert command.build(options)["reused"] is True
