"""The machinery of `manage.py bench` (DESIGN.md §6): a synthetic data set, load generation over
loopback HTTP, in-process timings of the search service, and the report.

Nothing here is imported by the application. The pieces are small and separate so that
tests/core/test_bench.py can run the builder and every scenario in-process at tiny scale (through
Django's test client instead of a server) and the code cannot rot between benchmark runs.

- ``build_dataset``: N items spread over years, kinds, channels, states and the units of the demo
  tree, with Vietnamese text, written with raw multi-row INSERTs (a load generator, not
  ``item_submit``), plus their search documents, exactly as ``handling.services.index_item``
  writes them.
- ``HttpSession`` / ``ClientSession``: one browser-like client (cookies, one keep-alive connection)
  over ``http.client`` to 127.0.0.1 only, or over ``django.test.Client``.
- scenarios (``SubmitJourney``, ``BareFormJourney``, ``TrackingPage``, ``TrackingForm``,
  ``BarePage``, ``SearchPage``, ``InboxPage``) and ``run_load``: a bounded thread pool, one
  connection each, bounded in time and in iterations.
- ``measure_search``, ``measure_recall``, ``measure_inbox_query``: in-process timings.
- ``BenchServer``: granian as ``langnghe serve`` configures it, with the bench URLconf.
- ``Row``, ``render_table``, ``write_performance_doc``: the report.
"""

from __future__ import annotations

import datetime as dt
import http.client
import http.cookies
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import yaml
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from langnghe.orgs.management.commands.demo import CHANNEL_WEIGHTS, KIND_WEIGHTS

BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_FILE = BASE_DIR / "langnghe" / "orgs" / "data" / "demo.yaml"
LOOPBACK = "127.0.0.1"

# The receipt secret of every generated item (the tracking scenario logs in with it).
BENCH_SECRET = "BENCH-TRACK-23456-789AB"  # noqa: S105 - synthetic data only
DEMO_PASSWORD = "langnghe-demo"  # noqa: S105 - the published demo password (DESIGN.md §5)
HANDLER_ACCOUNT = "xuly"  # the demo handler of UBND xã Sa Thầy

NOTE_TABLE = "bench_note"
META_TABLE = "bench_meta"

# Sentences that make a petition read like one; two or three are added to each template body.
EXTRA_SENTENCES = [
    "Bà con trong thôn đã nhiều lần phản ánh tại các cuộc họp thôn nhưng đến nay vẫn chưa thấy chuyển biến.",
    "Kính mong các cấp chính quyền quan tâm, sớm có biện pháp giải quyết dứt điểm.",
    "Tôi xin cam đoan những nội dung trình bày trên là đúng sự thật và chịu trách nhiệm trước pháp luật.",
    "Nếu cần thêm thông tin, cán bộ có thể liên hệ qua Ban nhân dân thôn.",
    "Tình trạng này kéo dài đã gây bức xúc trong nhân dân, ảnh hưởng đến sản xuất và sinh hoạt hằng ngày.",
    "Đề nghị cơ quan có thẩm quyền kiểm tra, xác minh và trả lời bằng văn bản cho người dân được biết.",
    "Mùa mưa năm nay lượng mưa lớn hơn mọi năm nên tình hình càng nghiêm trọng hơn.",
    "Nhiều hộ là hộ nghèo, hộ cận nghèo, đời sống còn nhiều khó khăn.",
    "Chúng tôi rất mong nhận được phản hồi sớm từ chính quyền địa phương.",
    "Trước đây thôn đã có văn bản gửi xã nhưng chưa nhận được trả lời.",
    "Người dân sẵn sàng đóng góp ngày công, vật liệu tại chỗ nếu xã có phương án cụ thể.",
    "Việc chậm trễ này làm giảm lòng tin của nhân dân đối với chính quyền cơ sở.",
    "Đề nghị công khai kết quả xử lý tại nhà văn hóa thôn để bà con cùng biết.",
    "Kèm theo đơn là ảnh chụp hiện trường do người dân cung cấp.",
    "Tôi đã trực tiếp đến bộ phận một cửa của xã hỏi nhưng chỉ được hẹn lại nhiều lần.",
    "Các cháu học sinh phải đi đường vòng xa hơn, phụ huynh rất lo lắng.",
    "Ban nhân dân thôn đã lập biên bản ghi nhận sự việc và báo cáo lên xã.",
    "Đây là nguyện vọng chính đáng của đa số hộ dân trong tổ.",
    "Tôi đề nghị xã cử cán bộ xuống tận nơi để nắm tình hình thực tế.",
    "Sự việc xảy ra vào buổi sáng, có nhiều người chứng kiến.",
    "Gia đình tôi đã chờ đợi hơn ba tháng mà chưa có kết quả.",
    "Mong rằng ý kiến này được chuyển đến đúng cơ quan có trách nhiệm giải quyết.",
]
# One sentence per item that names a person and a place: what makes its text its own.
DETAIL_PATTERNS = [
    "Việc này ảnh hưởng trực tiếp đến hộ {ong} {name} ở tổ {to}, {thon}.",
    "Ngày {ngay}, {ong} {name} cùng {k} hộ khác ở tổ {to}, {thon} đã báo với Ban nhân dân thôn "
    "nhưng chưa được giải quyết.",
    "Đề nghị liên hệ {ong} {name}, tổ {to}, {thon} để xác minh thêm.",
    "Người viết đơn: {ong} {name}, tổ {to}, {thon}, {xa}.",
]

# Typed without diacritics: an independent table (not search.text.fold) for the recall check.
_VI_PLAIN = {
    "a": "àáạảãâầấậẩẫăằắặẳẵ",
    "e": "èéẹẻẽêềếệểễ",
    "i": "ìíịỉĩ",
    "o": "òóọỏõôồốộổỗơờớợởỡ",
    "u": "ùúụủũưừứựửữ",
    "y": "ỳýỵỷỹ",
    "d": "đ",
}
_PLAIN_TABLE = str.maketrans(
    {ch: base for base, chars in _VI_PLAIN.items() for ch in chars + chars.upper()}
)
_WORD = re.compile(r"[^\W_]+")


def typed_plain(text: str) -> str:
    """How someone types ``text`` on a keyboard without Vietnamese input: no marks, lower case."""
    return " ".join(_WORD.findall(text.translate(_PLAIN_TABLE).lower()))


class BenchError(RuntimeError):
    """A request answered something the scenario did not expect."""


# =================================================================================================
# The synthetic data set
# =================================================================================================


@dataclass
class Commune:
    unit_id: int
    name: str
    weight: int
    remote: bool
    villages: int
    ubnd: Any
    party: Any
    ubkt: Any
    front: Any
    handler_id: int | None


@dataclass
class Tree:
    communes: list[Commune]
    province: Any  # UBND tỉnh
    topics: dict[str, int]


@dataclass
class BuildResult:
    items: int = 0
    events: int = 0
    documents: int = 0
    published: int = 0
    open: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    def add(self, other: BuildResult) -> None:
        """Sum another step of the same build into this one (`--growth` builds in steps)."""
        for name in ("items", "events", "documents", "published", "open", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for phase, seconds in other.phases.items():
            self.phases[phase] = self.phases.get(phase, 0.0) + seconds


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    return data


def ensure_vault_key() -> None:
    """The benchmark's own data directory starts without an identity-vault key: make one (the
    demo data and the submit journey seal identities)."""
    from langnghe.intake import vault

    create = getattr(vault, "create_key_file", None)
    path = Path(str(settings.LANGNGHE.get("VAULT_KEY_FILE", "")))
    if create is not None and str(path) and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        create(path)


def ensure_tree(verbosity: int = 0) -> Tree:
    """The demo's organisation tree, accounts and reference data (``demo --items 0``)."""
    from django.core.management import call_command

    from langnghe.intake.models import Topic
    from langnghe.orgs.models import AdminUnit, Organisation, Role, RoleGrant

    if not Organisation.objects.exists():
        ensure_vault_key()
        call_command("demo", items=0, verbosity=verbosity)
    data = demo_data()
    by_unit_name = {c["unit"]: c for c in data["communes"]}
    K, L = Organisation.Kind, Organisation.Level
    communes = []
    units = AdminUnit.objects.filter(
        scheme="post-2025", level=AdminUnit.Level.COMMUNE, valid_to__isnull=True
    ).order_by("name")
    for unit in units:
        orgs = Organisation.objects.filter(
            admin_unit=unit, accepts_items=True, valid_to__isnull=True
        )
        by_kind = {(o.kind, o.level): o for o in orgs.order_by("path")}
        ubnd = by_kind.get((K.PEOPLES_COMMITTEE, L.COMMUNE))
        party = by_kind.get((K.PARTY_COMMITTEE, L.COMMUNE))
        if ubnd is None or party is None:
            continue
        info = by_unit_name.get(unit.name, {})
        handler = (
            RoleGrant.objects.filter(organisation=ubnd, role=Role.HANDLER)
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        communes.append(
            Commune(
                unit_id=unit.pk,
                name=unit.name,
                weight=int(info.get("weight", 10)),
                remote=bool(info.get("remote", ubnd.remote_area)),
                villages=int(info.get("villages", 4)),
                ubnd=ubnd,
                party=party,
                ubkt=by_kind.get((K.INSPECTION_COMMISSION, L.COMMUNE)) or party,
                front=by_kind.get((K.FATHERLAND_FRONT, L.COMMUNE)) or ubnd,
                handler_id=handler,
            )
        )
    if not communes:
        raise RuntimeError("the demo tree has no commune with a people's committee")
    province = (
        Organisation.objects.filter(kind=K.PEOPLES_COMMITTEE, level=L.PROVINCE, accepts_items=True)
        .order_by("path")
        .first()
    ) or communes[0].ubnd
    topics = dict(Topic.objects.filter(active=True).values_list("code", "id"))
    return Tree(communes=communes, province=province, topics=topics)


class TextMaker:
    """Petition texts from the demo's typical cases, made longer and each given its own detail."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        data = demo_data()
        self.names = data["names"]
        self.by_kind: dict[str, list[dict[str, Any]]] = {}
        for template in data["templates"]:
            self.by_kind.setdefault(template["kind"], []).append(template)

    def name(self) -> tuple[str, str]:
        """A person's name and how they are addressed (ông / bà)."""
        n, rng = self.names, self.rng
        female = rng.random() < 0.45
        roll = rng.random()
        if roll < 0.75:
            middle = rng.choice(n["kinh_middle_female" if female else "kinh_middle_male"])
            given = rng.choice(n["kinh_given_female" if female else "kinh_given_male"])
            full = f"{rng.choice(n['kinh_family'])} {middle} {given}"
        elif roll < 0.9:
            full = ("Y " if female else "A ") + rng.choice(
                n["local_given_female" if female else "local_given_male"]
            )
        else:
            given = rng.choice(n["local_given_female" if female else "local_given_male"])
            full = f"{rng.choice(n['jrai_family'])} {given}"
        return full, "bà" if female else "ông"

    def item(self, kind: str, commune: Commune, received: dt.date) -> dict[str, Any]:
        rng = self.rng
        template = rng.choice(self.by_kind.get(kind) or self.by_kind["feedback"])
        village = rng.randint(1, max(1, commune.villages))
        xa = commune.name[0].lower() + commune.name[1:]  # "xã Sa Thầy"
        ngay = received - dt.timedelta(days=rng.randint(1, 20))
        values = {
            "thon": f"thôn {village}",
            "Thon": f"Thôn {village}",
            "xa": xa,
            "n": str(rng.randint(2, 9)),
            "ngay": f"{ngay:%d/%m/%Y}",
        }
        name, ong = self.name()
        values["nguoi"] = f"{ong} {name}"
        title = template["title"].format(**values)
        to = rng.randint(1, 12)
        detail = rng.choice(DETAIL_PATTERNS).format(
            ong=ong, name=name, to=to, k=rng.randint(2, 9), **values
        )
        pieces = [template["body"].format(**values)]
        pieces += rng.sample(EXTRA_SENTENCES, rng.randint(2, 3))
        pieces.insert(rng.randint(1, len(pieces)), detail)
        answer = template["answer"].format(**values)
        public_answer = template.get("public_answer", template["answer"]).format(**values)
        summary = f"{title}. Địa điểm: tổ {to}, {values['thon']}, {xa}."
        return {
            "template": template,
            "title": title,
            "pieces": pieces,
            "answer": answer,
            "public_answer": public_answer,
            "public_summary": summary,
            "location_text": f"Tổ {to}, {values['thon']}, {xa}",
            "name": name,
            "to": to,
            "village": values["thon"],
            "xa": xa,
        }


@lru_cache(maxsize=200_000)
def _folded_word(word: str) -> str:
    from langnghe.search.text import index_text

    return index_text(word)


@lru_cache(maxsize=200_000)
def _folded_piece(piece: str) -> str:
    return " ".join(f for word in piece.split() if (f := _folded_word(word)))


def folded_join(pieces: Iterable[str]) -> str:
    """``search.text.index_text`` of the pieces joined by spaces, folding each distinct sentence
    and word once.

    Folding works word by word (whitespace always separates tokens), so the folded text is the
    folded words joined by spaces; tests/core/test_bench.py checks the result against
    ``index_text`` itself. The caches are what make a million documents quick to index.
    """
    return " ".join(f for piece in pieces if (f := _folded_piece(piece)))


def _unique_micros(values: list[int], taken: set[int]) -> list[int]:
    out = []
    for value in values:
        while value in taken:
            value += 1
        taken.add(value)
        out.append(value)
    return out


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_SPACE = len(_CODE_ALPHABET) ** 6
_CODE_STEP = 387_420_489  # coprime with 31**6: i -> i * step mod 31**6 is a bijection


def synthetic_code(index: int, year: int) -> str:
    n = (index * _CODE_STEP + 12_345) % _CODE_SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, len(_CODE_ALPHABET))
        chars.append(_CODE_ALPHABET[r])
    return f"{year % 100:02d}-" + "".join(chars)


def _weighted(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


class _SQL:
    """What backends.*.install/uninstall need of a schema editor: ``execute(sql)``.

    A raw cursor rather than ``connection.schema_editor()``, which SQLite refuses inside a
    transaction (the test runs the builder inside one).
    """

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def drop_search_index() -> None:
    from langnghe.search.backends import PostgresBackend, SQLiteBackend

    if connection.vendor == "sqlite":
        SQLiteBackend.uninstall(_SQL())  # type: ignore[arg-type]
    elif connection.vendor == "postgresql":
        PostgresBackend.uninstall_published_index(_SQL())  # type: ignore[arg-type]
        PostgresBackend.uninstall(_SQL())  # type: ignore[arg-type]


def install_search_index() -> None:
    """Recreate the engine's full-text indexes over every document (what search migrations 0002
    and 0004 do)."""
    from langnghe.search.backends import PostgresBackend, SQLiteBackend

    if connection.vendor == "sqlite":
        SQLiteBackend.install(_SQL())  # type: ignore[arg-type]
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
        PostgresBackend.install(_SQL())  # type: ignore[arg-type]
        # Analysed with the rest by finish_load.
        PostgresBackend.install_published_index(_SQL(), analyze=False)  # type: ignore[arg-type]


class _DeadlineCache:
    """The running limits of an open item, from the real clock, computed once per situation."""

    def __init__(self, policy: Any) -> None:
        self.policy = policy
        self.cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def fields(
        self, workflow: Any, status: str, received: dt.date, org: Any, entered: dt.date
    ) -> dict[str, Any]:
        from types import SimpleNamespace

        from langnghe.handling import clock

        key = (workflow.code, status, received, entered, org.remote_area, org.is_party)
        cached = self.cache.get(key)
        if cached is None:
            # What the clock reads and writes of an item, without a model instance.
            probe: Any = SimpleNamespace(
                handling_org=org,
                receiving_org=org,
                complexity="normal",
                is_open=True,
                deadlines={},
                paused_on=None,
            )
            clock.enter_state(probe, workflow, workflow.initial, received, self.policy)
            if status != workflow.initial:
                clock.enter_state(probe, workflow, status, entered, self.policy)
            cached = {name: getattr(probe, name) for name in clock.DEADLINE_FIELDS}
            self.cache[key] = cached
        return {**cached, "deadlines": {k: dict(v) for k, v in cached["deadlines"].items()}}


class _Rows:
    """Raw multi-row INSERTs for one model: what ``bulk_create`` does without building a model
    instance per row (a fifth of the time at a million rows). Values are adapted for the database
    exactly as Django's fields adapt them; absent fields get the field's default."""

    def __init__(self, model: Any, *, with_pk: bool = True) -> None:
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.defaults = [f.get_default() for f in fields]
        self.adapters: list[Callable[[Any], Any] | None] = []
        sqlite = connection.vendor == "sqlite"
        for f in fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                self.adapters.append(_sqlite_datetime if sqlite else ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.adapters.append(ops.adapt_datefield_value)
            elif kind == "JSONField":
                self.adapters.append(partial(_json_value, getattr(f, "encoder", None)))
            else:
                self.adapters.append(None)
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = (
            f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        )
        self.rows: list[tuple[Any, ...]] = []

        self.adapted = [(i, adapt) for i, adapt in enumerate(self.adapters) if adapt is not None]
        self.layout = list(zip(self.attnames, self.defaults, strict=True))

    def add(self, values: dict[str, Any]) -> None:
        get = values.get
        row = [get(name, default) for name, default in self.layout]
        for i, adapt in self.adapted:
            if row[i] is not None:
                row[i] = adapt(row[i])
        self.rows.append(tuple(row))

    def take(self) -> tuple[str, list[tuple[Any, ...]]]:
        rows, self.rows = self.rows, []
        return self.sql, rows


class _Writer:
    """Writes chunks of rows, each chunk in one transaction: in a thread of its own, with its own
    database connection, so that the database's work (C code, without the GIL) overlaps with
    generating the next chunk; or inline, in the caller's connection (tests, transactions)."""

    def __init__(self, *, threaded: bool, pragmas: Sequence[str]) -> None:
        import queue

        self.threaded = threaded
        self.pragmas = pragmas
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.skip = False
        self.queue: queue.Queue[list[tuple[str, list[tuple[Any, ...]]]] | None] = queue.Queue(2)
        self.thread: threading.Thread | None = None
        if threaded:
            self.thread = threading.Thread(target=self._run, daemon=True, name="bench-writer")
            self.thread.start()

    def _write(self, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        mark = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, rows in batches:
                if rows:
                    cursor.executemany(sql, rows)
        self.seconds += time.monotonic() - mark

    def _run(self) -> None:
        try:
            with connection.cursor() as cursor:
                for pragma in self.pragmas:
                    cursor.execute(pragma)
            while True:
                batches = self.queue.get()
                if batches is None:
                    break
                if self.error is None and not self.skip:
                    try:
                        self._write(batches)
                    except BaseException as exc:  # reported by put() / close()
                        self.error = exc
        finally:
            connection.close()  # this thread's own connection

    def put(self, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self._write(batches)
        else:
            self.queue.put(batches)

    def close(self, *, abort: bool = False) -> None:
        if self.thread is not None:
            self.skip = abort
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None and not abort:
            raise self.error


def _sqlite_writer(path: str, pragmas: list[str], inbox: Any, errors: Any) -> None:
    """The writer process: its own connection to the SQLite file, one transaction a chunk."""
    import sqlite3

    try:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        for pragma in pragmas:
            db.execute(pragma)
        while True:
            batches = inbox.get()
            if batches is None:
                break
            db.execute("BEGIN IMMEDIATE")
            for sql, rows in batches:
                if rows:
                    db.executemany(sql.replace("%s", "?"), rows)
            db.execute("COMMIT")
        db.close()
    except BaseException as exc:
        errors.put(f"{type(exc).__name__}: {exc}")
        raise


class _ProcessWriter:
    """The same, in a process of its own (SQLite): binding a million rows' parameters holds the
    GIL, which a writer thread would fight the generating thread for."""

    def __init__(self, path: str, pragmas: Sequence[str]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.inbox = context.Queue(2)
        self.errors = context.Queue()
        self.seconds = 0.0
        self.process = context.Process(
            target=_sqlite_writer,
            args=(path, ["PRAGMA busy_timeout=60000", *pragmas], self.inbox, self.errors),
            daemon=True,
            name="bench-writer",
        )
        self.process.start()

    def _check(self) -> None:
        if not self.errors.empty() or not self.process.is_alive():
            message = self.errors.get() if not self.errors.empty() else "the writer stopped"
            raise RuntimeError(f"bench writer: {message}")

    def put(self, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        import queue

        while True:
            self._check()
            try:
                self.inbox.put(batches, timeout=1)
                return
            except queue.Full:
                continue

    def close(self, *, abort: bool = False) -> None:
        if abort:
            self.process.terminate()
            self.process.join(10)
            return
        self.put(None)  # type: ignore[arg-type]
        while self.process.is_alive():
            self.process.join(1)
            if not self.errors.empty():
                break
        if self.process.exitcode:
            message = self.errors.get() if not self.errors.empty() else "failed"
            raise RuntimeError(f"bench writer: {message}")


def _json_value(encoder: Any, value: Any) -> Any:
    return connection.ops.adapt_json_value(value, encoder)


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (UTC, naive, ISO with a
    space), without its per-value checks."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of ``tables`` that no constraint owns."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            where = f"type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE {where}", list(tables))  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [list(tables)],
            )
        else:
            return []
        return [(name, sql) for name, sql in cursor.fetchall()]


def _document_extras() -> Callable[[str, bool, str], dict[str, Any]]:
    """Columns of a search document that the search app derives from its filters (such as
    ``filter_terms``), computed by the search app's own function, once per combination."""
    from langnghe.search import backends
    from langnghe.search.models import SearchDocument

    derive = getattr(backends, "filter_terms", None)
    columns = {f.attname for f in SearchDocument._meta.concrete_fields}
    cache: dict[tuple[str, bool, str], dict[str, Any]] = {}

    def extras(kind: str, is_public: bool, org_path: str) -> dict[str, Any]:
        if derive is None or "filter_terms" not in columns:
            return {}
        key = (kind, is_public, org_path)
        if key not in cache:
            cache[key] = {"filter_terms": derive(kind=kind, is_public=is_public, org_path=org_path)}
        return cache[key]

    return extras


def _micros(value: dt.datetime) -> int:
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def build_dataset(
    n: int,
    *,
    seed: int = 2025,
    years: float = 5.0,
    chunk: int = 5000,
    defer_indexes: bool | None = None,
    defer_fulltext: bool | None = None,
    progress: bool = False,
    now: dt.datetime | None = None,
    out: Callable[[str], None] | None = None,
) -> BuildResult:
    """Add ``n`` synthetic items (and their timeline events and search documents).

    Items are received over the last ``years`` years, oldest first, so primary keys grow with
    time as in a real database. Old items are nearly all closed; about 60% of the answered ones
    are published. Each item has its "received" event and, once closed, its answer event, and is
    indexed exactly as ``handling.services.index_item`` indexes it (a staff document, plus a
    public one when published). For a large load (by default from 50,000 items) the tables'
    secondary indexes (``defer_indexes``) and the engine's full-text index (``defer_fulltext``)
    are dropped during the load and built once at the end.
    """
    from django.core.management.color import no_style
    from tqdm import tqdm

    from langnghe.handling.models import ItemEvent
    from langnghe.handling.policy import get_policy
    from langnghe.intake.models import Item
    from langnghe.intake.receipts import hash_secret
    from langnghe.search.models import SearchDocument

    started = time.monotonic()
    say = out or (lambda message: None)
    result = BuildResult()
    tree = ensure_tree()
    result.phases["tree"] = time.monotonic() - started
    if n <= 0:
        return result
    rng = random.Random(seed)
    texts = TextMaker(rng)
    policy = get_policy()
    deadlines = _DeadlineCache(policy)
    now = now or timezone.now()
    today = timezone.localdate(now)
    defer_indexes = n >= 50_000 if defer_indexes is None else defer_indexes
    if defer_fulltext is None:
        # FTS5 keeps up with row-by-row inserts (in the writer, beside the generating); a GIN
        # index is far cheaper built once.
        defer_fulltext = n >= 50_000 and connection.vendor == "postgresql"

    # Times: unique microseconds, oldest first (search document ids are microseconds too).
    span_us = int(years * 365.25 * 86400 * 1e6)
    end_us = _micros(now) - 3_600_000_000
    received_us = _unique_micros(
        sorted(end_us - int(rng.random() * span_us) for _ in range(n)), set()
    )
    taken = set(SearchDocument.objects.values_list("id", flat=True))
    existing_codes = set(Item.objects.values_list("code", flat=True))
    next_pk = (Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    code_offset = next_pk * 7

    weights = [c.weight for c in tree.communes]
    kinds = _weighted(rng, KIND_WEIGHTS, n)
    channels = _weighted(rng, CHANNEL_WEIGHTS, n)
    workflows = {kind: policy.workflow_for_kind(kind) for kind in KIND_WEIGHTS}
    open_states = {
        kind: [c for c, s in wf.states.items() if s.open and c != "merged"]
        for kind, wf in workflows.items()
    }
    answered_states = {
        kind: [c for c, s in wf.states.items() if not s.open and s.answered]
        for kind, wf in workflows.items()
    }
    other_states = {
        kind: [c for c, s in wf.states.items() if not s.open and not s.answered and c != "merged"]
        or answered_states[kind]
        for kind, wf in workflows.items()
    }

    items = _Rows(Item)
    events = _Rows(ItemEvent, with_pk=False)
    docs = _Rows(SearchDocument)
    doc_extras = _document_extras()

    indexes: list[tuple[str, str]] = []
    if defer_fulltext:
        drop_search_index()
    if defer_indexes:
        # Built once at the end, from the very statements that created them.
        indexes = _secondary_indexes([m._meta.db_table for m in (Item, ItemEvent, SearchDocument)])
        with connection.cursor() as cursor:
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    # A bulk load into a scratch database: no fsync per commit, a large page cache.
    pragmas = (
        ["PRAGMA synchronous=OFF", "PRAGMA cache_size=-1048576"]
        if connection.vendor == "sqlite"
        else []
    )
    writer: _Writer | _ProcessWriter
    path = str(connection.settings_dict["NAME"])
    if connection.in_atomic_block:  # (tests) in the caller's transaction
        writer = _Writer(threaded=False, pragmas=[])
    elif connection.vendor == "sqlite" and Path(path).is_file():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-1048576")  # for the index builds at the end
        writer = _ProcessWriter(path, pragmas)
    else:
        writer = _Writer(threaded=True, pragmas=pragmas)
    bar = tqdm(
        total=n, desc="items", unit="item", disable=not progress, mininterval=2.0, file=sys.stderr
    )
    try:
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            for i in range(start, stop):
                pk = next_pk + i
                received_at = _EPOCH + dt.timedelta(microseconds=received_us[i])
                received = timezone.localdate(received_at)
                kind = kinds[i]
                workflow = workflows[kind]
                commune = rng.choices(tree.communes, weights=weights)[0]
                text = texts.item(kind, commune, received)
                template = text["template"]
                party_matter = kind == "denunciation" and bool(template.get("party_matter"))
                # Who receives, who handles.
                roll = rng.random()
                receiving = commune.party if party_matter or roll < 0.08 else commune.ubnd
                if party_matter:
                    handling = commune.ubkt
                elif template.get("route_to") == "front" or roll > 0.93:
                    handling = commune.front
                elif roll > 0.88:
                    handling = tree.province
                else:
                    handling = receiving
                # Open or closed, by age: a unit's backlog is mostly recent.
                age = (now - received_at).days
                is_open = rng.random() < (0.7 if age < 30 else 0.25 if age < 120 else 0.02)
                closed_at = published_at = None
                if is_open:
                    choices = open_states[kind]
                    status = workflow.initial if rng.random() < 0.35 else rng.choice(choices)
                    entered = min(received + dt.timedelta(days=rng.randint(1, 10)), today)
                    fields = deadlines.fields(workflow, status, received, handling, entered)
                else:
                    answered = rng.random() < 0.85
                    status = rng.choice(answered_states[kind] if answered else other_states[kind])
                    fields = {
                        "due_at_close": deadlines.fields(
                            workflow, workflow.initial, received, handling, received
                        )["due_on"]
                    }
                    # Closed some days after it came, or, when that would be in the future,
                    # some time since: clamping to one instant gave thousands of recent items
                    # the same closing and publishing time, which no real province has and which
                    # made the newest-first walks read every tied row (docs/performance.md).
                    took = dt.timedelta(days=rng.randint(3, 75), hours=rng.randint(0, 8))
                    latest = now - dt.timedelta(minutes=5)
                    if received_at + took > latest:
                        took = max(latest - received_at, dt.timedelta(0)) * rng.random()
                    closed_at = received_at + took
                    if status in workflow.answered_states and rng.random() < 0.6:
                        published_at = closed_at + min(
                            dt.timedelta(days=1), (now - closed_at) * rng.random()
                        )
                code = synthetic_code(code_offset + i, received_at.year)
                while code in existing_codes:
                    code = synthetic_code(code_offset + i + n + rng.randint(1, 10**6), 2000)
                title = text["title"][:200]
                published = published_at is not None
                summary = text["public_summary"] if published else ""
                public_answer = text["public_answer"] if published else ""
                items.add(
                    {
                        "id": pk,
                        "code": code,
                        "secret_hash": hash_secret(code, BENCH_SECRET),
                        "kind": kind,
                        "channel": channels[i],
                        "topic_id": tree.topics.get(template.get("topic", "")),
                        "admin_unit_id": commune.unit_id,
                        "location_text": text["location_text"],
                        "title": title,
                        "body": " ".join(text["pieces"]),
                        "group_size": 1 if rng.random() < 0.95 else rng.randint(2, 4),
                        "anonymous": rng.random() < 0.3,
                        "party_matter": party_matter,
                        "received_at": received_at,
                        "workflow": workflow.code,
                        "status": status,
                        "is_open": is_open,
                        "receiving_org_id": receiving.pk,
                        "handling_org_id": handling.pk,
                        "handling_path": handling.path,
                        "handler_id": commune.handler_id
                        if is_open and status != workflow.initial and handling is commune.ubnd
                        else None,
                        "closed_at": closed_at,
                        "escalated_at": closed_at if closed_at and rng.random() < 0.05 else None,
                        "is_published": published,
                        "published_at": published_at,
                        "public_summary": summary,
                        "public_answer": public_answer,
                        "rating": rng.randint(1, 5) if closed_at and rng.random() < 0.2 else None,
                        **fields,
                    }
                )
                events.add(
                    {
                        "item_id": pk,
                        "at": received_at,
                        "type": ItemEvent.Type.CREATED,
                        "public": True,
                        "to_status": workflow.initial,
                        "data": {"channel": channels[i], "split_from": None},
                    }
                )
                if closed_at is not None:
                    events.add(
                        {
                            "item_id": pk,
                            "at": closed_at,
                            "type": ItemEvent.Type.ANSWER,
                            "public": True,
                            "to_status": status,
                            "body": text["answer"],
                        }
                    )
                # As handling.services.index_item indexes it: title + "\n" + the body it builds.
                docs.add(
                    {
                        "id": _unique_micros([received_us[i]], taken)[0],
                        "key": f"item:{pk}",
                        "kind": "item",
                        "object_id": pk,
                        "is_public": False,
                        "org_path": handling.path,
                        "created_at": received_at,
                        "title": title,
                        "body_folded": folded_join(
                            [title, code, title, *text["pieces"], public_answer]
                        ),
                        **doc_extras("item", False, handling.path),
                    }
                )
                if published_at is not None:
                    docs.add(
                        {
                            "id": _unique_micros([_micros(published_at)], taken)[0],
                            "key": f"pub:{pk}",
                            "kind": "published",
                            "object_id": pk,
                            "is_public": True,
                            "org_path": handling.path,
                            "created_at": published_at,
                            # Only what was written for the public (no title, no body).
                            "title": summary[:200],
                            "body_folded": folded_join(
                                [summary[:200], code, summary, public_answer]
                            ),
                            **doc_extras("published", True, handling.path),
                        }
                    )
                    result.published += 1
                result.open += int(is_open)
            result.items += len(items.rows)
            result.events += len(events.rows)
            result.documents += len(docs.rows)
            writer.put([items.take(), events.take(), docs.take()])
            bar.update(stop - start)
    except BaseException:
        writer.close(abort=True)
        raise
    finally:
        bar.close()
    mark = time.monotonic()
    writer.close()
    if writer.seconds:
        result.phases["writing"] = writer.seconds
    result.phases["waiting for the writer"] = time.monotonic() - mark
    with connection.cursor() as cursor:  # PostgreSQL: the id sequences past the ids written
        for sql in connection.ops.sequence_reset_sql(no_style(), [Item, ItemEvent]):
            cursor.execute(sql)
    result.phases["rows"] = time.monotonic() - started - result.phases["tree"]
    if indexes:
        say(f"creating {len(indexes)} indexes…")
        mark = time.monotonic()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if connection.in_atomic_block:
                    # Deferred foreign-key checks still pending in this transaction would make
                    # PostgreSQL refuse CREATE INDEX on the tables they touch: run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, sql in indexes:
                cursor.execute(sql)
        result.phases["indexes"] = time.monotonic() - mark
    if defer_fulltext:
        say("building the full-text index…")
        mark = time.monotonic()
        install_search_index()
        result.phases["fulltext"] = time.monotonic() - mark
    result.seconds = time.monotonic() - started
    return result


def finish_load() -> None:
    """After a bulk load: PostgreSQL's statistics as autovacuum would have them; SQLite's WAL
    folded back into the database file. (SQLite gets no ANALYZE: the application never runs one,
    so the benchmark does not either.)"""
    if connection.in_atomic_block:
        return  # (tests) neither can run inside a transaction
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def ensure_bench_tables() -> None:
    """The bare form's one table and the benchmark's own notes (outside Django's models)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {NOTE_TABLE} (id bigserial PRIMARY KEY, "
                "body text NOT NULL, created_at timestamptz NOT NULL)"
            )
        else:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {NOTE_TABLE} (id integer PRIMARY KEY AUTOINCREMENT, "
                "body text NOT NULL, created_at datetime NOT NULL)"
            )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(40) PRIMARY KEY, value text)"
        )


# What build_dataset writes, as a version: bumped when a change to it makes the data differ for the
# same seed, so that --reuse never measures data an older generator built (2: recent items closed
# and published at spread times).
GENERATOR = "2"


def meta_get() -> dict[str, str]:
    from django.db.utils import DatabaseError

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT key, value FROM {META_TABLE}")  # noqa: S608
            return dict(cursor.fetchall())
    except DatabaseError:
        return {}


def meta_set(values: dict[str, str]) -> None:
    ensure_bench_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        for key, value in values.items():
            cursor.execute(f"DELETE FROM {META_TABLE} WHERE key = %s", [key])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                [key, value],
            )


# =================================================================================================
# Statistics
# =================================================================================================


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``values``; NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "–"
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def pcts(values: Sequence[float]) -> str:
    return "p50 {} / p95 {} / p99 {}".format(*(ms(percentile(values, p)) for p in (50, 95, 99)))


# =================================================================================================
# Clients
# =================================================================================================


@dataclass
class Response:
    status: int
    location: str
    text: str


class Session(Protocol):
    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Response: ...

    def reset_cookies(self) -> None: ...

    def close(self) -> None: ...


class HttpSession:
    """One browser: a cookie jar and one keep-alive HTTP/1.1 connection to 127.0.0.1."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        if host not in {LOOPBACK, "localhost", "::1"}:
            raise ValueError("the benchmark only talks to the loopback interface")
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def reset_cookies(self) -> None:
        self.cookies.clear()

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Response:
        body = urlencode(data, doseq=True) if data is not None else None
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "langnghe-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed: reconnect; only a GET is retried.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt or method != "GET":
                    raise
        for line in response.headers.get_all("Set-Cookie") or []:
            jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return Response(
            response.status, response.getheader("Location", ""), payload.decode("utf-8", "replace")
        )


class ClientSession:
    """The same interface over django.test.Client, CSRF checks on (for tests, no server)."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True)

    def reset_cookies(self) -> None:
        self.client.cookies.clear()

    def close(self) -> None:
        pass

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Response:
        if method == "GET":
            response = self.client.get(path)
        else:
            response = self.client.generic(
                method,
                path,
                urlencode(data or {}, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        return Response(
            response.status_code,
            response.headers.get("Location", ""),
            response.content.decode("utf-8", "replace"),
        )


# =================================================================================================
# Scenarios
# =================================================================================================

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ERROR = re.compile(
    r'class="[^"]*(?:errorlist|error-summary|field-error)[^"]*"[^>]*>(.{0,200})', re.S
)

Steps = list[tuple[str, float]]


def _call(
    session: Session,
    steps: Steps,
    name: str,
    method: str,
    path: str,
    data: dict[str, Any] | None = None,
    expect: int = 200,
) -> Response:
    mark = time.perf_counter()
    response = session.request(method, path, data)
    steps.append((name, time.perf_counter() - mark))
    if response.status != expect:
        detail = ""
        match = _ERROR.search(response.text)
        if match:
            detail = ": " + re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()[:120]
        raise BenchError(f"{method} {path} answered {response.status}, not {expect}{detail}")
    return response


def _csrf(response: Response) -> str:
    match = _CSRF.search(response.text)
    if not match:
        raise BenchError("no CSRF token in the form")
    return match.group(1)


@dataclass
class Context:
    """What scenarios need from the data set."""

    communes: list[int]
    topics: list[int]
    tracking_codes: list[str]
    search_queries: list[str]
    service_codes: list[str] = field(default_factory=list)
    handler_username: str = HANDLER_ACCOUNT
    password: str = DEMO_PASSWORD
    secret: str = BENCH_SECRET


class Scenario:
    name = ""
    unit = "req"  # what one iteration is: "req" or "journey"
    timed_step = ""  # the step whose latency the report quotes

    def setup(self, session: Session, ctx: Context, rng: random.Random) -> Any:
        return None

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        raise NotImplementedError


class BarePage(Scenario):
    name, timed_step = "bare template view", "GET"

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        _call(session, steps, "GET", "GET", "/__bench__/trang/")
        return steps


class BareFormJourney(Scenario):
    name, unit, timed_step = "bare form journey", "journey", "POST"

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        session.reset_cookies()
        form = _call(session, steps, "GET form", "GET", "/__bench__/mau/")
        data = {"csrfmiddlewaretoken": _csrf(form), "body": "Đường liên thôn bị sạt lở."}
        done = _call(session, steps, "POST", "POST", "/__bench__/mau/", data, expect=302)
        _call(session, steps, "GET redirect", "GET", done.location or "/__bench__/da-gui/")
        return steps


class SubmitJourney(Scenario):
    """GET /gop-y/, POST a valid form (half anonymous, half with name and phone), follow the
    redirect to the receipt."""

    name, unit, timed_step = "citizen submit journey", "journey", "POST"

    def __init__(self) -> None:
        self.texts = TextMaker(random.Random(99))
        self.lock = threading.Lock()

    def payload(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        with self.lock:  # TextMaker's generator is shared between threads
            kind = _weighted(rng, KIND_WEIGHTS, 1)[0]
            text = self.texts.item(
                kind,
                Commune(0, "Xã Sa Thầy", 1, False, 5, None, None, None, None, None),
                timezone.localdate(),
            )
            name, _ong = self.texts.name()
        data: dict[str, Any] = {
            "kind": kind,
            "title": text["title"],
            "body": " ".join(text["pieces"]),
            "commune": str(rng.choice(ctx.communes)) if ctx.communes else "",
            "topic": str(rng.choice(ctx.topics)) if ctx.topics else "",
            "address": text["location_text"],
            "group_size": "1",
        }
        if rng.random() < 0.5:
            data["anonymous"] = "on"
        else:
            data.update({"name": name, "phone": f"09{rng.randint(10_000_000, 99_999_999)}"})
        return data

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        session.reset_cookies()
        form = _call(session, steps, "GET form", "GET", "/gop-y/")
        data = {"csrfmiddlewaretoken": _csrf(form), **self.payload(ctx, rng)}
        posted = _call(session, steps, "POST", "POST", "/gop-y/", data, expect=302)
        receipt = _call(session, steps, "GET receipt", "GET", posted.location)
        if "Mã tra cứu" not in receipt.text and "tra-cuu" not in receipt.text:
            raise BenchError("the receipt page shows no tracking code")
        return steps


class TrackingPage(Scenario):
    """A citizen's item page (/tra-cuu/<code>/): the session first gains access to ten receipts
    through the tracking form, then reads their pages in turn."""

    name, timed_step = "tracking page", "GET"
    per_session = 10

    def setup(self, session: Session, ctx: Context, rng: random.Random) -> Any:
        session.reset_cookies()
        codes = rng.sample(ctx.tracking_codes, min(self.per_session, len(ctx.tracking_codes)))
        steps: Steps = []
        for code in codes:
            form = _call(session, steps, "GET", "GET", "/tra-cuu/")
            data = {"csrfmiddlewaretoken": _csrf(form), "code": code, "secret": ctx.secret}
            _call(session, steps, "POST", "POST", "/tra-cuu/", data, expect=302)
        return {"codes": codes, "next": 0}

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        code = state["codes"][state["next"] % len(state["codes"])]
        state["next"] += 1
        page = _call(session, steps, "GET", "GET", f"/tra-cuu/{code}/")
        if code not in page.text:
            raise BenchError(f"/tra-cuu/{code}/ does not show the item")
        return steps


class TrackingForm(Scenario):
    """The tracking form itself (/tra-cuu/), before any code is typed."""

    name, timed_step = "tracking form", "GET"

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        _call(session, steps, "GET", "GET", "/tra-cuu/")
        return steps


class SearchPage(Scenario):
    name, timed_step = "public search page", "GET"

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        query = rng.choice(ctx.search_queries)
        _call(session, steps, "GET", "GET", "/tim-kiem/?" + urlencode({"q": query}))
        return steps


OPEN311_KEY = "langnghe-demo-key"  # the demo integration (langnghe/open311/demo.py)


class Open311Requests(Scenario):
    """GeoReport v2 `GET requests.json` as the demo integration asks it: the requests of the
    default window (the last 90 days), newest first, at most the configured maximum."""

    name, timed_step = "Open311 GET requests.json", "GET"

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        query = urlencode({"api_key": OPEN311_KEY, "status": rng.choice(["open", "closed", ""])})
        page = _call(session, steps, "GET", "GET", "/open311/v2/requests.json?" + query)
        if not page.text.startswith("["):
            raise BenchError("requests.json is not a JSON list")
        return steps


class Open311Post(Scenario):
    """GeoReport v2 `POST requests.json` with the demo integration's key: a new item of the
    spine (validation, routing, audit, index, task), answered with its code and token."""

    name, timed_step = "Open311 POST requests.json", "POST"

    def __init__(self) -> None:
        self.texts = TextMaker(random.Random(311))
        self.lock = threading.Lock()

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        with self.lock:
            text = self.texts.item(
                "feedback",
                Commune(0, "Xã Sa Thầy", 1, False, 5, None, None, None, None, None),
                timezone.localdate(),
            )
        data = {
            "api_key": OPEN311_KEY,
            "service_code": rng.choice(ctx.service_codes),
            "description": " ".join(text["pieces"])[:4000],
            "address_string": text["location_text"],
            "lat": f"{14.40 + rng.random() / 20:.5f}",
            "long": f"{107.78 + rng.random() / 20:.5f}",
        }
        page = _call(session, steps, "POST", "POST", "/open311/v2/requests.json", data, expect=201)
        if "service_request_id" not in page.text:
            raise BenchError("the POST answered no service_request_id")
        return steps


class DashboardPage(Scenario):
    """The leader's dashboard (/quan-ly/thong-ke/) as the demo's `lanhdao`, logged in once."""

    name, timed_step = "leader's dashboard", "GET"
    username = "lanhdao"

    def setup(self, session: Session, ctx: Context, rng: random.Random) -> Any:
        session.reset_cookies()
        steps: Steps = []
        form = _call(session, steps, "GET", "GET", "/quan-ly/dang-nhap/")
        data = {
            "csrfmiddlewaretoken": _csrf(form),
            "username": self.username,
            "password": ctx.password,
        }
        _call(session, steps, "POST", "POST", "/quan-ly/dang-nhap/", data, expect=302)
        return None

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        page = _call(session, steps, "GET", "GET", "/quan-ly/thong-ke/")
        if "h-units" not in page.text:
            raise BenchError("the dashboard did not render its units table")
        return steps


class InboxPage(Scenario):
    """The inbox of a handler of UBND xã Sa Thầy (the demo account), logged in once."""

    name, timed_step = "handler's inbox", "GET"

    def setup(self, session: Session, ctx: Context, rng: random.Random) -> Any:
        session.reset_cookies()
        steps: Steps = []
        form = _call(session, steps, "GET", "GET", "/quan-ly/dang-nhap/")
        data = {
            "csrfmiddlewaretoken": _csrf(form),
            "username": ctx.handler_username,
            "password": ctx.password,
        }
        _call(session, steps, "POST", "POST", "/quan-ly/dang-nhap/", data, expect=302)
        return None

    def run(self, session: Session, state: Any, ctx: Context, rng: random.Random) -> Steps:
        steps: Steps = []
        page = _call(session, steps, "GET", "GET", "/quan-ly/")
        if "dang-nhap" in page.text and "inbox" not in page.text and "y-kien" not in page.text:
            raise BenchError("the inbox asked for a login")
        return steps


# =================================================================================================
# Load generation
# =================================================================================================


@dataclass
class LoadResult:
    name: str
    connections: int
    elapsed: float = 0.0
    iterations: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=dict)
    iteration_times: list[float] = field(default_factory=list)
    client_cpu: float = 0.0  # CPU seconds the load generator's process used
    unit: str = "req"
    timed_step: str = ""

    @property
    def rate(self) -> float:
        return self.iterations / self.elapsed if self.elapsed else 0.0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.steps.values())

    @property
    def timed(self) -> list[float]:
        return self.steps.get(self.timed_step, [])

    def merge(self, other: LoadResult) -> None:
        self.elapsed += other.elapsed
        self.iterations += other.iterations
        self.errors += other.errors
        self.error_samples = (self.error_samples + other.error_samples)[:5]
        for name, values in other.steps.items():
            self.steps.setdefault(name, []).extend(values)
        self.iteration_times.extend(other.iteration_times)
        self.client_cpu += other.client_cpu


STOP = threading.Event()  # set on Ctrl-C / errors: every load loop ends at its next iteration


def run_load(
    make_session: Callable[[], Session],
    scenario: Scenario,
    ctx: Context,
    *,
    connections: int,
    duration: float,
    max_iterations: int,
    seed: int = 1,
    setup_timeout: float = 120.0,
) -> LoadResult:
    """Run ``scenario`` on ``connections`` sessions at once until ``duration`` seconds have passed
    or ``max_iterations`` iterations are done, whichever is first. Each session's setup (a login,
    access to receipts) happens before the measured window opens. One connection runs in the
    calling thread (what tests use: Django's test client is not for threads)."""
    result = LoadResult(
        scenario.name, connections, unit=scenario.unit, timed_step=scenario.timed_step
    )
    lock = threading.Lock()
    counter = [0]
    window: dict[str, float] = {"end": 0.0}

    def prepare(index: int) -> tuple[Session, Any, random.Random] | None:
        rng = random.Random(seed * 1000 + index)
        session = make_session()
        try:
            return session, scenario.setup(session, ctx, rng), rng
        except Exception as exc:  # counted and reported, never raised
            session.close()
            with lock:
                result.errors += 1
                result.error_samples.append(f"setup: {exc}"[:200])
            return None

    def loop(session: Session, state: Any, rng: random.Random) -> None:
        try:
            while not STOP.is_set() and time.perf_counter() < window["end"]:
                with lock:
                    if counter[0] >= max_iterations:
                        break
                    counter[0] += 1
                mark = time.perf_counter()
                try:
                    steps = scenario.run(session, state, ctx, rng)
                except Exception as exc:  # counted and reported, never raised
                    with lock:
                        result.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(str(exc)[:200])
                    session.close()
                    continue
                took = time.perf_counter() - mark
                with lock:
                    result.iterations += 1
                    result.iteration_times.append(took)
                    for name, seconds in steps:
                        result.steps.setdefault(name, []).append(seconds)
        finally:
            session.close()

    if connections <= 1:
        prepared = prepare(0)
        cpu = time.process_time()
        start = time.perf_counter()
        window["end"] = start + duration
        if prepared is not None:
            loop(*prepared)
    else:

        def open_window() -> None:  # run by the barrier just before it releases everyone
            window["start"] = time.perf_counter()
            window["end"] = window["start"] + duration
            window["cpu"] = time.process_time()

        ready = threading.Barrier(connections + 1, action=open_window)

        def worker(index: int) -> None:
            prepared = prepare(index)
            try:
                ready.wait(timeout=setup_timeout)
            except threading.BrokenBarrierError:
                pass
            if prepared is not None:
                loop(*prepared)

        threads = [
            threading.Thread(target=worker, args=(i,), daemon=True, name=f"bench-{i}")
            for i in range(connections)
        ]
        for thread in threads:
            thread.start()
        try:
            ready.wait(timeout=setup_timeout)
        except threading.BrokenBarrierError:
            open_window()
        for thread in threads:
            thread.join(timeout=duration + 60)
        start, cpu = window["start"], window["cpu"]
    result.elapsed = time.perf_counter() - start
    result.client_cpu = time.process_time() - cpu
    return result


def compare(
    make_session: Callable[[], Session],
    first: Scenario,
    second: Scenario,
    ctx: Context,
    *,
    connections: int,
    duration: float,
    max_iterations: int,
    rounds: int = 2,
) -> tuple[LoadResult, LoadResult]:
    """Two scenarios in alternating windows (A B A B…), each ``duration`` seconds in all, so
    that a drift of the machine over the run affects both alike."""
    a = LoadResult(first.name, connections, unit=first.unit, timed_step=first.timed_step)
    b = LoadResult(second.name, connections, unit=second.unit, timed_step=second.timed_step)
    for round_ in range(rounds):
        for total, scenario in ((a, first), (b, second)):
            if STOP.is_set():
                break
            total.merge(
                run_load(
                    make_session,
                    scenario,
                    ctx,
                    connections=connections,
                    duration=duration / rounds,
                    max_iterations=max(1, max_iterations // rounds),
                    seed=round_ + 1,
                )
            )
    return a, b


# =================================================================================================
# In-process measurements
# =================================================================================================


def search_queries(rng: random.Random, n: int) -> list[str]:
    """What people type in the public search box, without diacritics: words and short phrases of
    the petitions' titles, names, word beginnings, and a few words that match nothing."""
    data = demo_data()
    values = {
        "thon": "thôn 3",
        "Thon": "Thôn 3",
        "xa": "xã Sa Thầy",
        "n": "5",
        "ngay": "",
        "nguoi": "",
    }
    titles = [typed_plain(t["title"].format(**values)).split() for t in data["templates"]]
    names = data["names"]
    people = [
        typed_plain(x)
        for key in ("kinh_family", "kinh_given_male", "kinh_given_female")
        for x in names[key]
    ]
    queries = []
    for _ in range(n):
        roll = rng.random()
        words = rng.choice(titles)
        if roll < 0.3:
            queries.append(rng.choice([w for w in words if len(w) > 1] or words))
        elif roll < 0.75:
            size = 2 if roll < 0.6 else 3
            at = rng.randint(0, max(0, len(words) - size))
            queries.append(" ".join(words[at : at + size]))
        elif roll < 0.85:
            queries.append(rng.choice(people))
        elif roll < 0.95:
            word = rng.choice([w for w in words if len(w) > 3] or words)
            queries.append(word[: max(2, len(word) - 2)])
        else:
            queries.append(rng.choice(["qwzx", "zyxwv", "kjqq vvx", "xqz"]))
    return queries


@dataclass
class SearchTimings:
    public_ids: list[float] = field(default_factory=list)  # search_ids, public, one page
    public_page: list[float] = field(default_factory=list)  # ids + count, as /tim-kiem/ does
    staff_ids: list[float] = field(default_factory=list)  # the handler's search (inbox filter)
    hits: int = 0
    queries: int = 0


def measure_search(
    queries: list[str], warmup: list[str], *, staff_paths: list[str], budget: float = 240.0
) -> SearchTimings:
    """Time the search service itself, in this process, on warm caches (a first pass over a
    different set of queries). Stops after ``budget`` seconds."""
    from langnghe.portal.views import PAGE_SIZE, SEARCH_COUNT_CAP
    from langnghe.search.services import search_count, search_ids

    warm_until = time.monotonic() + min(60.0, budget / 4)
    for query in warmup:
        if time.monotonic() > warm_until:
            break
        search_ids(query=query, kind="published", public_only=True, limit=PAGE_SIZE + 1)
        search_ids(query=query, kind="item", public_only=False, org_paths=staff_paths, limit=200)
    result = SearchTimings()
    clock = time.perf_counter
    deadline = time.monotonic() + budget
    for query in queries:
        if time.monotonic() > deadline or STOP.is_set():
            break
        result.queries += 1
        mark = clock()
        ids = search_ids(query=query, kind="published", public_only=True, limit=PAGE_SIZE + 1)
        result.public_ids.append(clock() - mark)
        result.hits += bool(ids)
        mark = clock()
        search_ids(query=query, kind="published", public_only=True, limit=PAGE_SIZE + 1)
        search_count(query=query, kind="published", public_only=True, cap=SEARCH_COUNT_CAP)
        result.public_page.append(clock() - mark)
        mark = clock()
        search_ids(query=query, kind="item", public_only=False, org_paths=staff_paths, limit=200)
        result.staff_ids.append(clock() - mark)
    return result


@dataclass
class Recall:
    found: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    stopped: bool = False  # the time budget ran out before the whole sample was checked
    too_broad: int = 0  # queries matching more than anyone may page through: not counted

    @property
    def share(self) -> float:
        return self.found / self.total if self.total else float("nan")


def _found(query: str, object_id: int, **kwargs: Any) -> bool | None:
    """Whether the search finds ``object_id``, reading every page; None when the query matches
    more documents than the search lets anyone page through (MAX_OFFSET), so that the answer
    cannot be known."""
    from langnghe.search.services import MAX_LIMIT, MAX_OFFSET, search_ids

    offset = 0
    while offset <= MAX_OFFSET:
        ids = search_ids(query=query, limit=MAX_LIMIT, offset=offset, **kwargs)
        if object_id in ids:
            return True
        if len(ids) < MAX_LIMIT:
            return False
        offset += MAX_LIMIT
    return None


def _person_named(body: str) -> str:
    """The first "ông/bà <Name>" of a generated body (its detail sentence names someone)."""
    words = body.split()
    for i, word in enumerate(words[:-1]):
        if word in {"ông", "bà"} and words[i + 1][:1].isupper():
            name = []
            for part in words[i + 1 : i + 5]:
                name.append(part.rstrip(",.;:"))
                if not part[:1].isupper() or part[-1] in ",.;:":
                    break
            return " ".join(n for n in name if n[:1].isupper())
    return ""


def measure_recall(sample: int, rng: random.Random, *, budget: float = 240.0) -> Recall:
    """For a sample of generated items, type what identifies them without diacritics and check
    that the search finds the item, reading every result page if need be: the start of the title
    and the person named in the text (staff search, every item), and the public summary (public
    search, the published ones). Stops after ``budget`` seconds."""
    from langnghe.intake.models import Item
    from langnghe.intake.receipts import hash_secret

    recall = Recall()
    last = Item.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return recall
    picked = list({rng.randint(1, last) for _ in range(sample * 3)})
    rng.shuffle(picked)
    fields = ("pk", "code", "secret_hash", "title", "body", "is_published", "public_summary")
    found = {i.pk: i for i in Item.objects.filter(pk__in=picked).only(*fields)}
    # Generated items only: their text is known to name a person.
    items = [
        found[pk]
        for pk in picked
        if pk in found and hash_secret(found[pk].code, BENCH_SECRET) == found[pk].secret_hash
    ]
    checks = []
    for item in items[:sample]:
        # The person named and "tổ N thôn M" (both in the item's detail sentence), then as much
        # of the title as the search reads (12 words).
        person = typed_plain(_person_named(item.body)).split()
        place = typed_plain(item.location_text).split()[:4]
        title = typed_plain(item.title).split()[: max(0, 12 - len(person) - len(place))]
        query = " ".join([*title, *person, *place])
        checks.append((query, item.pk, {"kind": "item", "public_only": False}))
    for item in [i for i in items if i.is_published][: max(1, sample // 2)]:
        # The public summary: the title, then "tổ N thôn M".
        place = typed_plain(item.location_text).split()[:4]
        title = typed_plain(item.public_summary.split(".")[0]).split()[:8]
        query = " ".join([*title, *place])
        checks.append((query, item.pk, {"kind": "published", "public_only": True}))
    deadline = time.monotonic() + budget
    for query, pk, kwargs in checks:
        if time.monotonic() > deadline or STOP.is_set():
            recall.stopped = True
            break
        outcome = _found(query, pk, **kwargs)
        if outcome is None:
            recall.too_broad += 1
            continue
        recall.total += 1
        if outcome:
            recall.found += 1
        elif len(recall.misses) < 5:
            recall.misses.append(f"{kwargs['kind']} {pk}: {query!r}")
    return recall


def measure_inbox_query(username: str, repeat: int) -> tuple[list[float], int]:
    """The inbox's queries alone (count up to its cap + first page of 50), as the view runs them
    with its default filters (the open items); and how many items the handler may see, of every
    status (counted once, outside the timings)."""
    from django.contrib.auth import get_user_model

    from langnghe.backoffice.forms import InboxFilterForm
    from langnghe.handling.selectors import inbox_items_for, inbox_page

    user_model = get_user_model()
    pk = user_model.objects.get(username=username).pk
    timings = []
    for _ in range(repeat):
        mark = time.perf_counter()
        user = user_model.objects.get(pk=pk)
        filters = InboxFilterForm({}, actor=user).filters()
        page = inbox_page(actor=user, filters=filters)
        list(page.object_list)
        timings.append(time.perf_counter() - mark)
    total = inbox_items_for(actor=user_model.objects.get(pk=pk)).count()
    return timings, total


def scenario_context(rng: random.Random, *, queries: int = 200) -> Context:
    from langnghe.intake.models import Item, Topic
    from langnghe.orgs.models import AdminUnit

    communes = list(
        AdminUnit.objects.filter(
            scheme="post-2025", level=AdminUnit.Level.COMMUNE, valid_to__isnull=True
        ).values_list("pk", flat=True)
    )
    topics = list(Topic.objects.filter(active=True).values_list("pk", flat=True))
    from langnghe.intake.receipts import hash_secret

    codes: list[str] = []
    last = Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = {rng.randint(1, last) for _ in range(600)} if last else set()
    for code, digest in Item.objects.filter(pk__in=picked).values_list("code", "secret_hash"):
        if hash_secret(code, BENCH_SECRET) == digest:  # the generated items, not the demo's
            codes.append(code)
    codes = codes[:200]
    return Context(
        communes=communes,
        topics=topics,
        service_codes=list(
            Topic.objects.filter(active=True).order_by("order").values_list("code", flat=True)
        ),
        tracking_codes=codes,
        search_queries=search_queries(rng, queries),
    )


# =================================================================================================
# The server
# =================================================================================================


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _proc_status(pid: int, key: str) -> int | None:
    """A ``/proc/<pid>/status`` value in kB (VmRSS, VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


BENCH_TARGET = "langnghe.core.bench_views:wsgi_application"


def bench_server_command(port: int) -> list[str]:
    """``langnghe serve``'s granian command line (same interface, workers, threads, flags), with
    the bench application (the project's WSGI app plus the bare baselines) as its target."""
    from langnghe.cli import server_command

    command = server_command(LOOPBACK, port)
    if command[-1] != "config.wsgi:application":
        raise RuntimeError(f"unexpected server command: {command}")
    return [*command[:-1], "--factory", BENCH_TARGET]


class BenchServer:
    """The production web server on a free loopback port, for the duration of the benchmark."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        from langnghe.cli import PROCESS_ENV_DEFAULTS

        # `langnghe serve`'s environment defaults, then the bench's own switches.
        self.env = {
            **PROCESS_ENV_DEFAULTS,
            **env,
            "LANGNGHE_BENCH": "1",
            "LANGNGHE_SSL_REDIRECT": "0",
        }
        path = self.env.get("PYTHONPATH")
        self.env["PYTHONPATH"] = f"{BASE_DIR}{os.pathsep}{path}" if path else str(BASE_DIR)
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.command: list[str] = []

    def start(self, timeout: float = 90.0) -> None:
        self.port = free_port()
        self.command = bench_server_command(self.port)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our own process group: stopped as one, never by name
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped at start; see {self.log_path}")
            try:
                session = HttpSession(LOOPBACK, self.port, timeout=5)
                status = session.request("GET", "/healthz").status
                session.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        """Granian's worker processes: the ones that run Django (children of the supervisor)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        return descendants(self.proc.pid)

    def stop(self, timeout: float = 20.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(10)


class RssSampler:
    """Samples VmRSS of the server's worker processes while the load runs."""

    def __init__(self, server: BenchServer, interval: float = 0.25) -> None:
        self.server = server
        self.interval = interval
        self.peak: dict[int, int] = {}  # pid -> kB
        self.hwm: dict[int, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="bench-rss")

    def __enter__(self) -> RssSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sample()
        for pid in self.peak:
            hwm = _proc_status(pid, "VmHWM")
            if hwm:
                self.hwm[pid] = hwm
        self.done.set()
        self.thread.join(timeout=5)

    def sample(self) -> None:
        for pid in self.server.worker_pids():
            rss = _proc_status(pid, "VmRSS")
            if rss:
                self.peak[pid] = max(rss, self.peak.get(pid, 0))

    def _run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()


# =================================================================================================
# The report
# =================================================================================================


@dataclass
class Row:
    what: str
    target: str
    measured: str
    verdict: str  # pass / FAIL / skipped / info


def verdict(ok: bool | None) -> str:
    return "skipped" if ok is None else "pass" if ok else "FAIL"


def render_table(rows: Sequence[Row]) -> str:
    header = ("what", "target", "measured", "result")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for row in rows:
        result = f"**{row.verdict}**" if row.verdict == "FAIL" else row.verdict
        cells = (row.what, row.target, row.measured, result)
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def render_console(rows: Sequence[Row]) -> str:
    widths = [
        max(len(getattr(r, f)) for r in rows) if rows else 0
        for f in ("what", "target", "measured", "verdict")
    ]
    widths = [
        max(w, len(h))
        for w, h in zip(widths, ("what", "target", "measured", "result"), strict=True)
    ]
    out = []
    for cells in [("what", "target", "measured", "result")] + [
        (r.what, r.target, r.measured, r.verdict) for r in rows
    ]:
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def database_version() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return connection.vendor


def machine() -> dict[str, str]:
    import django

    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        granian = version("granian")
    except Exception:
        granian = "?"
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    return {
        "load": load,
        "cpus": str(os.cpu_count() or "?"),
        "cpu": cpu or "?",
        "memory": memory or "?",
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": granian,
        "database": database_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def code_revision() -> str:
    """The git commit of the code measured, and whether files other than this report differ."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    changed = [line for line in status if not line.endswith("docs/performance.md")]
    return f"{head}" + (f" with {len(changed)} changed file(s) not committed" if changed else "")


FIGURES_START = "<!-- bench:figures:start -->"
FIGURES_END = "<!-- bench:figures:end -->"


def write_performance_doc(path: Path, key: str, block: str) -> None:
    """Put ``block`` into the figures section of ``path`` under ``key`` (one block per database
    and size), replacing that key's previous figures and keeping the other keys'."""
    begin, end = f"<!-- bench:run {key} -->", f"<!-- /bench:run {key} -->"
    entry = f"{begin}\n{block.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if FIGURES_START not in text or FIGURES_END not in text:
        text = text.rstrip() + f"\n\n## Figures\n\n{FIGURES_START}\n{FIGURES_END}\n"
    head, rest = text.split(FIGURES_START, 1)
    section, tail = rest.split(FIGURES_END, 1)
    pattern = re.compile(r"<!-- bench:run (\S+) -->.*?<!-- /bench:run \1 -->", re.S)
    blocks = {m.group(1): m.group(0) for m in pattern.finditer(section)}
    blocks[key] = entry
    ordered = "\n\n".join(blocks[k] for k in sorted(blocks, key=_run_order))
    path.write_text(f"{head}{FIGURES_START}\n{ordered}\n{FIGURES_END}{tail}", encoding="utf-8")


def _run_order(key: str) -> tuple[int, str, int]:
    engine, _, size = key.partition("-")
    return (0 if engine == "sqlite" else 1, engine, int(size) if size.isdigit() else 0)
