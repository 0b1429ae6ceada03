"""Pre-aggregated figures, per month, handling unit and kind, in small "cubes".

A leader's dashboard over a province of a million items reads this table, never the items: the
rows are rebuilt by `services.rollup_rebuild` (in the task worker, and in the request when a
rebuild is cheap). Each measure is counted in the month of its own event, by the same
definitions as `selectors` (received by received_at, answered by closed_at, published by
published_at), so a period made of whole months adds up to the live figure exactly.

Rows with `dim` "" hold the figures per (month, unit, kind); rows with `dim` "channel", "topic"
or "admin_unit" split the same figures by that one dimension (`key`: its code or id, "" when not
set). One row per combination of all dimensions would be nearly as many rows as items at a
province's size; a cube per chart stays small.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from langnghe.orgs.models import Organisation


class ItemMonthly(models.Model):
    month = models.DateField(_("tháng"))  # the first day of the month, in the local time zone
    # The item's handling_path ("" while it is not routed): a subtree is one indexed prefix.
    unit_path = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20)
    dim = models.CharField(max_length=12, blank=True)  # "", "channel", "topic", "admin_unit"
    key = models.CharField(max_length=40, blank=True)

    received = models.PositiveIntegerField(default=0)
    # Items received this month that were reopened at least once since (counted by received_at).
    reopened = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    # Answered while a time limit was running (the base of the on-time rate), and of those the
    # ones answered by it.
    answered_with_limit = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    # Handling time of the answered items (received_at → closed_at), in seconds, and its spread.
    answered_seconds = models.BigIntegerField(default=0)
    answered_within_15 = models.PositiveIntegerField(default=0)
    answered_within_30 = models.PositiveIntegerField(default=0)
    answered_within_60 = models.PositiveIntegerField(default=0)
    published = models.PositiveIntegerField(default=0)
    # Ratings of the items closed this month (1–5); "satisfied" is the rule book's threshold.
    rated = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        verbose_name_plural = _("số liệu tổng hợp theo tháng")
        ordering = ["month", "unit_path"]
        indexes = [
            # A scope is a path prefix (LIKE '00001.%'): PostgreSQL looks one up in a btree only
            # with the pattern operator class, the database's collation not being C.
            models.Index(
                fields=["dim", "unit_path", "month"],
                name="stats_rollup_scope",
                opclasses=["varchar_ops", "varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["dim", "month"], name="stats_rollup_month"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on_time__lte=models.F("answered_with_limit")),
                name="stats_rollup_on_time_le_with_limit",
            ),
            models.CheckConstraint(
                condition=Q(answered_with_limit__lte=models.F("answered")),
                name="stats_rollup_with_limit_le_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_path} {self.kind} {self.dim}={self.key}"


class RollupState(models.Model):
    """When the rollup was last rebuilt and how long that took (one row)."""

    built_at = models.DateTimeField(_("cập nhật lúc"))
    seconds = models.FloatField(default=0)
    item_count = models.PositiveIntegerField(default=0)
    # The largest item id and the latest change seen, to tell whether anything moved since.
    fingerprint = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("trạng thái số liệu tổng hợp")
        verbose_name_plural = _("trạng thái số liệu tổng hợp")
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.built_at:%d/%m/%Y %H:%M}"
