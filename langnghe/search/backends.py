"""Full-text search engines behind ``services``: SQLite FTS5, PostgreSQL, and a slow fallback.

Every backend receives query *tokens* already folded by ``text.tokens`` (letters and digits only,
so no user text ever reaches a query parser) and the same filters, and returns ``object_id``s
newest first. Each token is a prefix ("sa th" finds "Sa Thầy"); tokens are AND-ed.

The SQL here is assembled from module constants, placeholders and column names chosen in code;
every value, user text included, travels as a parameter. Hence the file-wide S608 waiver.
"""

# ruff: noqa: S608

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import DatabaseError, transaction
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


def _prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------


class SQLiteBackend:
    """FTS5, external-content table over ``SearchDocument.body_folded``, kept in step by triggers.

    Why it stays fast at 1,000,000 documents: the FTS rowid *is* ``SearchDocument.id``, and ids
    are allocated in ``created_at`` order (see ``services._allocate_id``). FTS5 walks its
    doclists backwards, so ``MATCH ... ORDER BY rowid DESC LIMIT n`` yields the newest matches
    first and stops after ``n`` without touching the other (possibly 300,000) matches of a
    common word. The other filters (public, organisation subtree, kind) live in the ordinary
    table, so we read FTS rowids in growing batches, keep those that pass the filters (a
    primary-key lookup each) and stop as soon as the page is full. The cost is therefore about
    ``page / (share of matches passing the filters)`` lookups, not the number of matches.
    Joining first and sorting by ``created_at`` instead would read every match.

    That ratio is poor only when the filters keep very few documents (a small unit's subtree)
    and the words are common. So after a bounded FTS scan we check the filter side: if only a
    few documents pass the filters at all, we read those documents instead (``_narrow_scan``),
    whose cost is the size of that small set.

    ``detail='none'`` keeps no positions: we only AND terms, never search phrases, and the index
    is several times smaller and faster without them. ``prefix='1 2 3 4 5 6'`` stores a doclist
    for every prefix of up to six letters (every Vietnamese syllable but "nghieng" and a few
    others fits). Without it FTS5 answers ``"nguoi"*`` by merging the doclists of every word
    that starts with it into memory *in full* before returning the first row: 300 ms for a
    common word at 1,000,000 documents, against 0.1 ms from a prefix doclist. With detail=none
    the six prefix indexes add about a third to the index size.
    """

    # FTS rowids read per round trip; most searches end in the first, small one.
    FIRST_BATCH = 100
    MAX_BATCH = 2000
    # After this many FTS matches without filling the page, check whether the filters are narrow.
    SWITCH_AFTER = 3000
    # "Narrow" means at most this many documents pass the filters.
    NARROW_FILTER = 2000

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
        # External content: FTS5 must be told the *old* text to remove a row, hence the
        # 'delete' commands with old.* values.
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}(rowid, body_folded) VALUES (new.id, new.body_folded); END"
        )
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body_folded) "
            f"VALUES ('delete', old.id, old.body_folded); END"
        )
        execute(
            f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF id, body_folded ON {DOC_TABLE} BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, body_folded) "
            f"VALUES ('delete', old.id, old.body_folded); "
            f"INSERT INTO {FTS_TABLE}(rowid, body_folded) VALUES (new.id, new.body_folded); END"
        )
        execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    @staticmethod
    def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")

    # ---- queries ------------------------------------------------------------------------------

    @staticmethod
    def _match(tokens: list[str]) -> str:
        # Tokens hold only letters and digits (text.tokens), so quoting cannot be broken out of.
        return " AND ".join(f'"{tok}"*' for tok in tokens)

    @staticmethod
    def _where(filters: Filters, *, driving: str | None) -> tuple[str, list[Any]]:
        """The filters as SQL. Only the ``driving`` column ("org_path", "is_public" or None) may
        use an index: without ANALYZE statistics SQLite can prefer the public-flag index over a
        narrow org_path range, or either over the primary key in an ``id IN (...)`` lookup, so
        the other columns get a unary ``+``, which keeps SQLite from using an index for them.
        """

        def col(name: str) -> str:
            return name if name == driving else f"+{name}"

        clauses = [f"{col('kind')} = %s"]
        params: list[Any] = [filters.kind]
        if filters.public_only:
            clauses.append(f"{col('is_public')} = 1")
        if filters.org_paths is not None:
            # A range rather than LIKE: SQLite only uses an index for LIKE under
            # case_sensitive_like, and under the BINARY collation the range is exactly "starts
            # with".
            ranges = []
            for path in filters.org_paths:
                ranges.append(f"({col('org_path')} >= %s AND {col('org_path')} < %s)")
                params += [path, _prefix_upper_bound(path)]
            clauses.append("(" + " OR ".join(ranges) + ")")
        return " AND ".join(clauses), params

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
        match = self._match(tokens)
        where, params = self._where(filters, driving=None)
        found: list[int] = []
        below: int | None = None  # FTS rowids >= below have been looked at
        batch = min(max(self.FIRST_BATCH, 2 * wanted), self.MAX_BATCH)
        scanned = 0
        # Only an organisation subtree or the public flag can be narrow enough to read directly.
        probed = filters.org_paths is None and not filters.public_only
        with connection.cursor() as cursor:
            while len(found) < wanted:
                rowids = self._fts_page(cursor, match, below, batch)
                if rowids is None:
                    return []
                if rowids:
                    found += self._keep(cursor, rowids, where, params)
                if len(rowids) < batch:
                    break  # no older match left
                below = rowids[-1]
                scanned += len(rowids)
                batch = min(2 * batch, self.MAX_BATCH)
                if not probed and scanned >= self.SWITCH_AFTER and len(found) < wanted:
                    probed = True
                    rest = self._narrow_scan(cursor, tokens, filters, below)
                    if rest is not None:
                        found += rest
                        break
        return found[:wanted]

    @staticmethod
    def _fts_page(cursor, match: str, below: int | None, batch: int) -> list[int] | None:
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
            return None
        return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _keep(cursor, rowids: list[int], where: str, params: list[Any]) -> list[int]:
        """The object_ids of those ``rowids`` that pass the filters, in the order given."""
        cursor.execute(
            f"SELECT id, object_id FROM {DOC_TABLE} WHERE id IN ({_placeholders(len(rowids))}) AND {where}",
            [*rowids, *params],
        )
        passing = dict(cursor.fetchall())
        return [passing[rowid] for rowid in rowids if rowid in passing]

    def _narrow_scan(
        self, cursor, tokens: list[str], filters: Filters, below: int
    ) -> list[int] | None:
        """The matches older than ``below``, newest first, found by reading the documents that
        pass the filters; None when more than NARROW_FILTER of them do.

        Asking FTS5 about each candidate (``rowid IN (...)``) costs a doclist seek per row,
        tens of microseconds; LIKE on the stored words costs about one. ``body_folded`` is words
        joined by single spaces, so "starts the text or follows a space" is exactly FTS5's
        prefix match (tokens contain no LIKE wildcards). The query has no ORDER BY and no id
        bound so that SQLite drives it from the filter's index and the LIMIT bounds the work.
        """
        driving = "org_path" if filters.org_paths is not None else "is_public"
        where, params = self._where(filters, driving=driving)
        words, word_params = _words_like(tokens)
        cursor.execute(
            f"SELECT id, object_id, {words} FROM {DOC_TABLE} WHERE {where} LIMIT %s",
            [*word_params, *params, self.NARROW_FILTER + 1],
        )
        rows = cursor.fetchall()
        if len(rows) > self.NARROW_FILTER:
            return None
        return [
            object_id for id_, object_id, hit in sorted(rows, reverse=True) if hit and id_ < below
        ]


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


class PostgresBackend:
    """A GIN index over the *prefixes* of the words, plus a bounded newest-first walk.

    The index is on ``search_prefix_lexemes(body_folded)``: a tsvector whose lexemes are every
    prefix of up to PREFIX_LEXEME_LENGTH letters of every word ("nguoi" gives n, ng, ngu, nguo,
    nguoi). A query word becomes one *exact* lexeme (``'ng'``) rather than a prefix term
    (``'ng':*``): GIN answers a prefix term by unioning the posting lists of every word that
    starts with it into a bitmap first (seconds for "th" at 1,000,000 documents), while exact
    lexemes are intersected lazily, skipping through the frequent ones. This mirrors FTS5's
    prefix indexes on SQLite. Words longer than that are looked up by their first letters and
    checked on the row. The text is folded and split in Python, so no text-search parser or
    configuration is involved and both engines see the same words.

    Why not pg_trgm: a trigram index finds substrings, which word-prefix search does not need;
    Vietnamese syllables are 1-7 letters, so many query words have no trigram of their own, and
    trigram GIN has the same unordered-results problem as below.

    GIN returns matches in no order, so "newest 20" through GIN means collecting *every* match
    and sorting: fine for a rare word, slow for a common one. The opposite plan, walking the
    newest documents through the ``(is_public, created_at)`` or organisation index and testing
    each row, stops after a page for a common word but reads the whole table for a word that
    matches nothing. The planner picks between them from estimates that are poor here (it
    guessed 1,500 matches for a word with none and read all 1,000,000 rows). So we choose:

    1. test the newest RECENT documents passing the filters (a bounded index walk, a
       microsecond or two per row with LIKE on the stored words) and stop at a full page; any
       word found in at least page/RECENT of the recent documents ends here;
    2. otherwise the words are rare (or fewer than RECENT documents pass the filters, and then
       phase 1 was complete): fetch all their matches through GIN and sort them, which is cheap
       precisely because they are few.

    An expression index rather than a stored tsvector column: the row test in both phases is
    the LIKE on ``body_folded``, so nothing reads a stored vector, which would be several
    times the size of the text.
    """

    RECENT = 2000
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
        # database collation is C; the model's (org_path, created_at) index cannot serve it.
        execute(
            f"CREATE INDEX IF NOT EXISTS search_doc_org_pattern ON {DOC_TABLE} "
            "(org_path varchar_pattern_ops, created_at DESC)"
        )

    @staticmethod
    def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_org_pattern")
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_prefixes")
        schema_editor.execute("DROP FUNCTION IF EXISTS search_prefix_lexemes(text)")

    @classmethod
    def _tsquery(cls, tokens: list[str]) -> str:
        # Tokens are letters and digits only: quoting them needs no escaping, and they cannot
        # carry tsquery operators.
        lexemes = dict.fromkeys(tok[: cls.PREFIX_LEXEME_LENGTH] for tok in tokens)
        return " & ".join(f"'{lexeme}'" for lexeme in lexemes)

    @staticmethod
    def _where(filters: Filters) -> tuple[str, list[Any]]:
        clauses = ["kind = %s"]
        params: list[Any] = [filters.kind]
        if filters.public_only:
            clauses.append("is_public")
        if filters.org_paths is not None:
            clauses.append("(" + " OR ".join(["org_path LIKE %s"] * len(filters.org_paths)) + ")")
            params += [_like_prefix(path) for path in filters.org_paths]
        return " AND ".join(clauses), params

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
        where, params = self._where(filters)
        words, word_params = _words_like(tokens)
        order = "ORDER BY created_at DESC, id DESC"
        with connection.cursor() as cursor:
            # Phase 1: the newest documents passing the filters, tested one by one.
            cursor.execute(
                f"SELECT object_id FROM ("
                f"SELECT id, object_id, created_at, body_folded FROM {DOC_TABLE} "
                f"WHERE {where} {order} LIMIT %s) AS recent "
                f"WHERE {words} {order} LIMIT %s",
                [*params, self.RECENT, *word_params, wanted],
            )
            found = [row[0] for row in cursor.fetchall()]
            if len(found) >= wanted:
                return found
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {DOC_TABLE} WHERE {where} LIMIT %s) AS f",
                [*params, self.RECENT],
            )
            if cursor.fetchone()[0] < self.RECENT:
                return found  # phase 1 saw every document passing the filters
        # Phase 2: few matches, so fetch them all through GIN and sort. The CTE is MATERIALIZED
        # so that the planner cannot turn it back into phase 1's walk, and sequential scans are
        # off because one would compute the lexemes of every row.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            try:
                cursor.execute(
                    f"WITH matches AS MATERIALIZED ("
                    f"SELECT id, object_id, created_at, body_folded FROM {DOC_TABLE} "
                    f"WHERE search_prefix_lexemes(body_folded) @@ %s::tsquery AND {where}) "
                    f"SELECT object_id FROM matches WHERE {words} {order} LIMIT %s",
                    [self._tsquery(tokens), *params, *word_params, wanted],
                )
                return [row[0] for row in cursor.fetchall()]
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


def _words_like(tokens: list[str]) -> tuple[str, list[Any]]:
    """SQL testing that every token starts a word of ``body_folded``, and its parameters.

    ``body_folded`` is words joined by single spaces, so "starts the text or follows a space"
    is exactly a word-prefix match. Tokens hold no LIKE wildcards (letters and digits only).
    """
    sql = " AND ".join(["(body_folded LIKE %s OR body_folded LIKE %s)"] * len(tokens))
    return sql, [pattern for tok in tokens for pattern in (f"{tok}%", f"% {tok}%")]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


# --------------------------------------------------------------------------------------------
# Anything else
# --------------------------------------------------------------------------------------------


class ScanBackend:
    """Correct but unindexed (substring scans); for databases the project does not deploy on."""

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
            # A word starts the text or follows a space (index_text joins words with spaces).
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
        return len(
            self._queryset(tokens, filters)
            .using(connection.alias)
            .values_list("id", flat=True)[:cap]
        )


_BACKENDS: dict[str, Backend] = {"sqlite": SQLiteBackend(), "postgresql": PostgresBackend()}


def backend_for(connection: BaseDatabaseWrapper) -> Backend:
    return _BACKENDS.get(connection.vendor, ScanBackend())
