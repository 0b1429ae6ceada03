"""Audit events: an append-only record of every state change, reveal and sealed read.

Tamper evidence (docs/security.md §4): each row is written with the SHA-256 of its own canonical
content (`content_hash`). A chaining step (`langnghe.core.audit.audit_chain_extend`, run by the task
worker every minute and at the start of `manage.py audit_verify`) later links the rows into one
hash chain: `chain_seq` is the row's position, `prev_hash` the previous row's `chain_hash`, and
`chain_hash = SHA-256(prev_hash + content_hash)`. Writers never wait for each other: the chain is
built afterwards, in one order, under a lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def unchained(self) -> AuditEventQuerySet:
        return self.filter(chain_seq__isnull=True)

    def chain_fill(self, links: list[tuple[int, int, str, str]]) -> int:
        """The one write an audit row ever receives after its insert: its place in the chain.

        `links` are (pk, seq, prev_hash, chain_hash). This does not weaken append-only: the
        UPDATE only fills the three chain fields, never the content that `content_hash` covers,
        and only of rows whose chain fields are still empty (that filter is part of the UPDATE's
        WHERE clause), so a row once chained can never be chained again."""
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            # One prepared statement, many parameter rows: an ORM bulk_update builds a CASE per
            # row and costs several times more CPU on the worker.
            cursor.executemany(
                f"UPDATE {table} SET chain_seq = %s, prev_hash = %s, chain_hash = %s "  # noqa: S608
                "WHERE id = %s AND chain_seq IS NULL AND chain_hash = ''",
                [(seq, prev, chained, pk) for pk, seq, prev, chained in links],
            )
            return max(cursor.rowcount, 0)


class AuditEvent(models.Model):
    """One thing that happened. Rows are never updated or deleted (Zulip RealmAuditLog)."""

    # Set by the application before the insert (not auto_now_add) so that the content hash,
    # computed before the insert, covers the stored timestamp.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Citizens act through a receipt, never an account: recorded as the receipt's item.
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)
    # SHA-256 (hex) of the canonical content above, computed at the insert.
    content_hash = models.CharField(max_length=64, blank=True, default="")
    # Filled once by the chaining step (AuditEventQuerySet.chain_fill), never by save().
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    chain_hash = models.CharField(max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            # The chaining step reads the unchained tail: a small partial index.
            models.Index(
                fields=["id"], condition=Q(chain_seq__isnull=True), name="core_audit_unchained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        from .audit import content_hash_of

        if self.at is None:
            self.at = timezone.now()
        self.content_hash = content_hash_of(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")
