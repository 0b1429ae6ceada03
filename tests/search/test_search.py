"""The search index, through its public services, on whichever database the run uses."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection

from langnghe.search import backends, services
from langnghe.search.backends import Filters, PostgresBackend, ScanBackend, SQLiteBackend
from langnghe.search.models import SearchDocument
from langnghe.search.services import (
    search_count,
    search_document_delete,
    search_document_upsert,
    search_ids,
)
from langnghe.search.text import fold, index_text, tokens

BASE = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
_ids = itertools.count(1)


def index(
    body: str,
    *,
    title: str = "",
    public: bool = True,
    org_path: str = "00001.",
    minutes: int = 0,
    kind: str = "item",
    object_id: int | None = None,
) -> int:
    object_id = object_id if object_id is not None else next(_ids)
    search_document_upsert(
        key=f"{kind}:{object_id}",
        kind=kind,
        object_id=object_id,
        title=title,
        body=body,
        is_public=public,
        org_path=org_path,
        created_at=BASE + dt.timedelta(minutes=minutes),
    )
    return object_id


def find(query: str, **kwargs) -> list[int]:
    kwargs.setdefault("public_only", True)
    return search_ids(query=query, **kwargs)


# ---- folding --------------------------------------------------------------------------------


def test_fold_strips_vietnamese_diacritics_and_d_stroke():
    assert fold("Đảng ủy xã Sa Thầy") == "dang uy xa sa thay"


def test_fold_lowercases_and_collapses_whitespace():
    assert fold("  ĐƯỜNG\t\n  Giao   THÔNG ") == "duong giao thong"


def test_fold_treats_decomposed_input_like_precomposed():
    decomposed = "Ngu\u031bo\u031b\u0300i da\u0302n"  # "Người dân" typed as base letters + marks
    assert fold(decomposed) == fold("Người dân") == "nguoi dan"


def test_tokens_drop_punctuation_and_query_syntax():
    assert tokens('"Đường" (NEAR) a*b -c_d đ\x00e') == [
        "duong",
        "near",
        "a",
        "b",
        "c",
        "d",
        "d",
        "e",
    ]


def test_index_text_joins_title_and_body_words():
    assert index_text("Cầu  Kon-Tum, 2024!") == "cau kon tum 2024"


# ---- matching -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_query_without_diacritics_finds_text_with_them():
    hit = index("Ý kiến về Đảng ủy xã")
    index("Ý kiến về ủy ban nhân dân")
    assert find("dang uy") == [hit]


@pytest.mark.django_db
def test_query_with_diacritics_finds_text_with_them():
    hit = index("Ý kiến về Đảng ủy xã")
    assert find("Đảng ủy") == [hit]
    assert find("ĐẢNG ỦY") == [hit]


@pytest.mark.django_db
def test_d_stroke_is_searched_as_d():
    hit = index("Đường liên thôn bị sạt lở")
    assert find("duong") == [hit]


@pytest.mark.django_db
def test_each_word_is_a_prefix():
    hit = index("Trường học ở Sa Thầy")
    index("Trường học ở Sa Pa")
    assert find("sa th") == [hit]
    assert find("tr h sa thay") == [hit]


@pytest.mark.django_db
def test_words_are_anded_and_match_at_word_starts_only():
    both = index("nước thải chăn nuôi")
    index("nước sạch")
    assert find("nuoc thai") == [both]
    assert find("hai") == []  # "thải" contains "hai" but no word starts with it


@pytest.mark.django_db
def test_title_is_searched_too():
    hit = index("nội dung", title="Khiếu nại về đất đai")
    assert find("dat dai") == [hit]


@pytest.mark.django_db
def test_empty_or_wordless_query_finds_nothing():
    index("đường")
    assert find("") == []
    assert find("   ") == []
    assert find('*-()"') == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"duong',
        'duong"',
        "*",
        "duong*",
        "-duong",
        "NOT duong",
        "duong OR",
        "AND",
        "NEAR(duong dan)",
        "NEAR",
        "(duong",
        "duong)",
        "a:b",
        "body_folded:duong",
        "^duong",
        "\x00",
        "duong\x00dan",
        "'; DROP TABLE search_searchdocument; --",
        "%_%",
        "\\",
        "{}[]",
        "duong & dan | !x",
        "x:* <-> y",
        "ａｂｃ",
        "🙂",
        "a" * 5000,
    ],
)
def test_query_syntax_in_input_never_raises(query):
    index("đường dân sinh")
    result = find(query)
    assert isinstance(result, list)
    assert isinstance(search_count(query=query, public_only=True), int)


@pytest.mark.django_db
def test_syntax_characters_are_separators():
    hit = index("đường dân sinh")
    assert find('"duong" -dan* (sinh)') == [hit]


# ---- filters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_only_excludes_documents_not_public():
    public = index("cầu treo", public=True)
    private = index("cầu treo", public=False, minutes=1)
    assert find("cau treo", public_only=True) == [public]
    assert find("cau treo", public_only=False) == [private, public]


@pytest.mark.django_db
def test_org_paths_restrict_to_subtrees():
    commune_a = index("chợ", org_path="00001.00002.", minutes=1)
    unit_in_a = index("chợ", org_path="00001.00002.00003.", minutes=2)
    commune_b = index("chợ", org_path="00001.00004.", minutes=3)
    similar_prefix = index("chợ", org_path="00001.000020.", minutes=4)  # not under 00001.00002.
    province = index("chợ", org_path="00001.", minutes=5)

    assert find("cho", public_only=False, org_paths=["00001.00002."]) == [unit_in_a, commune_a]
    assert find("cho", public_only=False, org_paths=["00001.00002.00003."]) == [unit_in_a]
    assert find("cho", public_only=False, org_paths=["00001.00004.", "00001.00002.00003."]) == [
        commune_b,
        unit_in_a,
    ]
    assert find("cho", public_only=False, org_paths=["00001."]) == [
        province,
        similar_prefix,
        commune_b,
        unit_in_a,
        commune_a,
    ]
    assert find("cho", public_only=False, org_paths=["00001.", "00001.00002."]) == find(
        "cho", public_only=False, org_paths=["00001."]
    )
    assert find("cho", public_only=False, org_paths=None) == find(
        "cho", public_only=False, org_paths=["00001."]
    )


@pytest.mark.django_db
def test_org_paths_that_stop_inside_a_component_still_mean_starts_with():
    a = index("chợ", org_path="00001.00021.", minutes=1)
    b = index("chợ", org_path="00001.00022.00001.", minutes=2)
    index("chợ", org_path="00001.00031.", minutes=3)
    odd = index("chợ", org_path="00001.0002X-Y.", minutes=4)  # not a well-formed path
    assert find("cho", org_paths=["00001.0002"]) == [odd, b, a]
    assert find("cho", org_paths=["00001.00022"]) == [b]
    assert find("cho", org_paths=["00001."]) == [
        odd,
        find("cho", org_paths=["00001.00031."])[0],
        b,
        a,
    ]


@pytest.mark.django_db
def test_empty_org_paths_see_nothing():
    index("chợ", org_path="00001.")
    assert find("cho", public_only=False, org_paths=[]) == []
    assert find("cho", public_only=False, org_paths=[""]) == []


@pytest.mark.django_db
def test_kind_keeps_documents_of_that_kind():
    item = index("lịch tiếp dân", kind="item")
    disclosure = index("lịch tiếp dân", kind="disclosure", minutes=1)
    assert find("lich") == [item]
    assert find("lich", kind="disclosure") == [disclosure]


@pytest.mark.django_db
def test_public_and_org_filters_combine():
    index("rác", public=False, org_path="00001.00002.")
    hit = index("rác", public=True, org_path="00001.00002.", minutes=1)
    index("rác", public=True, org_path="00001.00003.", minutes=2)
    assert find("rac", public_only=True, org_paths=["00001.00002."]) == [hit]


# ---- order and paging -----------------------------------------------------------------------


@pytest.mark.django_db
def test_newest_first_whatever_the_indexing_order():
    # Indexed out of order (a backfill): the order still follows created_at.
    middle = index("điện chiếu sáng", minutes=10)
    oldest = index("điện chiếu sáng", minutes=-500)
    newest = index("điện chiếu sáng", minutes=600)
    assert find("dien") == [newest, middle, oldest]


@pytest.mark.django_db
def test_same_timestamp_documents_all_indexed():
    ids = [index("trùng giờ", minutes=0) for _ in range(5)]
    assert sorted(find("trung gio")) == sorted(ids)


@pytest.mark.django_db
def test_limit_and_offset_page_through_results():
    ids = [index("kênh mương", minutes=i) for i in range(7)]
    newest_first = ids[::-1]
    assert find("kenh", limit=3) == newest_first[:3]
    assert find("kenh", limit=3, offset=3) == newest_first[3:6]
    assert find("kenh", limit=3, offset=6) == newest_first[6:]
    assert find("kenh", limit=0) == []
    assert find("kenh", limit=3, offset=-5) == newest_first[:3]
    assert search_count(query="kenh", public_only=True) == 7
    assert search_count(query="kenh", public_only=True, cap=4) == 4


# ---- upsert and delete ----------------------------------------------------------------------


@pytest.mark.django_db
def test_upsert_replaces_the_indexed_text():
    object_id = index("đường hỏng")
    index("cầu gãy", object_id=object_id)
    assert find("duong") == []
    assert find("cau gay") == [object_id]
    assert SearchDocument.objects.filter(key=f"item:{object_id}").count() == 1


@pytest.mark.django_db
def test_upsert_updates_flags_without_touching_text():
    object_id = index("ô nhiễm", public=False, org_path="00001.00002.")
    index("ô nhiễm", public=True, org_path="00001.00003.", object_id=object_id)
    assert find("o nhiem") == [object_id]
    assert find("o nhiem", public_only=False, org_paths=["00001.00002."]) == []
    assert find("o nhiem", public_only=False, org_paths=["00001.00003."]) == [object_id]


@pytest.mark.django_db
def test_upsert_with_a_new_date_moves_the_document_in_the_order():
    first = index("hạn hán", minutes=1)
    second = index("hạn hán", minutes=2)
    index("hạn hán", minutes=3, object_id=first)
    assert find("han") == [first, second]
    assert SearchDocument.objects.count() == 2


@pytest.mark.django_db
def test_delete_removes_the_document():
    gone = index("tiếng ồn")
    kept = index("tiếng ồn karaoke", minutes=1)
    search_document_delete(key=f"item:{gone}")
    assert find("tieng on") == [kept]
    search_document_delete(key=f"item:{gone}")  # deleting twice is harmless
    search_document_delete(key="item:999999")


@pytest.mark.django_db
def test_naive_created_at_is_taken_in_the_current_time_zone():
    search_document_upsert(
        key="item:1",
        kind="item",
        object_id=1,
        title="",
        body="giờ địa phương",
        is_public=True,
        org_path="00001.",
        created_at=dt.datetime(2025, 3, 1, 15, 0),
    )
    doc = SearchDocument.objects.get(key="item:1")
    assert doc.created_at == dt.datetime(
        2025, 3, 1, 8, 0, tzinfo=dt.UTC
    )  # Asia/Ho_Chi_Minh is UTC+7


# ---- narrow subtrees ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("narrow_limit", [0, 10])
def test_small_subtree_under_a_common_word(monkeypatch, narrow_limit):
    # Many newer matches outside the subtree: read either through the index or (narrow_limit
    # 10) directly from the subtree; the answer must be the same.
    monkeypatch.setattr(SQLiteBackend, "FIRST_BATCH", 4)
    monkeypatch.setattr(SQLiteBackend, "MAX_BATCH", 4)
    monkeypatch.setattr(SQLiteBackend, "NARROW_FILTER", narrow_limit)
    monkeypatch.setattr(PostgresBackend, "RECENT", 4)
    monkeypatch.setattr(PostgresBackend, "NARROW_FILTER", narrow_limit)
    inside = [index("người dân phản ánh", org_path="00001.00009.", minutes=i) for i in range(3)]
    index("người dân khác", org_path="00001.00009.", minutes=5)
    index("người dân phản ánh", org_path="00001.00009.", minutes=6, public=False)
    index("người dân phản ánh", org_path="00001.00009.", minutes=7, kind="disclosure")
    for i in range(30):
        index("người dân phản ánh", org_path="00001.00002.", minutes=100 + i)
    subtree = ["00001.00009."]
    assert find("nguoi phan", org_paths=subtree) == inside[::-1]
    assert find("nguoi phan", org_paths=subtree, limit=2, offset=1) == inside[::-1][1:]
    assert len(find("nguoi phan", public_only=False, org_paths=subtree)) == 4
    assert len(find("nguoi phan", org_paths=["00001."], limit=40)) == 33


@pytest.mark.django_db
def test_id_order_follows_created_at():
    ids = [index("x", minutes=m) for m in (5, -3, 0, 2)]
    docs = list(SearchDocument.objects.order_by("-id").values_list("object_id", flat=True))
    assert docs == [ids[0], ids[3], ids[2], ids[1]]
    assert services.MAX_LIMIT >= 20


def test_index_text_keeps_a_bounded_whole_number_of_words():
    from langnghe.search.text import MAX_INDEXED_CHARS

    text = index_text("đường " * 100_000)
    assert len(text) <= MAX_INDEXED_CHARS
    assert set(text.split(" ")) == {"duong"}


@pytest.mark.django_db
def test_huge_body_is_indexed():
    hit = index("khởi đầu " + "chữ " * 300_000 + "kết thúc")
    assert find("khoi dau") == [hit]


@pytest.mark.django_db
def test_clashing_timestamps_take_the_next_free_ids():
    first = [index("trùng", minutes=0) for _ in range(3)]
    later = index("trùng", minutes=1)
    more = [index("trùng", minutes=0) for _ in range(2)]
    found = find("trung")
    assert found[0] == later
    assert sorted(found[1:]) == sorted(first + more)
    stamp = SearchDocument.objects.get(key=f"item:{first[0]}").id
    assert sorted(SearchDocument.objects.filter(created_at=BASE).values_list("id", flat=True)) == [
        stamp + i for i in range(5)
    ]


# ---- every strategy gives the straightforward answer ----------------------------------------

_VOCABULARY = [
    "Đảng ủy",
    "người dân",
    "đường",
    "thôn",
    "thông",
    "thanh",
    "nghiêng",
    "nghiệp",
    "Sa Thầy",
    "trường học",
    "xã",
    "bảo hiểm y tế",
    "kênh",
    "ô nhiễm",
    "thanhphố",
    "cán bộ",
]


@pytest.fixture(
    params=[(32, 3, 60, True), (1, 0, 0, False)],
    ids=["merged-paths,rare-words-counted,longer-walks", "date-walk,no-statistics,no-longer-walk"],
)
def tiny_budgets(monkeypatch, request):
    """Budgets small enough that a few dozen documents exercise every fallback."""
    merged_paths, few_published, max_walk, statistics = request.param
    monkeypatch.setattr(PostgresBackend, "MAX_MERGED_PATHS", merged_paths)
    monkeypatch.setattr(PostgresBackend, "FEW_PUBLISHED", few_published)
    monkeypatch.setattr(PostgresBackend, "MAX_WALK", max_walk)
    monkeypatch.setattr(backends, "_document_count", lambda conn: 1000.0)
    # With statistics that know one common lexeme, every query word is counted as a rare one
    # first; without any, none is.
    common = frozenset({"zzzzzz"} if statistics else ())
    monkeypatch.setattr(backends, "_common_published_lexemes", lambda age: common)
    monkeypatch.setattr(SQLiteBackend, "FIRST_BATCH", 3)
    monkeypatch.setattr(SQLiteBackend, "MAX_BATCH", 5)
    monkeypatch.setattr(SQLiteBackend, "NARROW_FILTER", 12)
    monkeypatch.setattr(PostgresBackend, "RECENT", 5)
    monkeypatch.setattr(PostgresBackend, "RECENT_COUNT", 7)
    monkeypatch.setattr(PostgresBackend, "NARROW_FILTER", 12)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["item", "published"])
def test_results_equal_a_plain_scan_whatever_the_strategy(tiny_budgets, kind):
    import random

    rng = random.Random(7)
    paths = ["00001.00002.", "00001.00002.00007.", "00001.00003.", "00001.00004."]
    docs = []
    for i in range(80):
        text = " ".join(rng.sample(_VOCABULARY, rng.randint(1, 4)))
        public = rng.random() < 0.5
        path = rng.choice(paths)
        object_id = index(
            text, public=public, org_path=path, minutes=rng.randint(0, 10_000), kind=kind
        )
        docs.append((object_id, index_text(text).split(), public, path, i))
    created = {doc.object_id: (doc.created_at, doc.id) for doc in SearchDocument.objects.all()}

    def expected(query, public_only, org_paths, limit, offset):
        words = tokens(query)
        hits = [
            object_id
            for object_id, text_words, public, path, _ in docs
            if all(any(w.startswith(tok) for w in text_words) for tok in words)
            and (public or not public_only)
            and (org_paths is None or any(path.startswith(p) for p in org_paths))
        ]
        hits.sort(key=lambda oid: created[oid], reverse=True)
        return hits[offset : offset + limit]

    queries = [
        "th",
        "thanh",
        "thanhpho",
        "nghieng",
        "ngh",
        "d",
        "dang uy",
        "sa th",
        "bao y",
        "truong hoc xa",
        "o nhiem kenh",
        "zzz",
        "can bo thon",
        "n",
        "nghiep can",
    ]
    filters = [
        (True, None),
        (False, None),
        (False, ["00001.00002."]),
        (True, ["00001.00002.00007."]),
        (False, ["00001.00003.", "00001.00004."]),
        (True, ["00001.0000"]),  # not a whole path: plain startswith
        (False, ["00001.00002.0", "00001.00004."]),
    ]
    for query in queries:
        for public_only, org_paths in filters:
            for limit, offset in [(20, 0), (3, 0), (4, 5)]:
                want = expected(query, public_only, org_paths, limit, offset)
                plain = ScanBackend().search(
                    connection,
                    tokens=tokens(query),
                    filters=Filters(
                        kind=kind,
                        public_only=public_only,
                        org_paths=None if org_paths is None else tuple(org_paths),
                    ),
                    limit=limit,
                    offset=offset,
                )
                assert plain == want
                assert (
                    search_ids(
                        query=query,
                        kind=kind,
                        public_only=public_only,
                        org_paths=org_paths,
                        limit=limit,
                        offset=offset,
                    )
                    == want
                ), (
                    query,
                    public_only,
                    org_paths,
                    limit,
                    offset,
                )
            # The count, up to a cap, by whichever path (the newest documents, then GIN).
            everything = expected(query, public_only, org_paths, 1000, 0)
            for cap in (2, 6, 1000):
                assert search_count(
                    query=query, kind=kind, public_only=public_only, org_paths=org_paths, cap=cap
                ) == min(len(everything), cap), (query, public_only, org_paths, cap)


@pytest.mark.django_db
def test_search_inside_a_transaction_leaves_its_settings_alone(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(PostgresBackend, "RECENT", 1)  # force the GIN phase on PostgreSQL
    older = index("hiếm gặp", minutes=0)
    for i in range(3):
        index("thường gặp", minutes=10 + i)
    with transaction.atomic():
        assert find("hiem") == [older]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_seqscan')")
                assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db(transaction=True)
def test_search_in_autocommit_mode(monkeypatch):
    monkeypatch.setattr(PostgresBackend, "RECENT", 1)  # force the GIN phase on PostgreSQL
    older = index("hiếm gặp", minutes=0)
    for i in range(3):
        index("thường gặp", minutes=10 + i)
    assert find("hiem") == [older]
    assert len(find("gap")) == 4
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
def test_postgresql_knows_that_public_documents_are_the_published_ones():
    """Search migration 0003: without extended statistics on (kind, is_public) PostgreSQL
    multiplied the two filters' selectivities, guessed a fraction of the public documents, and
    read and sorted all of them instead of walking the date index (docs/performance.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    rows = [
        SearchDocument(
            key=f"{kind}:{n}",
            object_id=n,
            kind=kind,
            is_public=kind == "published",
            org_path="00001.",
            created_at=BASE + dt.timedelta(minutes=n),
            title="",
            body_folded="duong thon",
        )
        for n in range(3000)
        for kind in ["published" if n % 5 < 2 else "item"]
    ]
    SearchDocument.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkeys::text FROM pg_statistic_ext WHERE stxname = %s",
            [PostgresBackend.STATISTICS],
        )
        assert cursor.fetchone() is not None
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT id FROM search_searchdocument "
            "WHERE kind = 'published' AND is_public"
        )
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else __import__("json").loads(plan)[0]
    # 1,200 public documents, all of them published; independence would guess 480.
    assert plan["Plan"]["Plan Rows"] >= 1000


# ---- PostgreSQL: the published documents' own index -----------------------------------------

_PROBE = "SELECT count(*) FROM (SELECT 1 FROM search_searchdocument WHERE search_prefix_lexemes"
_WALK = "AS recent"
_GIN = "WITH matches AS MATERIALIZED"
PUBLISHED = PostgresBackend.PUBLISHED


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's GIN indexes and statistics")
    backends._common_lexemes.clear()
    backends._document_counts.clear()
    yield
    backends._common_lexemes.clear()
    backends._document_counts.clear()


def published(body: str, **kwargs) -> int:
    return index(body, kind=PUBLISHED, **kwargs)


def _steps(query: str, **kwargs) -> tuple[list[int], set[str]]:
    from django.test.utils import CaptureQueriesContext

    kwargs.setdefault("kind", PUBLISHED)
    with CaptureQueriesContext(connection) as ctx:
        found = find(query, **kwargs)
    sqls = [q["sql"] for q in ctx.captured_queries]
    steps = {
        name
        for name, mark in (("probe", _PROBE), ("walk", _WALK), ("gin", _GIN))
        if any(mark in sql for sql in sqls)
    }
    return found, steps


@pytest.mark.django_db
def test_public_search_asks_the_published_index_before_walking_the_newest(
    postgres_only, monkeypatch
):
    monkeypatch.setattr(PostgresBackend, "FEW_PUBLISHED", 3)
    common = {"nguoi", "dan", "phan", "anh", "duong"}
    monkeypatch.setattr(backends, "_common_published_lexemes", lambda age: frozenset(common))
    newest = [published("người dân phản ánh", minutes=100 + i) for i in range(6)]
    rare = [published("đường hiếm", minutes=i) for i in range(2)]
    index("đường hiếm", public=False, minutes=50)
    private = index("ông Lê Văn Hùng", public=False, minutes=60)

    # A rare word held by few published documents: straight to GIN, no walk of the newest.
    assert _steps("hiem") == (rare[::-1], {"probe", "gin"})
    # A word no published document holds, even if private ones do: nothing read but the count.
    assert _steps("qwzx") == ([], {"probe"})
    assert _steps("le hung") == ([], {"probe"})
    assert find("le hung", public_only=False) == [private]
    # Common words only: no question asked, the newest are walked as before.
    assert _steps("nguoi dan", limit=3) == (newest[::-1][:3], {"walk"})
    assert _steps("duong") == (rare[::-1], {"walk", "gin"})
    # A rare word held by more published documents than FEW_PUBLISHED: the walk after all.
    common.discard("phan")
    assert _steps("phan", limit=3) == (newest[::-1][:3], {"probe", "walk"})
    # The count takes the same shortcut.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert search_count(query="qwzx", kind=PUBLISHED, public_only=True) == 0
    reads = [q["sql"] for q in ctx.captured_queries if "search_searchdocument" in q["sql"]]
    assert len(reads) == 1 and _PROBE in reads[0]
    with CaptureQueriesContext(connection) as ctx:
        assert search_count(query="hiem", kind=PUBLISHED, public_only=True) == 2
    assert not [q for q in ctx.captured_queries if _WALK in q["sql"]]
    # Without statistics nothing is known to be rare: no question asked.
    monkeypatch.setattr(backends, "_common_published_lexemes", lambda age: frozenset())
    assert _steps("hiem") == (rare[::-1], {"walk", "gin"})
    # Other kinds never ask.
    assert _steps("hiem", kind="item", public_only=False)[1] == {"walk", "gin"}


@pytest.mark.django_db
def test_the_common_lexemes_are_those_of_the_published_documents(postgres_only):
    for i in range(150):
        published("đường thôn", minutes=i)
        index("bí mật riêng", public=False, minutes=i)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    common = backends._common_published_lexemes(0)
    assert {"d", "du", "duong", "thon"} <= common
    assert not {"bi", "mat", "rieng"} & common


@pytest.mark.django_db
def test_public_search_reads_the_published_gin_index(postgres_only, monkeypatch):
    """Search migration 0004: phase 2 of a public search goes through the published documents'
    own GIN index, never the one over every document nor the public flag's index."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(PostgresBackend, "FEW_PUBLISHED", 0)
    for i in range(40):
        published("đường thôn", minutes=i) if i % 2 else index("đường thôn", public=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            [PostgresBackend.PUBLISHED_INDEX],
        )
        assert f"WHERE ((kind)::text = '{PUBLISHED}'::text)" in cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as ctx:
        assert len(find("thon", kind=PUBLISHED, limit=30)) == 20
    (gin,) = [q["sql"] for q in ctx.captured_queries if _GIN in q["sql"]]
    with backends._through_gin(connection) as cursor:
        cursor.execute("EXPLAIN " + gin)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {PostgresBackend.PUBLISHED_INDEX} " in plan, plan
    assert plan.count("Bitmap Index Scan") == 1, plan


@pytest.mark.django_db
def test_words_are_tested_as_word_beginnings_on_postgresql(postgres_only):
    """``_words_in`` (strpos on the text with a space in front) finds what the LIKE pair did:
    a word's beginning, never the middle of a word."""
    first = index("thanh phố", minutes=1)
    second = index("xã thanh", minutes=2)
    index("nhanh", minutes=3)
    assert find("thanh", public_only=False, org_paths=["00001."]) == [second, first]
    assert find("anh", public_only=False, org_paths=["00001."]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("max_walk", "documents", "limit", "walks", "gin"),
    [
        (100, 1000.0, 5, 2, False),  # a longer walk fills the page
        (20, 1000.0, 5, 1, True),  # the walk it needs is longer than allowed: GIN
        (100, 10.0, 5, 1, True),  # GIN reads fewer rows than that walk would: GIN
        (200, 1000.0, 18, 2, False),  # the longer walk read every document: all found
    ],
    ids=["walks-further", "walk-too-long", "gin-cheaper", "walked-everything"],
)
def test_a_walk_that_found_some_matches_goes_further_when_that_is_cheaper(
    postgres_only, monkeypatch, max_walk, documents, limit, walks, gin
):
    """A staff search of many ids whose words are in a quarter of the newest documents: after
    a first walk of RECENT documents, a longer one rather than GIN, within MAX_WALK and when GIN
    would read more rows (backends.PostgresBackend._longer_walk)."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(PostgresBackend, "RECENT", 4)
    monkeypatch.setattr(PostgresBackend, "MAX_WALK", max_walk)
    monkeypatch.setattr(backends, "_document_count", lambda conn: documents)
    ids = [index("hiếm" if i % 4 == 0 else "thường", minutes=i) for i in range(60)]
    with CaptureQueriesContext(connection) as ctx:
        found = find("hiem", public_only=False, limit=limit)
    assert found == [i for n, i in enumerate(ids) if n % 4 == 0][::-1][:limit]
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum(_WALK in sql and "count(*)" not in sql for sql in sqls) == walks
    assert any(_GIN in sql for sql in sqls) == gin
