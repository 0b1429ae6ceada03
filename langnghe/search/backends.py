"""Full-text search engines behind ``services``: SQLite FTS5, PostgreSQL, and a slow fallback.

Every backend receives query *tokens* already folded by ``text.tokens`` (letters and digits only,
so no user text ever reaches a query parser) and the same filters, and returns ``object_id``s
newest first. Each token is a prefix ("sa th" finds "Sa Thầy"); tokens are AND-ed.

The hard part is "newest first" at 1,000,000 documents. An inverted index answers "which
documents contain these words", in no useful order; sorting every match of a common word by date
reads hundreds of thousands of rows. Each backend therefore has a way to read matches newest
first and stop after a page, and falls back to "collect all, then sort" only where that set is
small. Both share one shortcut: a staff search restricted to a small organisation subtree reads
that subtree's documents directly (``_words_like`` tests the words on each row).

The SQL here is assembled from module constants, placeholders and column names chosen in code;
every value, user text included, travels as a parameter. Hence the file-wide S608 waiver.
"""

# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from .models import SearchDocument

logger = logging.getLogger(__name__)

DOC_TABLE = SearchDocument._meta.db_table
FTS_TABLE = "search_fts"


@dataclass(frozen=True)
class Filters:
    kind: str
    public_only: bool
    # None: no restriction; otherwise documents under at least one of these (non-empty) paths.
    org_paths: tuple[str, ...] | None


class Backend(Protocol):
    def search(
        self,
        connection: BaseDatabaseWrapper,
        *,
        tokens: list[str],
        filters: Filters,
        limit: int,
        offset: int,
    ) -> list[int]: ...

    def count(
        self, connection: BaseDatabaseWrapper, *, tokens: list[str], filters: Filters, cap: int
    ) -> int: ...


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _words_like(tokens: list[str]) -> tuple[str, list[Any]]:
    """SQL testing that every token starts a word of ``body_folded``, and its parameters.

    ``body_folded`` is words joined by single spaces (``text.index_text``), so "starts the text
    or follows a space" is exactly a word-prefix match, the same as the full-text indexes
    answer. Tokens hold no LIKE wildcards (letters and digits only). A few microseconds a row.
    """
    sql = " AND ".join(["(body_folded LIKE %s OR body_folded LIKE %s)"] * len(tokens))
    return sql, [pattern for tok in tokens for pattern in (f"{tok}%", f"% {tok}%")]


class _IndexedBackend:
    """What both indexed backends share: the small-subtree shortcut and paging."""

    # A subtree with at most this many documents is read directly: a LIKE per row beats
    # walking the index past the matches of other units.
    NARROW_FILTER = 2000

    def search(
        self,
        connection: BaseDatabaseWrapper,
        *,
        tokens: list[str],
        filters: Filters,
        limit: int,
        offset: int,
    ) -> list[int]:
        wanted = offset + limit
        return self._collect(connection, tokens, filters, wanted)[offset:wanted]

    def count(
        self, connection: BaseDatabaseWrapper, *, tokens: list[str], filters: Filters, cap: int
    ) -> int:
        return len(self._collect(connection, tokens, filters, cap))

    def _collect(
        self, connection: BaseDatabaseWrapper, tokens: list[str], filters: Filters, wanted: int
    ) -> list[int]:
        """The object_ids of the first ``wanted`` matching documents, newest first."""
        if filters.org_paths is not None:
            with connection.cursor() as cursor:
                size = self._subtree_size(cursor, filters.org_paths, self.NARROW_FILTER + 1)
                if size <= self.NARROW_FILTER:
                    return self._narrow_scan(cursor, tokens, filters, wanted)
        return self._indexed(connection, tokens, filters, wanted)

    def _subtree_size(self, cursor, org_paths: tuple[str, ...], cap: int) -> int:
        raise NotImplementedError

    def _narrow_scan(self, cursor, tokens: list[str], filters: Filters, wanted: int) -> list[int]:
        raise NotImplementedError

    def _indexed(
        self, connection: BaseDatabaseWrapper, tokens: list[str], filters: Filters, wanted: int
    ) -> list[int]:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SQLiteBackend(_IndexedBackend):
    """FTS5, external-content table over ``SearchDocument.body_folded``, kept in step by triggers.

    Why it stays fast at 1,000,000 documents: the FTS rowid *is* ``SearchDocument.id`` (the
    table's INTEGER PRIMARY KEY), and ids are allocated in ``created_at`` order (see
    ``services._allocate_id``). FTS5 walks its doclists backwards, so
    ``MATCH ... ORDER BY rowid DESC LIMIT n`` yields the newest matches first and stops after
    ``n`` without touching the other (possibly 300,000) matches of a common word; several terms
    are intersected the same way, seeking through each doclist. Joining the table first and
    sorting by date would read every match.

    The other filters (public, organisation subtree, kind) live in the ordinary table, so we
    read FTS rowids in growing batches, keep those that pass the filters (one rowid lookup
    each) and stop as soon as the page is full. The cost is about
    ``page / (share of matches passing the filters)`` lookups, not the number of matches. That
    share is small only for a small unit's subtree, which is read directly instead
    (``_IndexedBackend``). (Putting the filters into FTS5 as reserved tokens was tried and was
    slower: FTS5 intersects by stepping through dense doclists such as "every item" rather
    than skipping them.)

    ``detail='none'`` keeps no positions: we only AND terms, never search phrases, and the index
    is several times smaller and faster without them. ``prefix='1 2 3 4 5 6'`` stores a doclist
    for every prefix of up to six letters (all Vietnamese syllables but a few seven-letter ones
    such as "nghieng"). Without it FTS5 answers ``"nguoi"*`` by merging the doclists of every
    word starting with it into memory *in full* before returning the first row: 300 ms for a
    common word at 1,000,000 documents, against 0.1 ms from a prefix doclist.
    """

    # FTS rowids read per round trip; most searches end in the first, small one.
    FIRST_BATCH = 100
    MAX_BATCH = 2000

    # ---- schema (called from migrations) ----------------------------------------------------

    @staticmethod
    def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
        """Create the FTS table and its triggers, and index the documents already present.

        Call again from any later migration that makes Django rebuild SearchDocument's table on
        SQLite (most field changes do): dropping the old table drops its triggers with it.
        """
        SQLiteBackend.uninstall(schema_editor)
        execute = schema_editor.execute
        execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            f"body_folded, content='{DOC_TABLE}', content_rowid='id', "
            "tokenize='unicode61', detail='none', prefix='1 2 3 4 5 6')"
        )
        # External content: FTS5 must be told the *old* values to remove a row, hence the
        # 'delete' commands with old.* values.
        cols = "rowid, body_folded"
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}({cols}) "
            "VALUES (new.id, new.body_folded); END"
        )
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, {cols}) "
            "VALUES ('delete', old.id, old.body_folded); END"
        )
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF id, body_folded "
            f"ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, {cols}) "
            "VALUES ('delete', old.id, old.body_folded); "
            f"INSERT INTO {FTS_TABLE}({cols}) "
            "VALUES (new.id, new.body_folded); END"
        )
        execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    @staticmethod
    def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")

    # ---- queries ------------------------------------------------------------------------------

    @staticmethod
    def _where(filters: Filters, *, driving: str | None) -> tuple[str, list[Any]]:
        """The filters as SQL. Only the ``driving`` column ("org_path" or None) may use an
        index: without ANALYZE statistics SQLite can prefer the public-flag index over a narrow
        org_path range, or either over the primary key in an ``id IN (...)`` lookup, so the
        other columns get a unary ``+``, which keeps SQLite from using an index for them.
        """

        def col(name: str) -> str:
            return name if name == driving else f"+{name}"

        clauses = [f"{col('kind')} = %s"]
        params: list[Any] = [filters.kind]
        if filters.public_only:
            clauses.append(f"{col('is_public')} = 1")
        if filters.org_paths is not None:
            ranges, range_params = SQLiteBackend._org_ranges(filters.org_paths, col("org_path"))
            clauses.append(ranges)
            params += range_params
        return " AND ".join(clauses), params

    @staticmethod
    def _org_ranges(org_paths: tuple[str, ...], column: str = "org_path") -> tuple[str, list[Any]]:
        # A range rather than LIKE: SQLite uses an index for LIKE only under
        # case_sensitive_like, and under the BINARY collation the range is exactly "starts with".
        sql = " OR ".join([f"({column} >= %s AND {column} < %s)"] * len(org_paths))
        params = [bound for path in org_paths for bound in (path, _prefix_upper_bound(path))]
        return f"({sql})", params

    def _subtree_size(self, cursor, org_paths: tuple[str, ...], cap: int) -> int:
        # Counted in the (org_path, created_at) index alone, up to ``cap``.
        ranges, params = self._org_ranges(org_paths)
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {DOC_TABLE} WHERE {ranges} LIMIT %s)",
            [*params, cap],
        )
        return cursor.fetchone()[0]

    def _narrow_scan(self, cursor, tokens: list[str], filters: Filters, wanted: int) -> list[int]:
        # No ORDER BY, so that SQLite drives the query from the org_path index rather than
        # walking the whole table backwards by rowid; the few rows are sorted here.
        where, params = self._where(filters, driving="org_path")
        words, word_params = _words_like(tokens)
        cursor.execute(
            f"SELECT id, object_id FROM {DOC_TABLE} WHERE {where} AND {words}",
            [*params, *word_params],
        )
        return [object_id for _, object_id in sorted(cursor.fetchall(), reverse=True)][:wanted]

    def _indexed(
        self, connection: BaseDatabaseWrapper, tokens: list[str], filters: Filters, wanted: int
    ) -> list[int]:
        # Tokens hold only letters and digits (text.tokens), so quoting cannot be broken out of.
        match = " AND ".join(f'"{tok}"*' for tok in tokens)
        where, params = self._where(filters, driving=None)
        found: list[int] = []
        below: int | None = None  # FTS rowids >= below have been looked at
        batch = min(max(self.FIRST_BATCH, 2 * wanted), self.MAX_BATCH)
        with connection.cursor() as cursor:
            while len(found) < wanted:
                rowids = self._fts_page(cursor, match, below, batch)
                if rowids:
                    found += self._keep(cursor, rowids, where, params)
                if len(rowids) < batch:
                    break  # no older match left
                below = rowids[-1]
                batch = min(2 * batch, self.MAX_BATCH)
        return found[:wanted]

    @staticmethod
    def _fts_page(cursor, match: str, below: int | None, batch: int) -> list[int]:
        """Up to ``batch`` matching rowids below ``below``, newest first, straight from FTS5."""
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        params: list[Any] = [match]
        if below is not None:
            sql += " AND rowid < %s"
            params.append(below)
        sql += " ORDER BY rowid DESC LIMIT %s"
        params.append(batch)
        try:
            cursor.execute(sql, params)
        except DatabaseError as exc:
            # Tokens are letters and digits, so FTS5 should never reject one; if a tokenizer
            # corner case ever does, the citizen gets "no results" rather than an error page.
            if "fts5" not in str(exc):
                raise
            logger.warning("search: FTS5 rejected %r: %s", match, exc)
            return []
        return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _keep(cursor, rowids: list[int], where: str, params: list[Any]) -> list[int]:
        """The object_ids of those ``rowids`` that pass the filters, in the order given."""
        cursor.execute(
            f"SELECT id, object_id FROM {DOC_TABLE} "
            f"WHERE id IN ({_placeholders(len(rowids))}) AND {where}",
            [*rowids, *params],
        )
        passing = dict(cursor.fetchall())
        return [passing[rowid] for rowid in rowids if rowid in passing]


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


_ORDER = "ORDER BY created_at DESC, id DESC"


def _words_in(tokens: list[str]) -> tuple[str, list[Any]]:
    """``_words_like`` as PostgreSQL runs it fastest: a word starts with the token exactly when
    " token" occurs in the text with a space put in front, and ``strpos`` finds it in one pass
    where the two LIKEs scanned the text twice, each slower (2.7 µs a row against 1.1 µs for the
    newest public documents at 1,000,000 items)."""
    sql = " AND ".join(["strpos(' ' || body_folded, %s) > 0"] * len(tokens))
    return sql, [f" {tok}" for tok in tokens]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class PostgresBackend(_IndexedBackend):
    """A GIN index over the *prefixes* of the words, plus a bounded newest-first walk.

    The index is on ``search_prefix_lexemes(body_folded)``: a tsvector whose lexemes are every
    prefix of up to PREFIX_LEXEME_LENGTH letters of every word ("nguoi" gives n, ng, ngu, nguo,
    nguoi). A query word becomes one *exact* lexeme (``'ng'``) rather than a prefix term
    (``'ng':*``): GIN answers a prefix term by unioning the posting lists of every word that
    starts with it into a bitmap first (seconds for "th" at 1,000,000 documents), while exact
    lexemes are intersected lazily, skipping through the frequent ones. This mirrors FTS5's
    prefix indexes on SQLite. A longer word is looked up by its first letters and checked on
    the row. The text is folded and split in Python, so no text-search parser or configuration
    is involved and both engines see the same words.

    Why not pg_trgm: a trigram index finds substrings, which word-prefix search does not need;
    Vietnamese syllables are 1-7 letters, so many query words have no trigram of their own, and
    trigram GIN has the same unordered-results problem as below.

    GIN returns matches in no order, so "newest 20" through GIN means collecting *every* match
    and sorting: fine for a rare word, slow for a common one. The opposite plan, walking the
    newest documents through a date index (the public documents' own, or ``created_at``) and
    testing each row, stops after a page for a common word but reads the whole table for a word
    that matches nothing. The planner picks between them from estimates that are poor here (it
    guessed 1,500 matches for a word with none and read all 1,000,000 rows). So we choose:

    0. a search of the published documents (the public search) whose words include one that
       PostgreSQL's statistics do not count among their common ones first counts, in the
       published documents' GIN index, the documents holding the rare words: none ends the
       search, a few go to phase 2 at once (``_few_published``);
    1. test the newest RECENT documents passing the filters (a bounded index walk, a word test
       per row, ``_words_in``; for a subtree, a merge of its paths' walks, see ``_recent``) and
       stop at a full page; any word found in at least page/RECENT of the recent documents ends
       here, and a walk that found some matches but not a page goes further when that reads
       fewer rows than GIN would (``_longer_walk``);
    2. otherwise the words are rare: fetch all their matches through GIN and sort them, which
       is cheap precisely because they are few.

    An expression index rather than a stored tsvector column: rows are tested on
    ``body_folded``, so nothing needs a stored vector, which would be several times the size
    of the text. The catch is that PostgreSQL recomputes the expression (slow: a few hundred
    microseconds) when it rechecks a row, which it does only for lossy bitmap pages; phase 2
    therefore gets enough work_mem for exact bitmaps, and its filters are written so that no
    other index joins the bitmap.
    """

    RECENT = 2000
    RECENT_COUNT = 10000  # count(): the newest documents counted in before GIN
    # Subtrees with more distinct paths are large, and the date index walk serves them well.
    MAX_MERGED_PATHS = 32
    PREFIX_LEXEME_LENGTH = 6  # Vietnamese syllables have at most seven letters

    @classmethod
    def install(cls, schema_editor: BaseDatabaseSchemaEditor) -> None:
        execute = schema_editor.execute
        # IMMUTABLE (it is: a pure function of its argument) so that it can be indexed.
        execute(
            "CREATE OR REPLACE FUNCTION search_prefix_lexemes(body text) RETURNS tsvector "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
            "SELECT array_to_tsvector(coalesce(array_agg(DISTINCT left(word, n)), '{}')) "
            "FROM unnest(string_to_array(body, ' ')) AS word, "
            f"generate_series(1, least(length(word), {cls.PREFIX_LEXEME_LENGTH})) AS n "
            "WHERE word <> '' $$"
        )
        execute(
            f"CREATE INDEX IF NOT EXISTS search_doc_prefixes ON {DOC_TABLE} "
            "USING gin (search_prefix_lexemes(body_folded))"
        )
        # LIKE 'prefix%' can use a btree only with the pattern operator class unless the
        # database collation is C, so the model's (org_path, created_at) index cannot size a
        # subtree or list its paths (_subtree_size, _subtree_paths); this one can.
        execute(
            f"CREATE INDEX IF NOT EXISTS search_doc_org_pattern ON {DOC_TABLE} "
            "(org_path varchar_pattern_ops)"
        )

    # The published documents' own GIN index (search migration 0004): what the public search
    # reads, as the published documents are the public ones. With the index over every document,
    # a name that occurs only in private petitions made GIN collect tens of thousands of private
    # matches, each then refused as not public (130 to 530 ms at 1,000,000 items,
    # docs/performance.md). Its statistics also tell which lexemes are common among the
    # published documents (``_common_published_lexemes``). Its condition is on the kind, not on
    # is_public, so that no other index can serve that condition and join its bitmap (the
    # (is_public, created_at) index did, in place of GIN, on a small table).
    PUBLISHED = "published"
    PUBLISHED_INDEX = "search_doc_prefixes_published"

    @classmethod
    def install_published_index(
        cls,
        schema_editor: BaseDatabaseSchemaEditor,
        *,
        concurrently: bool = False,
        analyze: bool = True,
    ) -> None:
        """Build the published documents' GIN index; ``concurrently`` (outside a transaction) keeps
        the table writable meanwhile, and first drops what an interrupted build left invalid."""
        execute = schema_editor.execute
        if concurrently:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = "
                    "i.indexrelid WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                    [cls.PUBLISHED_INDEX],
                )
                invalid = cursor.fetchone()
            if invalid and invalid[0]:
                execute(f"DROP INDEX CONCURRENTLY IF EXISTS {cls.PUBLISHED_INDEX}")
        execute(
            f"CREATE INDEX {'CONCURRENTLY ' if concurrently else ''}IF NOT EXISTS "
            f"{cls.PUBLISHED_INDEX} ON {DOC_TABLE} "
            f"USING gin (search_prefix_lexemes(body_folded)) WHERE kind = '{cls.PUBLISHED}'"
        )
        if analyze:
            # The statistics of the index's expression (its most common lexemes) are gathered
            # by analysing the table.
            execute(f"ANALYZE {DOC_TABLE}")

    @classmethod
    def uninstall_published_index(
        cls, schema_editor: BaseDatabaseSchemaEditor, *, concurrently: bool = False
    ) -> None:
        schema_editor.execute(
            f"DROP INDEX {'CONCURRENTLY ' if concurrently else ''}IF EXISTS {cls.PUBLISHED_INDEX}"
        )

    # Every public document is of the "published" kind: the two filters are not independent, and
    # PostgreSQL, which multiplies their selectivities, guessed a third of the public documents.
    # With so few it read them all and sorted them rather than walk the public documents' date
    # index and stop at RECENT (28 ms instead of 7 ms for phase 1 at 20,000 items,
    # docs/performance.md). Extended statistics give it the pair's real frequencies.
    STATISTICS = "search_doc_kind_public"

    @classmethod
    def install_statistics(cls, schema_editor: BaseDatabaseSchemaEditor) -> None:
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {cls.STATISTICS} (dependencies, mcv) "
            f"ON kind, is_public FROM {DOC_TABLE}"
        )
        schema_editor.execute(f"ANALYZE {DOC_TABLE}")

    @classmethod
    def uninstall_statistics(cls, schema_editor: BaseDatabaseSchemaEditor) -> None:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {cls.STATISTICS}")

    @classmethod
    def uninstall(cls, schema_editor: BaseDatabaseSchemaEditor) -> None:
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_org_pattern")
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_prefixes")
        schema_editor.execute("DROP FUNCTION IF EXISTS search_prefix_lexemes(text)")

    @classmethod
    def _lexemes(cls, tokens: list[str]) -> list[str]:
        """The index's lexemes that the query words look up (a word's first letters)."""
        return list(dict.fromkeys(tok[: cls.PREFIX_LEXEME_LENGTH] for tok in tokens))

    @staticmethod
    def _tsquery(lexemes: list[str]) -> str:
        # Tokens are letters and digits only: quoting them needs no escaping, and they cannot
        # carry tsquery operators.
        return " & ".join(f"'{lexeme}'" for lexeme in lexemes)

    @classmethod
    def _where(cls, filters: Filters, *, indexable: bool = True) -> tuple[str, list[Any]]:
        """The filters as SQL; with ``indexable=False`` written so that no index serves them
        (but the published documents' GIN index, whose condition the kind matches)."""
        if filters.kind == cls.PUBLISHED:
            # A constant, as in the published index's condition: PostgreSQL can then tell that
            # the index holds every row the query wants (a parameter would be a generic plan's).
            clauses = [f"kind = '{cls.PUBLISHED}'"]
            params: list[Any] = []
        else:
            clauses = ["kind = %s"]
            params = [filters.kind]
        if filters.public_only:
            clauses.append("is_public" if indexable else "is_public::int = 1")
        if filters.org_paths is not None:
            column = "org_path" if indexable else "(org_path || '')"
            clauses.append("(" + " OR ".join([f"{column} LIKE %s"] * len(filters.org_paths)) + ")")
            params += [_like_prefix(path) for path in filters.org_paths]
        return " AND ".join(clauses), params

    @classmethod
    def _gin_where(cls, tokens: list[str], filters: Filters) -> tuple[str, list[Any]]:
        """The documents holding the words' prefixes, found through GIN (run it in
        `_through_gin`), and passing the filters, written so that no other index joins in."""
        where, params = cls._where(filters, indexable=False)
        return (
            f"search_prefix_lexemes(body_folded) @@ %s::tsquery AND {where}",
            [cls._tsquery(cls._lexemes(tokens)), *params],
        )

    def _subtree_size(self, cursor, org_paths: tuple[str, ...], cap: int) -> int:
        # One bounded index range per prefix: with OR-ed LIKEs PostgreSQL builds the bitmap of
        # every document in every subtree before it applies the LIMIT.
        total = 0
        for path in org_paths:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {DOC_TABLE} WHERE org_path LIKE %s "
                "LIMIT %s) AS s",
                [_like_prefix(path), cap - total],
            )
            total += cursor.fetchone()[0]
            if total >= cap:
                break
        return total

    def _narrow_scan(self, cursor, tokens: list[str], filters: Filters, wanted: int) -> list[int]:
        # MATERIALIZED: read the small subtree through its index, then sort; never walk the
        # created_at index hoping to meet the subtree.
        where, params = self._where(filters)
        words, word_params = _words_in(tokens)
        cursor.execute(
            f"WITH subtree AS MATERIALIZED (SELECT id, object_id, created_at FROM {DOC_TABLE} "
            f"WHERE {where} AND {words}) "
            f"SELECT object_id FROM subtree {_ORDER} LIMIT %s",
            [*params, *word_params, wanted],
        )
        return [row[0] for row in cursor.fetchall()]

    def _indexed(
        self, connection: BaseDatabaseWrapper, tokens: list[str], filters: Filters, wanted: int
    ) -> list[int]:
        words, word_params = _words_in(tokens)
        order = _ORDER
        few = self._few_published(connection, tokens) if filters.kind == self.PUBLISHED else ""
        if few == "none":
            return []
        if few == "few":
            return self._gin_sorted(connection, tokens, filters, wanted)
        with connection.cursor() as cursor:

            def walk(size: int) -> list[int]:
                # Phase 1: the newest documents passing the filters, tested one by one.
                recent, recent_params = self._recent(cursor, filters, size=size)
                cursor.execute(
                    f"SELECT object_id FROM ({recent}) AS recent WHERE {words} {order} LIMIT %s",
                    [*recent_params, *word_params, wanted],
                )
                return [row[0] for row in cursor.fetchall()]

            found = walk(self.RECENT)
            if len(found) >= wanted:
                return found
            longer = self._longer_walk(connection, self.RECENT, len(found), wanted)
            if longer is not None:
                found = walk(longer)
                if len(found) >= wanted:
                    return found
                # Short of a page: the share was overestimated, or the walk read every
                # document passing the filters, and then it found every match.
                recent, recent_params = self._recent(cursor, filters, size=longer)
                cursor.execute(f"SELECT count(*) FROM ({recent}) AS recent", recent_params)
                if int(cursor.fetchone()[0]) < longer:
                    return found
        return self._gin_sorted(connection, tokens, filters, wanted)

    # The longest walk of the newest documents phase 1 may take (about 3 µs a document).
    MAX_WALK = 40_000

    def _longer_walk(
        self, connection: BaseDatabaseWrapper, walked: int, found: int, wanted: int
    ) -> int | None:
        """How many of the newest documents to walk again (once), when the first walk found some
        matches but not a page and walking further is cheaper than GIN; None otherwise.

        The walk found the words in ``found / walked`` of the documents: a page needs about
        ``wanted / share`` of them walked, while GIN reads every match, about ``share`` times
        the documents of the table, a row costing about as much either way. For a staff search
        of 200 ids in a unit's subtree, a word in 1 % of the unit's newest documents sent phase
        1 to GIN, which then sorted the word's tens of thousands of matches in the whole
        province (p95 500 ms at 1,000,000 items, docs/performance.md); walking 30,000 documents
        takes a tenth of that."""
        if found == 0 or walked >= self.MAX_WALK:
            return None
        share = found / walked
        needed = int(1.5 * wanted / share) + 1  # a margin: the share is an estimate
        # GIN reads every match of the words' lexemes in the whole table, of every kind and
        # unit: at least twice the share's estimate in the runs measured.
        if needed > self.MAX_WALK or needed > 2 * share * _document_count(connection):
            return None
        return needed if needed > walked else None

    def _gin_sorted(
        self, connection: BaseDatabaseWrapper, tokens: list[str], filters: Filters, wanted: int
    ) -> list[int]:
        """Phase 2: few matches, so fetch them all through GIN and sort. MATERIALIZED keeps the
        planner from turning this back into phase 1's walk."""
        words, word_params = _words_in(tokens)
        gin, gin_params = self._gin_where(tokens, filters)
        with _through_gin(connection) as cursor:
            cursor.execute(
                f"WITH matches AS MATERIALIZED (SELECT id, object_id, created_at, body_folded "
                f"FROM {DOC_TABLE} WHERE {gin}) "
                f"SELECT object_id FROM matches WHERE {words} {_ORDER} LIMIT %s",
                [*gin_params, *word_params, wanted],
            )
            return [row[0] for row in cursor.fetchall()]

    # A search of the published documents whose rare lexemes are held by at most this many of
    # them skips phase 1 and sorts them all (a few hundred rows: about a millisecond).
    FEW_PUBLISHED = 400
    # How long a process keeps the published index's most common lexemes before reading again.
    COMMON_LEXEMES_SECONDS = 600.0

    def _few_published(self, connection: BaseDatabaseWrapper, tokens: list[str]) -> str:
        """Whether phase 1 is worth its cost for a search of the published documents (the
        public search): "none" when no published document holds the query's rare lexemes
        (nothing matches), "few" when at most FEW_PUBLISHED do (phase 2 at once), "" when the
        question was not asked or the answer is "many".

        Phase 1 walks up to RECENT public documents (about 9 ms at 1,000,000 items) and finds a
        page only for words common among the newest documents; for a mistyped word it walked
        them all for nothing. A lexeme PostgreSQL's statistics of the published index list among
        its most common elements (gathered by ANALYZE; at that size, those in more than about
        1 % of the published documents) goes to phase 1 as before. Any other lexeme is rarer, so
        the bitmap of its documents is small, and the count reads at most FEW_PUBLISHED + 1
        rows. Without statistics (a table never analysed) nothing is known to be rare, and the
        question is not asked. Lexemes are a word's first six letters, and the other filters
        are left out, so the count can only be too high, never too low: "none" is exact."""
        common = _common_published_lexemes(self.COMMON_LEXEMES_SECONDS)
        rare = [lexeme for lexeme in self._lexemes(tokens) if lexeme not in common]
        if not common or not rare:
            return ""
        with _through_gin(connection) as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {DOC_TABLE} "
                "WHERE search_prefix_lexemes(body_folded) @@ %s::tsquery "
                f"AND kind = '{self.PUBLISHED}' LIMIT %s) AS found",
                [self._tsquery(rare), self.FEW_PUBLISHED + 1],
            )
            held = int(cursor.fetchone()[0])
        if held == 0:
            return "none"
        return "few" if held <= self.FEW_PUBLISHED else ""

    def count(
        self, connection: BaseDatabaseWrapper, *, tokens: list[str], filters: Filters, cap: int
    ) -> int:
        """Up to `cap` matches, in no order: among the newest RECENT_COUNT documents first, then
        through GIN, stopping at `cap`. Counting by collecting (the ordered search with `cap` as
        its page) read every match of a common word, newest first: 0.6 to 2.5 s at 1,000,000
        items (docs/performance.md)."""
        words, word_params = _words_in(tokens)
        with connection.cursor() as cursor:
            if filters.org_paths is not None:
                size = self._subtree_size(cursor, filters.org_paths, self.NARROW_FILTER + 1)
                if size <= self.NARROW_FILTER:  # a small subtree: read directly, as search does
                    return len(self._narrow_scan(cursor, tokens, filters, cap))
        few = self._few_published(connection, tokens) if filters.kind == self.PUBLISHED else ""
        if few == "none":
            return 0
        if few != "few":
            # A word in a tenth of the newest documents has `cap` matches among them: count
            # there first. GIN would build a bitmap of all its matches (265 ms for "thon" at
            # 1,000,000 items) before stopping at `cap`.
            with connection.cursor() as cursor:
                recent, recent_params = self._recent(cursor, filters, size=self.RECENT_COUNT)
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM ({recent}) AS recent WHERE {words} "
                    "LIMIT %s) AS found",
                    [*recent_params, *word_params, cap],
                )
                if int(cursor.fetchone()[0]) >= cap:
                    return cap
        gin, gin_params = self._gin_where(tokens, filters)
        with _through_gin(connection) as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {DOC_TABLE} WHERE {gin} AND {words} "
                "LIMIT %s) AS found",
                [*gin_params, *word_params, cap],
            )
            return int(cursor.fetchone()[0])

    def _recent(self, cursor, filters: Filters, size: int | None = None) -> tuple[str, list[Any]]:
        """SQL for the newest `size` (default RECENT) documents passing the filters, newest first,
        as an index can deliver them without sorting the whole filtered set.

        A subtree is a range of org_path values, and no index returns a range of paths in date
        order: PostgreSQL would sort every document of the subtree. But a subtree holds only a
        few distinct paths (a commune and its units), each of which the (org_path, created_at)
        index returns newest first, so we merge those streams (UNION ALL of ordered branches
        becomes a Merge Append) and read just `size` rows.
        """
        size = size if size is not None else self.RECENT
        columns = "id, object_id, created_at, body_folded"
        # The same order as the outer query's, and the order of the (..., created_at, id)
        # indexes, so that nothing is sorted and the outer LIMIT stops the walk early.
        order = _ORDER
        if filters.org_paths is not None:
            paths = self._subtree_paths(cursor, filters.org_paths, self.MAX_MERGED_PATHS + 1)
            if len(paths) <= self.MAX_MERGED_PATHS:
                where, params = self._where(replace(filters, org_paths=None))
                branch = (
                    f"(SELECT {columns} FROM {DOC_TABLE} WHERE org_path = %s AND {where} "
                    f"{order} LIMIT %s)"
                )
                branches = " UNION ALL ".join([branch] * len(paths)) or (
                    f"SELECT {columns} FROM {DOC_TABLE} WHERE false"
                )
                return (
                    f"SELECT * FROM ({branches}) AS merged {order} LIMIT %s",
                    [*[v for path in paths for v in (path, *params, size)], size],
                )
        where, params = self._where(filters)
        return (
            f"SELECT {columns} FROM {DOC_TABLE} WHERE {where} {order} LIMIT %s",
            [*params, size],
        )

    @staticmethod
    def _subtree_paths(cursor, org_paths: tuple[str, ...], cap: int) -> list[str]:
        """The distinct org_path values under ``org_paths``, at most ``cap`` of them.

        A loose index scan: each step asks the pattern index for the next path above the
        previous one, so the cost is one index probe per distinct path, not per document.
        """
        found: list[str] = []
        for prefix in org_paths:
            cursor.execute(
                "WITH RECURSIVE paths(p) AS ("
                f"(SELECT org_path::text FROM {DOC_TABLE} WHERE org_path LIKE %s "
                "ORDER BY org_path USING ~<~ LIMIT 1) "
                "UNION ALL "
                f"SELECT (SELECT org_path::text FROM {DOC_TABLE} WHERE org_path LIKE %s "
                "AND org_path ~>~ paths.p ORDER BY org_path USING ~<~ LIMIT 1) "
                "FROM paths WHERE paths.p IS NOT NULL) "
                "SELECT p FROM paths WHERE p IS NOT NULL LIMIT %s",
                [_like_prefix(prefix), _like_prefix(prefix), cap - len(found)],
            )
            found += [row[0] for row in cursor.fetchall()]
            if len(found) >= cap:
                break
        return found


_common_lexemes: dict[str, tuple[float, frozenset[str]]] = {}
_document_counts: dict[str, tuple[float, float]] = {}
_COUNT_SECONDS = 600.0


def _document_count(connection: BaseDatabaseWrapper) -> float:
    """PostgreSQL's estimate of the documents in the table (infinite before it was first
    analysed); read again after ten minutes. Per database alias, in this process."""
    now = time.monotonic()
    cached = _document_counts.get(connection.alias)
    if cached is not None and now - cached[0] < _COUNT_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DOC_TABLE])
        row = cursor.fetchone()
    count = float(row[0]) if row and row[0] is not None and row[0] >= 0 else float("inf")
    _document_counts[connection.alias] = (now, count)
    return count


def _common_published_lexemes(max_age: float) -> frozenset[str]:
    """The most common lexemes of the published documents, as PostgreSQL's statistics of their
    GIN index list them; read again after ``max_age`` seconds, in this process. Read on the
    primary database: a role that does not own the table (the replicas' read-only one,
    docs/deployment.md §3) does not see an index's statistics. Empty before the table was first
    analysed."""
    now = time.monotonic()
    cached = _common_lexemes.get(DEFAULT_DB_ALIAS)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[] FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [PostgresBackend.PUBLISHED_INDEX],
        )
        row = cursor.fetchone()
    common = frozenset(row[0] or ()) if row else frozenset()
    _common_lexemes[DEFAULT_DB_ALIAS] = (now, common)
    return common


@contextmanager
def _through_gin(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor whose queries go through the GIN index: sequential and plain index scans are
    off, since either would compute the lexemes of every row; work_mem is large enough for
    exact bitmaps (no lossy pages to recheck); JIT, which costs these short queries about
    40 ms, is off. The settings are local to the transaction: ours, unless the caller already
    has one, whose settings are then put back."""
    settings = {
        "enable_seqscan": "off",
        "enable_indexscan": "off",
        "work_mem": "64MB",
        "jit": "off",
    }
    nested = connection.in_atomic_block
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if nested:
            cursor.execute(
                "SELECT " + ", ".join(["current_setting(%s)"] * len(settings)), list(settings)
            )
            previous = dict(zip(settings, cursor.fetchone(), strict=True))
        _set_local(cursor, settings)
        try:
            yield cursor
        finally:
            if nested:
                _set_local(cursor, previous)


def _set_local(cursor, settings: dict[str, str]) -> None:
    pairs = ", ".join(["set_config(%s, %s, true)"] * len(settings))
    cursor.execute(f"SELECT {pairs}", [item for pair in settings.items() for item in pair])


# --------------------------------------------------------------------------------------------
# Anything else
# --------------------------------------------------------------------------------------------


class ScanBackend:
    """Correct but unindexed (a LIKE per row); for databases the project does not deploy on."""

    @staticmethod
    def _queryset(tokens: list[str], filters: Filters):
        from django.db.models import Q

        qs = SearchDocument.objects.filter(kind=filters.kind)
        if filters.public_only:
            qs = qs.filter(is_public=True)
        if filters.org_paths is not None:
            subtree = Q()
            for path in filters.org_paths:
                subtree |= Q(org_path__startswith=path)
            qs = qs.filter(subtree)
        for tok in tokens:
            qs = qs.filter(Q(body_folded__startswith=tok) | Q(body_folded__contains=f" {tok}"))
        return qs.order_by("-created_at", "-id")

    def search(
        self,
        connection: BaseDatabaseWrapper,
        *,
        tokens: list[str],
        filters: Filters,
        limit: int,
        offset: int,
    ) -> list[int]:
        qs = self._queryset(tokens, filters).using(connection.alias)
        return list(qs.values_list("object_id", flat=True)[offset : offset + limit])

    def count(
        self, connection: BaseDatabaseWrapper, *, tokens: list[str], filters: Filters, cap: int
    ) -> int:
        qs = self._queryset(tokens, filters).using(connection.alias)
        return len(qs.values_list("id", flat=True)[:cap])


_BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(connection: BaseDatabaseWrapper) -> Backend:
    return _BACKENDS.get(connection.vendor, ScanBackend())
