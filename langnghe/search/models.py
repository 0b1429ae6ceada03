"""The search index: one row per searchable document, independent of the models it describes.

Other apps never import these models; they hand plain values to ``services`` so that the index
can be rebuilt, moved to another engine or dropped without touching them.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """One indexed document (an item, a disclosure, ...).

    ``id`` is always given by ``services``, which derives it from ``created_at`` (microseconds
    since the epoch, bumped on a clash), so id order *is* newest-first order. SQLite's FTS5
    table uses the id as its rowid and can then return matches newest first straight from the
    index and stop after a page, without reading every match of a common word
    (see ``backends.SQLiteBackend``). It is declared as an auto field only because that makes
    it SQLite's ``INTEGER PRIMARY KEY``, the rowid itself (the table is stored in id order and
    looked up by id in one B-tree search); a plain ``bigint PRIMARY KEY`` would be a separate
    index beside a hidden rowid.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=100, unique=True)  # "item:123": kind and id of the source
    object_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=32)
    is_public = models.BooleanField(default=False)
    # Materialised path of the organisation handling the document ("00001.00004."); staff search
    # keeps the documents whose path starts with one of the actor's granted paths.
    org_path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(db_index=True)
    title = models.CharField(max_length=500, blank=True)
    # text.index_text(title + body): the only column the full-text indexes read.
    body_folded = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # id breaks ties between equal created_at, so that the index alone delivers the
        # complete newest-first order and PostgreSQL can stop reading after a page.
        indexes = [
            models.Index(
                fields=["is_public", "-created_at", "-id"], name="search_doc_public_created"
            ),
            models.Index(fields=["org_path", "-created_at", "-id"], name="search_doc_org_created"),
        ]

    def __str__(self) -> str:
        return self.key
