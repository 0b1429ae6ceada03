"""The search index's public API: other apps index and query documents with plain values.

The index is derived data (it can be rebuilt from the items at any time), so these writes do not
emit audit events; the service that changes the item records that. Call the upsert inside the
same transaction as that change, so the index never disagrees with a committed item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .backends import Filters, backend_for
from .models import SearchDocument
from .text import index_text, tokens

MAX_LIMIT = 200
# Deep pages cost linear time on every engine; nobody reads page 500 of a search.
MAX_OFFSET = 10_000
# Words of a query that are used; the rest would only narrow an already narrow result.
MAX_QUERY_TOKENS = 12

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# How many ids past a clash one query looks at.
_CLASH_WINDOW = 1_000_000


def search_document_upsert(
    *,
    key: str,
    kind: str,
    object_id: int,
    title: str,
    body: str,
    is_public: bool,
    org_path: str,
    created_at: dt.datetime,
) -> None:
    """Index a document under ``key``, replacing what was indexed under it before."""
    if timezone.is_naive(created_at):
        created_at = timezone.make_aware(created_at)
    values = {
        "kind": kind,
        "object_id": object_id,
        "title": title[: SearchDocument._meta.get_field("title").max_length],
        "body_folded": index_text(f"{title}\n{body}"),
        "is_public": is_public,
        "org_path": org_path,
    }
    # Two writers indexing documents created in the same microsecond, or the same new key, can
    # collide on a unique column; the loser retries against what the winner wrote.
    for attempt in range(5):
        try:
            with transaction.atomic():
                _upsert(key=key, created_at=created_at, values=values)
            return
        except IntegrityError:
            if attempt == 4:
                raise


def _upsert(*, key: str, created_at: dt.datetime, values: dict[str, object]) -> None:
    doc = SearchDocument.objects.select_for_update().filter(key=key).first()
    if doc is not None and doc.created_at == created_at:
        changed = [name for name, value in values.items() if getattr(doc, name) != value]
        if changed:
            for name in changed:
                setattr(doc, name, values[name])
            doc.save(update_fields=changed)
        return
    if doc is not None:
        # The id encodes created_at, so a document whose date changed is indexed afresh.
        doc.delete()
    SearchDocument.objects.create(
        id=_allocate_id(created_at), key=key, created_at=created_at, **values
    )


def _allocate_id(created_at: dt.datetime) -> int:
    """Microseconds since the epoch, or the first free id after it.

    Ids in created_at order let SQLite's FTS5 read matches newest first (backends.SQLiteBackend).
    A clash means several documents share a timestamp (a bulk import); they take the ids that
    follow it, out of order only with a document created within those few microseconds.
    """
    candidate = (created_at - _EPOCH) // _MICROSECOND
    while SearchDocument.objects.filter(id=candidate).exists():
        # The end of the run of taken ids starting here, found in one query.
        run_end = (
            SearchDocument.objects.filter(id__gte=candidate, id__lt=candidate + _CLASH_WINDOW)
            .annotate(next_taken=Exists(SearchDocument.objects.filter(id=OuterRef("id") + 1)))
            .filter(next_taken=False)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        candidate = candidate + _CLASH_WINDOW if run_end is None else run_end + 1
    return candidate


def search_document_delete(*, key: str) -> None:
    """Remove the document indexed under ``key``; nothing happens if there is none."""
    SearchDocument.objects.filter(key=key).delete()


def _filters(*, kind: str, public_only: bool, org_paths: list[str] | None) -> Filters | None:
    """The backend filters, or None when the filters let nothing through."""
    if org_paths is None:
        return Filters(kind=kind, public_only=public_only, org_paths=None)
    # An empty path would be a prefix of everything; a caller meaning "everything" passes None.
    paths = tuple(sorted({path for path in org_paths if path}))
    if not paths:
        return None
    # "0001." already covers "0001.0004.": drop paths inside another one.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return Filters(kind=kind, public_only=public_only, org_paths=tuple(kept))


def search_ids(
    *,
    query: str,
    kind: str = "item",
    public_only: bool,
    org_paths: list[str] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[int]:
    """The object_ids of the documents matching every word of ``query``, newest first.

    Matching ignores case and diacritics and treats each word as a prefix ("sa th" finds
    "Sa Thầy"). ``public_only`` keeps public documents only. ``org_paths`` keeps the documents
    handled under at least one of those organisation paths (an empty list keeps none);
    ``None`` means no organisation restriction, which only a public search or a caller that
    has established that the actor may see everything should ask for. A query without any
    letter or digit finds nothing.
    """
    words = tokens(query)[:MAX_QUERY_TOKENS]
    filters = _filters(kind=kind, public_only=public_only, org_paths=org_paths)
    limit = min(limit, MAX_LIMIT)
    offset = max(offset, 0)
    if not words or filters is None or limit <= 0 or offset > MAX_OFFSET:
        return []
    db = _database(public_only)
    return backend_for(db).search(db, tokens=words, filters=filters, limit=limit, offset=offset)


def search_count(
    *,
    query: str,
    kind: str = "item",
    public_only: bool,
    org_paths: list[str] | None = None,
    cap: int = 1000,
) -> int:
    """How many documents ``search_ids`` would page through, counting at most ``cap``.

    Counting every match of a common word is the one thing no index makes cheap, so callers
    show "more than N" when the answer equals ``cap``.
    """
    words = tokens(query)[:MAX_QUERY_TOKENS]
    filters = _filters(kind=kind, public_only=public_only, org_paths=org_paths)
    if not words or filters is None or cap <= 0:
        return 0
    db = _database(public_only)
    return backend_for(db).count(db, tokens=words, filters=filters, cap=cap)


def _database(public_only: bool) -> Any:
    """Public searches may read from a read replica (docs/deployment.md); staff searches read
    the primary, so a member of staff finds what they have just written."""
    if not public_only:
        return connection
    from langnghe.core.db_routers import replica_alias

    return connections[replica_alias()]
